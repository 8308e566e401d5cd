/**
 * OpenEI U.S. Utility Rate Database (URDB) tariff JSON → the engine's `Tariff` (currency USD).
 *
 * Maps what the engine can bill exactly: one energy price (flat → `single`, one tiered period →
 * `tiered`, weekday/weekend 12×24 period schedules → `tou` with month seasons and hour slots, tiered
 * periods → tiered bands over the month's total), fixed
 * charges per month or day, one flat demand price, and a uniform sell rate under instantaneous net
 * billing (→ feed-in). Everything else is refused with the URDB field and the reason, never imported
 * approximately. See docs/billing.md, "URDB import".
 */
import { formatDecimal, dec } from "./money.ts";
import type { FixedCharge, MinimumCharge, Tariff, TouBand, TouSeason, TouSlot } from "./tariff.ts";
import { MAX_TOU_BANDS, parseTariff } from "./tariff.ts";
import type { FieldError } from "./validation.ts";

export type UrdbImportResult =
  { ok: true; tariff: Tariff; notes: string[] } | { ok: false; errors: FieldError[] };

/** Descriptive fields: read by people, not by the bill. */
const DESCRIPTIVE = new Set([
  "label",
  "eiaid",
  "name",
  "utility",
  "uri",
  "startdate",
  "enddate",
  "supercedes",
  "sector",
  "servicetype",
  "description",
  "source",
  "sourceparent",
  "basicinformationcomments",
  "energycomments",
  "demandcomments",
  "peakkwcapacitymin",
  "peakkwcapacitymax",
  "peakkwcapacityhistory",
  "peakkwhusagemin",
  "peakkwhusagemax",
  "peakkwhusagehistory",
  "voltageminimum",
  "voltagemaximum",
  "voltagecategory",
  "phasewiring",
  "is_default",
  "latest_update",
  "approved",
  "country",
  "revisions",
]);

/** Fields this importer reads (and maps or refuses). */
const PRICED = new Set([
  "energyratestructure",
  "energyweekdayschedule",
  "energyweekendschedule",
  "fixedchargefirstmeter",
  "fixedchargeunits",
  "fixedchargeeaaddl",
  "mincharge",
  "minchargeunits",
  "annualmincharge",
  "realtimepricing",
  "dgrules",
  "usenetmetering",
  "demandrateunit",
  "demandratestructure",
  "demandweekdayschedule",
  "demandweekendschedule",
  "demandwindow",
  "flatdemandunit",
  "flatdemandstructure",
  "flatdemandmonths",
  "demandratchetpercentage",
  "demandreactivepowercharge",
  "coincidentrateunit",
  "coincidentratestructure",
  "coincidentrateschedule",
  "fueladjustmentsmonthly",
  "lookbackpercent",
  "lookbackrange",
  "lookbackmonths",
  "energyattrs",
  "demandattrs",
  "fixedattrs",
]);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LEAP_MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

type Tier = { price: string; upToKwh: string | null; sell?: string };

/**
 * Imports one URDB rate (`{ items: [rate] }` as the URDB API returns it, or the rate object itself).
 * @example importUrdbTariff({ items: [{ name: "Flat", fixedchargefirstmeter: 8, fixedchargeunits: "$/month",
 *   energyratestructure: [[{ rate: 0.12, unit: "kWh" }]], energyweekdayschedule: zeros12x24,
 *   energyweekendschedule: zeros12x24 }] })
 *   // { ok: true, tariff: { name: "Flat", currency: "USD", single: { price: "0.12" }, fixedCharges: [...] }, notes: [] }
 */
export function importUrdbTariff(json: unknown): UrdbImportResult {
  const errors: FieldError[] = [];
  const notes: string[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });

  let rate: unknown = json;
  let base = "";
  if (isRecord(json) && "items" in json) {
    const items = json.items;
    if (!Array.isArray(items) || items.length !== 1) {
      const n = Array.isArray(items) ? `${items.length} rates` : "no list";
      return { ok: false, errors: [{ path: "items", message: `must hold exactly one rate (got ${n})` }] };
    }
    rate = items[0];
    base = "items[0].";
  }
  if (!isRecord(rate)) return { ok: false, errors: [{ path: base || "", message: "must be an object" }] };
  const p = (field: string) => `${base}${field}`;

  for (const key of Object.keys(rate)) {
    if (!DESCRIPTIVE.has(key) && !PRICED.has(key)) {
      fail(p(key), "unknown URDB field: refused rather than ignored, it may change the bill");
    }
  }

  // Fields that always change the bill and that the engine cannot express yet.
  refuseNonZero(rate, "demandratchetpercentage", p, fail, () => "demand ratchets are not supported yet");
  refuseNonZero(
    rate,
    "demandreactivepowercharge",
    p,
    fail,
    () => "reactive power charges are not supported yet",
  );
  refuseNonZero(
    rate,
    "fueladjustmentsmonthly",
    p,
    fail,
    () => "monthly fuel adjustments per kWh are not supported yet",
  );
  refuseNonZero(
    rate,
    "lookbackpercent",
    p,
    fail,
    () => "demand look-back (ratchet) rules are not supported yet",
  );
  refuseNonZero(
    rate,
    "coincidentratestructure",
    p,
    fail,
    () => "coincident demand charges are not supported yet",
  );
  for (const attrs of ["energyattrs", "demandattrs", "fixedattrs"]) {
    refuseNonZero(
      rate,
      attrs,
      p,
      fail,
      () => "free-form charge attributes cannot be priced; refused rather than ignored",
    );
  }
  if (rate.usenetmetering === true) {
    fail(p("usenetmetering"), netMeteringRefusal);
  }

  // Energy
  let energy: Pick<Tariff, "single" | "tiered" | "tou"> | undefined;
  let sellRates: { path: string; sell: string | undefined }[] = [];
  if (rate.realtimepricing !== undefined) {
    const n = Array.isArray(rate.realtimepricing) ? rate.realtimepricing.length : 0;
    fail(
      p("realtimepricing"),
      `real-time pricing (${n} hourly prices without dates or time zone) is not supported yet: the engine's dynamic tariff prices intervals from dated market prices (c4e market-price-import)`,
    );
  } else {
    const mapped = mapEnergy(rate, p, fail, notes);
    energy = mapped?.energy;
    sellRates = mapped?.sellRates ?? [];
  }

  // Export (distributed generation)
  let exportCompensation: Tariff["export"];
  const dgrules = rate.dgrules;
  const sells = sellRates.filter((s) => s.sell !== undefined);
  if (dgrules === undefined || dgrules === "") {
    if (sells.length > 0) {
      fail(sells[0]!.path, "a sell rate without dgrules (how exports are netted) cannot be applied");
    }
  } else if (dgrules === "Net Billing Instantaneous") {
    const distinct = new Set(sellRates.map((s) => s.sell));
    if (sells.length === 0) {
      fail(
        p("dgrules"),
        `"Net Billing Instantaneous" needs a sell rate (energyratestructure[][].sell), none given`,
      );
    } else if (distinct.size > 1) {
      fail(
        (sellRates.find((s) => s.sell !== sellRates[0]!.sell) ?? sellRates[0]!).path,
        "sell rates that differ by period or tier (or are missing on some) are not supported yet: the engine has one feed-in price",
      );
    } else {
      exportCompensation = { kind: "feed_in", price: sells[0]!.sell! };
    }
  } else if (dgrules === "Net Metering") {
    fail(p("dgrules"), netMeteringRefusal);
  } else {
    fail(
      p("dgrules"),
      `${JSON.stringify(dgrules)} is not supported yet (only "Net Billing Instantaneous" with one sell rate maps, to a feed-in price)`,
    );
  }

  const fixedCharges = mapFixedCharge(rate, p, fail, notes);
  const minimumCharges = mapMinimumCharges(rate, p, fail);
  const demand = mapDemand(rate, p, fail);

  if (errors.length > 0 || energy === undefined) {
    if (errors.length === 0) fail(p("energyratestructure"), "required");
    return { ok: false, errors };
  }
  const name = typeof rate.name === "string" && rate.name.trim() !== "" ? rate.name : "URDB tariff";
  const utility = typeof rate.utility === "string" && rate.utility.trim() !== "" ? `${rate.utility}: ` : "";
  const tariff = {
    name: `${utility}${name}`,
    currency: "USD",
    ...energy,
    ...(fixedCharges.length > 0 ? { fixedCharges } : {}),
    ...(minimumCharges.length > 0 ? { minimumCharges } : {}),
    ...(demand !== undefined ? { demand } : {}),
    ...(exportCompensation !== undefined ? { export: exportCompensation } : {}),
  };
  const parsed = parseTariff(tariff);
  if (!parsed.ok) {
    return {
      ok: false,
      errors: parsed.errors.map((e) => ({
        path: `tariff.${e.path}`,
        message: `mapped tariff refused: ${e.message}`,
      })),
    };
  }
  return { ok: true, tariff: parsed.tariff, notes };
}

const netMeteringRefusal =
  "net metering is not supported yet: URDB does not say what happens to excess export (roll-over, true-up, sell-back) and the engine nets within one billing period only";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** True for values that carry a charge: a non-zero number, or a non-empty list/object/string. */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === "" || value === 0 || value === false) return false;
  if (Array.isArray(value)) return value.some((v) => isSet(v));
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

function refuseNonZero(
  rate: Record<string, unknown>,
  field: string,
  p: (f: string) => string,
  fail: (path: string, message: string) => void,
  why: (value: string) => string,
): void {
  const value = rate[field];
  if (isSet(value)) fail(p(field), why(typeof value === "number" ? decimal(value) : JSON.stringify(value)));
}

/** A JSON number as a plain decimal string (no exponent). */
function decimal(n: number): string {
  return formatDecimal(dec(n));
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** The tiers of one energy period, or undefined after reporting why not. */
function energyTiers(
  value: unknown,
  path: string,
  fail: (path: string, message: string) => void,
): Tier[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    fail(path, "must be a non-empty list of tiers");
    return undefined;
  }
  const tiers: Tier[] = [];
  let previousMax: number | undefined;
  let ok = true;
  value.forEach((item, i) => {
    const tp = `${path}[${i}]`;
    if (!isRecord(item)) {
      fail(tp, "must be an object");
      ok = false;
      return;
    }
    for (const key of Object.keys(item)) {
      if (!["rate", "adj", "max", "unit", "sell"].includes(key)) {
        fail(`${tp}.${key}`, "unknown tier field: refused rather than ignored");
        ok = false;
      }
    }
    if (!finite(item.rate)) {
      fail(`${tp}.rate`, `must be a number in $/kWh (got ${JSON.stringify(item.rate)})`);
      ok = false;
      return;
    }
    if (item.adj !== undefined && !finite(item.adj)) {
      fail(`${tp}.adj`, `must be a number in $/kWh (got ${JSON.stringify(item.adj)})`);
      ok = false;
      return;
    }
    if (item.unit !== undefined && item.unit !== "kWh") {
      fail(
        `${tp}.unit`,
        `${JSON.stringify(item.unit)} is not supported yet: only tiers in kWh per month ("kWh") map (daily or per-kW tier bounds do not)`,
      );
      ok = false;
    }
    const price = dec(item.rate).plus(dec(finite(item.adj) ? item.adj : 0));
    if (price.isNegative()) {
      fail(
        `${tp}`,
        `rate + adj = ${formatDecimal(price)} $/kWh: negative energy prices are not supported yet`,
      );
      ok = false;
    }
    const last = i === value.length - 1;
    let upToKwh: string | null = null;
    if (item.max !== undefined) {
      if (!finite(item.max) || item.max <= 0 || (previousMax !== undefined && item.max <= previousMax)) {
        fail(`${tp}.max`, `must be a kWh bound above the previous tier's (got ${JSON.stringify(item.max)})`);
        ok = false;
      } else if (last) {
        fail(`${tp}.max`, "the last tier has an upper bound: kWh above it would have no price");
        ok = false;
      } else {
        upToKwh = decimal(item.max);
        previousMax = item.max;
      }
    } else if (!last) {
      fail(`${tp}.max`, "only the last tier may be unbounded");
      ok = false;
    }
    let sell: string | undefined;
    if (item.sell !== undefined) {
      if (!finite(item.sell) || item.sell < 0) {
        fail(`${tp}.sell`, `must be a non-negative number in $/kWh (got ${JSON.stringify(item.sell)})`);
        ok = false;
      } else sell = decimal(item.sell);
    }
    tiers.push({ price: formatDecimal(price), upToKwh, ...(sell !== undefined ? { sell } : {}) });
  });
  return ok ? tiers : undefined;
}

/** A 12 × 24 matrix of period indexes below `periods`, or undefined after reporting why not. */
function schedule(
  value: unknown,
  path: string,
  periods: number,
  fail: (path: string, message: string) => void,
): number[][] | undefined {
  if (value === undefined) {
    fail(
      path,
      "required: 12 months × 24 hours of energy period indexes (without it the periods cannot be placed in time)",
    );
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 12) {
    fail(path, "must be 12 months × 24 hours of period indexes");
    return undefined;
  }
  let ok = true;
  const rows = value.map((row, m) => {
    if (!Array.isArray(row) || row.length !== 24) {
      fail(`${path}[${m}]`, "must be 24 hourly period indexes");
      ok = false;
      return [];
    }
    return row.map((cell, h) => {
      if (!Number.isInteger(cell) || (cell as number) < 0 || (cell as number) >= periods) {
        fail(
          `${path}[${m}][${h}]`,
          `must be a period index 0–${periods - 1} of energyratestructure (got ${JSON.stringify(cell)})`,
        );
        ok = false;
      }
      return cell as number;
    });
  });
  return ok ? rows : undefined;
}

function mapEnergy(
  rate: Record<string, unknown>,
  p: (f: string) => string,
  fail: (path: string, message: string) => void,
  notes: string[],
):
  | {
      energy: Pick<Tariff, "single" | "tiered" | "tou">;
      sellRates: { path: string; sell: string | undefined }[];
    }
  | undefined {
  const structure = rate.energyratestructure;
  if (!Array.isArray(structure) || structure.length === 0) {
    fail(p("energyratestructure"), "required: a non-empty list of energy periods, each a list of tiers");
    return undefined;
  }
  const periods = structure.map((period, i) => energyTiers(period, p(`energyratestructure[${i}]`), fail));
  const weekday = schedule(rate.energyweekdayschedule, p("energyweekdayschedule"), structure.length, fail);
  const weekend = schedule(rate.energyweekendschedule, p("energyweekendschedule"), structure.length, fail);
  if (weekday === undefined || weekend === undefined || periods.some((t) => t === undefined))
    return undefined;
  const tiersOf = periods as Tier[][];

  const used = [...new Set([...weekday.flat(), ...weekend.flat()])].sort((a, b) => a - b);
  const unused = structure.map((_, i) => i).filter((i) => !used.includes(i));
  if (unused.length > 0)
    notes.push(`energyratestructure periods ${unused.join(", ")} appear in no schedule and are left out`);
  const sellRates = used.flatMap((i) =>
    tiersOf[i]!.map((t, j) => ({ path: p(`energyratestructure[${i}][${j}].sell`), sell: t.sell })),
  );

  const key = (tiers: Tier[]) => JSON.stringify(tiers.map((t) => [t.price, t.upToKwh]));
  const distinct = new Set(used.map((i) => key(tiersOf[i]!)));
  if (distinct.size === 1) {
    // One price structure all year (possibly under several period indexes): no time of use.
    const tiers = tiersOf[used[0]!]!;
    if (tiers.length === 1) return { energy: { single: { price: tiers[0]!.price } }, sellRates };
    notes.push(
      "tier bounds are kWh per month in URDB and per billing period in the engine: bill this tariff monthly",
    );
    return {
      energy: { tiered: { tiers: tiers.map((t) => ({ upToKwh: t.upToKwh, price: t.price })) } },
      sellRates,
    };
  }
  if (used.length > MAX_TOU_BANDS) {
    fail(
      p("energyratestructure"),
      `${used.length} periods in use: the engine's time of use has at most ${MAX_TOU_BANDS} bands`,
    );
    return undefined;
  }
  // Tiered TOU: URDB tier bounds are the month's kWh, so the total decides the block ("total").
  const tieredTou = used.some((i) => tiersOf[i]!.length > 1);
  if (tieredTou) {
    notes.push(
      'tiers inside time-of-use periods: URDB bounds are kWh per month over the total, so tierBasis is "total" (each period gets its share of every block); bill this tariff monthly',
    );
  }
  const bands: TouBand[] = used.map((i) => {
    const tiers = tiersOf[i]!;
    const band: TouBand = { code: `p${i}`, name: `Period ${i}`, price: tiers[0]!.price };
    if (tiers.length > 1) {
      band.tiers = tiers.slice(1).map((t, j) => ({ aboveKwh: tiers[j]!.upToKwh!, price: t.price }));
    }
    return band;
  });
  if (tieredTou) {
    return {
      energy: { tou: { bands, seasons: seasons(weekday, weekend), tierBasis: "total" } },
      sellRates,
    };
  }
  return { energy: { tou: { bands, seasons: seasons(weekday, weekend) } }, sellRates };
}

/** Months with the same weekday and weekend rows, consecutive (wrapping the year end), become one season. */
function seasons(weekday: number[][], weekend: number[][]): TouSeason[] {
  const key = (m: number) => JSON.stringify([weekday[m], weekend[m]]);
  const runs: { first: number; last: number }[] = [];
  for (let m = 0; m < 12; m++) {
    const run = runs.at(-1);
    if (run !== undefined && key(run.last) === key(m)) run.last = m;
    else runs.push({ first: m, last: m });
  }
  if (runs.length > 1 && key(runs[0]!.first) === key(11)) {
    const head = runs.shift()!;
    runs.at(-1)!.last = head.last;
  }
  const mmdd = (m: number, d: number) => `${String(m + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  return runs.map(({ first, last }) => ({
    name: first === last ? MONTHS[first]! : `${MONTHS[first]}–${MONTHS[last]}`,
    from: mmdd(first, 1),
    to: mmdd(last, LEAP_MONTH_DAYS[last]!),
    dayTypes: { weekday: slots(weekday[first]!), weekend: slots(weekend[first]!) },
  }));
}

/** Consecutive hours of one period become one slot. */
function slots(row: number[]): TouSlot[] {
  const out: TouSlot[] = [];
  const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;
  let start = 0;
  for (let h = 1; h <= 24; h++) {
    if (h === 24 || row[h] !== row[start]) {
      out.push({ from: hh(start), to: hh(h), band: `p${row[start]}` });
      start = h;
    }
  }
  return out;
}

/**
 * `mincharge` per `minchargeunits` ($/month or $/year) and `annualmincharge` ($/year) → the engine's
 * minimum charges: the supply charges of a bill (energy, fixed) are topped up to the minimum, pro
 * rata over a partial period (docs/billing.md, "Minimum charges"). `$/day` has no engine rule.
 */
function mapMinimumCharges(
  rate: Record<string, unknown>,
  p: (f: string) => string,
  fail: (path: string, message: string) => void,
): MinimumCharge[] {
  const out: MinimumCharge[] = [];
  const amount = (field: string): string | undefined => {
    const v = rate[field];
    if (v === undefined || v === null || v === 0) return undefined;
    if (!finite(v) || v < 0) {
      fail(p(field), `must be a non-negative number (got ${JSON.stringify(v)})`);
      return undefined;
    }
    return decimal(v);
  };
  const min = amount("mincharge");
  const units = rate.minchargeunits;
  if (units !== undefined && units !== "$/month" && units !== "$/year") {
    fail(
      p("minchargeunits"),
      `${JSON.stringify(units)} is not supported: minimum charges map per $/month or $/year only`,
    );
  }
  if (min !== undefined) {
    if (units === undefined) fail(p("minchargeunits"), "required with mincharge ($/month or $/year)");
    else if (units === "$/month" || units === "$/year") {
      const per = units === "$/month" ? "month" : "year";
      out.push({ code: `minimum.${per}`, description: `Minimum charge per ${per}`, per, price: min });
    } else fail(p("mincharge"), `a minimum of ${min} ${String(units)} cannot be billed`);
  }
  const annual = amount("annualmincharge");
  if (annual !== undefined) {
    if (out.some((m) => m.per === "year")) {
      fail(p("annualmincharge"), "a yearly minimum is already given by mincharge in $/year");
    } else {
      out.push({ code: "minimum.year", description: "Minimum charge per year", per: "year", price: annual });
    }
  }
  return out;
}

function mapFixedCharge(
  rate: Record<string, unknown>,
  p: (f: string) => string,
  fail: (path: string, message: string) => void,
  notes: string[],
): FixedCharge[] {
  const amount = rate.fixedchargefirstmeter;
  const units = rate.fixedchargeunits;
  if (isSet(rate.fixedchargeeaaddl)) {
    notes.push("fixedchargeeaaddl (charge per additional meter) is left out: a POD is one meter");
  }
  let per: "month" | "day" | undefined;
  if (units !== undefined) {
    if (units === "$/month") per = "month";
    else if (units === "$/day") per = "day";
    else if (units === "$/year")
      fail(
        p("fixedchargeunits"),
        `"$/year" on the fixed monthly charge is refused as an entry error (OpenStudio-HPXML's URDB test data lists it as invalid; e.g. 9 $/year for a household): give a yearly fixed charge in the tariff JSON instead (fixedCharges per "year")`,
      );
    else fail(p("fixedchargeunits"), `must be $/month or $/day (got ${JSON.stringify(units)})`);
  }
  if (amount === undefined || amount === 0) return [];
  if (!finite(amount) || amount < 0) {
    fail(p("fixedchargefirstmeter"), `must be a non-negative number (got ${JSON.stringify(amount)})`);
    return [];
  }
  if (units === undefined) {
    fail(p("fixedchargeunits"), "required with fixedchargefirstmeter ($/month or $/day)");
    return [];
  }
  if (per === undefined) return [];
  return [{ code: "fixed", description: "Fixed charge", per, price: decimal(amount) }];
}

/** One demand price all year, or undefined (refusals reported). */
function mapDemand(
  rate: Record<string, unknown>,
  p: (f: string) => string,
  fail: (path: string, message: string) => void,
): Tariff["demand"] {
  const prices: { field: string; price: string }[] = [];
  const tou = rate.demandratestructure;
  if (isSet(tou)) {
    const price = uniformDemandPrice(
      tou,
      [rate.demandweekdayschedule, rate.demandweekendschedule],
      "demandratestructure",
      p,
      fail,
      "demand prices by time of day are not supported yet: the engine prices one peak per billing period",
    );
    if (price !== undefined) prices.push({ field: "demandratestructure", price });
  }
  const flat = rate.flatdemandstructure;
  if (isSet(flat)) {
    const months = rate.flatdemandmonths;
    const price = uniformDemandPrice(
      flat,
      [Array.isArray(months) ? [months] : months],
      "flatdemandstructure",
      p,
      fail,
      "demand prices that change by month are not supported yet",
    );
    if (price !== undefined) prices.push({ field: "flatdemandstructure", price });
  }
  const charged = prices.filter((x) => !dec(x.price).isZero());
  if (charged.length === 0) return undefined;
  if (charged.length > 1) {
    fail(p("flatdemandstructure"), "a second demand charge next to demandratestructure is not supported yet");
    return undefined;
  }
  const unit = charged[0]!.field === "flatdemandstructure" ? rate.flatdemandunit : rate.demandrateunit;
  if (unit !== undefined && unit !== "kW") {
    fail(
      p(charged[0]!.field === "flatdemandstructure" ? "flatdemandunit" : "demandrateunit"),
      `${JSON.stringify(unit)} is not supported yet: demand is billed in kW`,
    );
    return undefined;
  }
  const window = rate.demandwindow;
  if (window !== 15 && window !== 60) {
    fail(
      p("demandwindow"),
      `must be 15 or 60 minutes, the interval demand is averaged over (got ${JSON.stringify(window)})`,
    );
    return undefined;
  }
  return { resolutionMinutes: window, price: charged[0]!.price };
}

/** The one $/kW price of a demand structure whose used periods all have one and the same tier. */
function uniformDemandPrice(
  structure: unknown,
  schedules: unknown[],
  field: string,
  p: (f: string) => string,
  fail: (path: string, message: string) => void,
  whyNot: string,
): string | undefined {
  if (!Array.isArray(structure)) {
    fail(p(field), "must be a list of periods, each a list of tiers");
    return undefined;
  }
  const used = new Set<number>();
  for (const s of schedules) {
    if (Array.isArray(s))
      for (const row of s) if (Array.isArray(row)) for (const c of row) used.add(c as number);
  }
  if (used.size === 0) structure.forEach((_, i) => used.add(i));
  const prices = new Set<string>();
  for (const i of [...used].sort((a, b) => a - b)) {
    const period: unknown = structure[i];
    if (!Array.isArray(period) || period.length === 0) {
      fail(p(`${field}[${i}]`), "missing period (a schedule refers to it)");
      return undefined;
    }
    if (period.length > 1) {
      fail(p(`${field}[${i}]`), `demand tiers are not supported yet (${period.length} tiers)`);
      return undefined;
    }
    const tier: unknown = period[0];
    if (!isRecord(tier) || !finite(tier.rate) || (tier.adj !== undefined && !finite(tier.adj))) {
      fail(p(`${field}[${i}][0]`), "must have a numeric rate in $/kW");
      return undefined;
    }
    prices.add(formatDecimal(dec(tier.rate).plus(dec(finite(tier.adj) ? tier.adj : 0))));
  }
  if (prices.size > 1) {
    fail(
      p(field),
      `${whyNot} (periods ${[...used].sort((a, b) => a - b).join(", ")}: ${[...prices].join(", ")} $/kW)`,
    );
    return undefined;
  }
  return [...prices][0];
}
