/**
 * The tariff model and its validation. A tariff prices energy in exactly one way (single rate,
 * time-of-use, tiered blocks or dynamic market prices) and may add fixed charges, a capacity charge,
 * a demand charge and export compensation. Every price is a `PriceValue`: one decimal string, or a
 * schedule of prices valid from local dates (changes inside a billing period are split pro rata by
 * days of validity). See docs/billing.md.
 */
import type { CurrencyCode } from "./invoice.ts";
import { CURRENCY_CODES, dec, isCurrencyCode } from "./money.ts";
import { compareDates } from "./price-schedule.ts";
import { type FieldError, Validator, join } from "./validation.ts";

/** A price: one decimal string, or prices valid from local dates `YYYY-MM-DD` (ascending). */
export type PriceValue = string | readonly PriceStep[];
export type PriceStep = { from: string; price: string };

/** A time-of-use slot in local wall-clock time: `from` inclusive, `to` exclusive ("24:00" = end of day). */
export type TouSlot = { from: string; to: string; band: string };
export type DayType = "weekday" | "weekend" | "holiday";
export type TouSeason = {
  name: string;
  /** Month-day `MM-DD`, inclusive; a season may wrap the year end (from "10-01" to "03-31"). */
  from: string;
  to: string;
  /** Slots must cover 00:00–24:00 exactly once per day type; `holiday` defaults to the weekend slots. */
  dayTypes: { weekday: TouSlot[]; weekend: TouSlot[]; holiday?: TouSlot[] };
};
export type TouBand = { code: string; name: string; price: PriceValue };
export type TouPricing = { bands: TouBand[]; seasons: TouSeason[]; holidays?: string[] };
export type TierPricing = { tiers: { upToKwh: string | null; price: PriceValue }[] };
export type DynamicPricing = { resolutionMinutes: 15 | 60; margin: PriceValue };
export type FixedCharge = { code: string; description: string; per: "day" | "month"; price: PriceValue };
export type ExportCompensation = { kind: "net_metering" } | { kind: "feed_in"; price: PriceValue };

export type Tariff = {
  name: string;
  currency: CurrencyCode;
  /** Exactly one of single, tou, tiered, dynamic. */
  single?: { price: PriceValue };
  tou?: TouPricing;
  tiered?: TierPricing;
  dynamic?: DynamicPricing;
  fixedCharges?: FixedCharge[];
  /** Contracted kW × price per kW and month. */
  capacity?: { contractedKw: string; price: PriceValue };
  /** Peak demand in the period (15-min or hourly mean kW) × price per kW and month. */
  demand?: { resolutionMinutes: 15 | 60; price: PriceValue };
  export?: ExportCompensation;
};

export type EnergyKind = "single" | "tou" | "tiered" | "dynamic";

export const MAX_TOU_BANDS = 8;

/** Which way the tariff prices energy. */
export function energyKind(tariff: Tariff): EnergyKind {
  if (tariff.tou !== undefined) return "tou";
  if (tariff.tiered !== undefined) return "tiered";
  if (tariff.dynamic !== undefined) return "dynamic";
  return "single";
}

export type ParseTariffResult = { ok: true; tariff: Tariff } | { ok: false; errors: FieldError[] };

const TIME_PATTERN = /^(\d{2}):(\d{2})$/;
const MONTH_DAY_PATTERN = /^(\d{2})-(\d{2})$/;
const CODE_PATTERN = /^[a-z0-9_.-]+$/;

/**
 * Validates tariff JSON. An impossible tariff is refused with every error and its field path.
 * @example parseTariff({ name: "x", currency: "XYZ", single: { price: "0.3" } })
 *   // { ok: false, errors: [{ path: "currency", message: "must be one of EUR, CHF, HUF, CZK, CNY (got \"XYZ\")" }] }
 */
export function parseTariff(json: unknown): ParseTariffResult {
  const v = new Validator();
  const t = v.object("", json, [
    "name",
    "currency",
    "single",
    "tou",
    "tiered",
    "dynamic",
    "fixedCharges",
    "capacity",
    "demand",
    "export",
  ]);
  if (t === undefined) return { ok: false, errors: v.errors };
  v.string("name", t.name);
  if (!isCurrencyCode(t.currency)) {
    v.error(
      "currency",
      `unknown currency ${JSON.stringify(t.currency)} (supported: ${CURRENCY_CODES.join(", ")})`,
    );
  }

  const kinds = (["single", "tou", "tiered", "dynamic"] as const).filter((k) => t[k] !== undefined);
  if (kinds.length !== 1) {
    v.error(
      "",
      `needs exactly one energy price: single, tou, tiered or dynamic (got ${kinds.join(", ") || "none"})`,
    );
  }
  if (t.single !== undefined) {
    const s = v.object("single", t.single, ["price"]);
    if (s !== undefined) priceValue(v, "single.price", s.price);
  }
  if (t.tou !== undefined) touPricing(v, t.tou);
  if (t.tiered !== undefined) tierPricing(v, t.tiered);
  if (t.dynamic !== undefined) {
    const d = v.object("dynamic", t.dynamic, ["resolutionMinutes", "margin"]);
    if (d !== undefined) {
      resolution(v, "dynamic.resolutionMinutes", d.resolutionMinutes);
      priceValue(v, "dynamic.margin", d.margin, { allowNegative: true });
    }
  }
  if (t.fixedCharges !== undefined) {
    const list = v.array("fixedCharges", t.fixedCharges) ?? [];
    const codes = new Set<string>();
    list.forEach((item, i) => {
      const path = join("fixedCharges", i);
      const c = v.object(path, item, ["code", "description", "per", "price"]);
      if (c === undefined) return;
      const code = code_(v, join(path, "code"), c.code);
      if (code !== undefined && codes.has(code)) v.error(join(path, "code"), `duplicate code ${code}`);
      if (code !== undefined) codes.add(code);
      v.string(join(path, "description"), c.description);
      v.oneOf(join(path, "per"), c.per, ["day", "month"] as const);
      priceValue(v, join(path, "price"), c.price);
    });
  }
  if (t.capacity !== undefined) {
    const c = v.object("capacity", t.capacity, ["contractedKw", "price"]);
    if (c !== undefined) {
      v.decimal("capacity.contractedKw", c.contractedKw, { nonNegative: true });
      priceValue(v, "capacity.price", c.price);
    }
  }
  if (t.demand !== undefined) {
    const d = v.object("demand", t.demand, ["resolutionMinutes", "price"]);
    if (d !== undefined) {
      resolution(v, "demand.resolutionMinutes", d.resolutionMinutes);
      priceValue(v, "demand.price", d.price);
    }
  }
  if (t.export !== undefined) {
    const e = v.object("export", t.export, ["kind", "price"]);
    if (e !== undefined) {
      const kind = v.oneOf("export.kind", e.kind, ["net_metering", "feed_in"] as const);
      if (kind === "feed_in") priceValue(v, "export.price", e.price);
      if (kind === "net_metering" && e.price !== undefined)
        v.error("export.price", "net metering has no price");
      if (kind === "net_metering" && t.dynamic !== undefined) {
        v.error("export.kind", "net metering needs a single, TOU or tiered energy price, not dynamic");
      }
    }
  }
  if (v.errors.length > 0) return { ok: false, errors: v.errors };
  return { ok: true, tariff: json as Tariff };
}

function code_(v: Validator, path: string, value: unknown): string | undefined {
  const s = v.string(path, value);
  if (s !== undefined && !CODE_PATTERN.test(s)) {
    v.error(path, `must use a-z, 0-9, _ . - only (got ${JSON.stringify(s)})`);
    return undefined;
  }
  return s;
}

function resolution(v: Validator, path: string, value: unknown): void {
  if (value !== 15 && value !== 60) v.error(path, `must be 15 or 60 (got ${JSON.stringify(value)})`);
}

/** Validates a PriceValue: a decimal string or an ascending schedule of `{ from, price }`. */
export function priceValue(
  v: Validator,
  path: string,
  value: unknown,
  opts: { allowNegative?: boolean } = {},
): void {
  const nonNegative = opts.allowNegative !== true;
  if (typeof value === "string") {
    v.decimal(path, value, { nonNegative });
    return;
  }
  const steps = v.array(path, value, { min: 1 });
  if (steps === undefined) return;
  let previous: string | undefined;
  steps.forEach((step, i) => {
    const p = join(path, i);
    const s = v.object(p, step, ["from", "price"]);
    if (s === undefined) return;
    const from = v.date(join(p, "from"), s.from);
    v.decimal(join(p, "price"), s.price, { nonNegative });
    if (from !== undefined && previous !== undefined && compareDates(from, previous) <= 0) {
      v.error(join(p, "from"), `must be after ${join(path, i - 1)}.from (${previous})`);
    }
    if (from !== undefined) previous = from;
  });
}

function touPricing(v: Validator, value: unknown): void {
  const tou = v.object("tou", value, ["bands", "seasons", "holidays"]);
  if (tou === undefined) return;
  const bandCodes = new Set<string>();
  const bands = v.array("tou.bands", tou.bands, { min: 1, max: MAX_TOU_BANDS }) ?? [];
  bands.forEach((item, i) => {
    const path = join("tou.bands", i);
    const b = v.object(path, item, ["code", "name", "price"]);
    if (b === undefined) return;
    const code = code_(v, join(path, "code"), b.code);
    if (code !== undefined && bandCodes.has(code)) v.error(join(path, "code"), `duplicate band ${code}`);
    if (code !== undefined) bandCodes.add(code);
    v.string(join(path, "name"), b.name);
    priceValue(v, join(path, "price"), b.price);
  });
  if (tou.holidays !== undefined) {
    const list = v.array("tou.holidays", tou.holidays) ?? [];
    list.forEach((d, i) => v.date(join("tou.holidays", i), d));
  }
  const seasons = v.array("tou.seasons", tou.seasons, { min: 1 }) ?? [];
  // Every month-day of a leap year (366) must belong to exactly one season.
  const owner: (number | undefined)[] = new Array(366).fill(undefined);
  seasons.forEach((item, i) => {
    const path = join("tou.seasons", i);
    const s = v.object(path, item, ["name", "from", "to", "dayTypes"]);
    if (s === undefined) return;
    v.string(join(path, "name"), s.name);
    const from = monthDay(v, join(path, "from"), s.from);
    const to = monthDay(v, join(path, "to"), s.to);
    if (from !== undefined && to !== undefined) {
      const days: number[] = [];
      for (let d = from; ; d = (d + 1) % 366) {
        days.push(d);
        if (d === to) break;
      }
      const clash = days.find((d) => owner[d] !== undefined);
      if (clash !== undefined) {
        v.error(join(path, "from"), `overlaps tou.seasons[${owner[clash]}] on ${monthDayText(clash)}`);
      } else {
        for (const d of days) owner[d] = i;
      }
    }
    const dt = v.object(join(path, "dayTypes"), s.dayTypes, ["weekday", "weekend", "holiday"]);
    if (dt === undefined) return;
    for (const dayType of ["weekday", "weekend", "holiday"] as const) {
      if (dayType === "holiday" && dt.holiday === undefined) continue;
      slots(v, join(join(path, "dayTypes"), dayType), dt[dayType], bandCodes);
    }
  });
  if (seasons.length > 0 && !v.errors.some((e) => e.path.startsWith("tou.seasons"))) {
    const missing = owner.findIndex((o) => o === undefined);
    if (missing >= 0) v.error("tou.seasons", `month-day ${monthDayText(missing)} is in no season`);
  }
}

/** Day index 0..365 of a month-day in a leap year. */
function monthDay(v: Validator, path: string, value: unknown): number | undefined {
  const m = typeof value === "string" ? MONTH_DAY_PATTERN.exec(value) : null;
  const month = Number(m?.[1]);
  const day = Number(m?.[2]);
  if (m === null || month < 1 || month > 12 || day < 1 || day > LEAP_MONTH_DAYS[month - 1]!) {
    v.error(path, `must be a month-day MM-DD (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return monthDayIndex(month, day);
}

const LEAP_MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 0..365: position of a month-day in a leap year. */
export function monthDayIndex(month: number, day: number): number {
  let index = day - 1;
  for (let m = 1; m < month; m++) index += LEAP_MONTH_DAYS[m - 1]!;
  return index;
}

function monthDayText(index: number): string {
  let rest = index;
  for (let m = 1; m <= 12; m++) {
    const n = LEAP_MONTH_DAYS[m - 1]!;
    if (rest < n) return `${String(m).padStart(2, "0")}-${String(rest + 1).padStart(2, "0")}`;
    rest -= n;
  }
  return "?";
}

/** Minutes since local midnight of "HH:MM" (00:00..24:00), or undefined. */
export function timeMinutes(value: unknown): number | undefined {
  const m = typeof value === "string" ? TIME_PATTERN.exec(value) : null;
  if (m === null) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > 1440) return undefined;
  return minutes;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function slots(v: Validator, path: string, value: unknown, bandCodes: Set<string>): void {
  const list = v.array(path, value, { min: 1 });
  if (list === undefined) return;
  const QUARTERS = 96;
  const owner: (number | undefined)[] = new Array(QUARTERS).fill(undefined);
  let broken = false;
  list.forEach((item, i) => {
    const p = join(path, i);
    const s = v.object(p, item, ["from", "to", "band"]);
    if (s === undefined) {
      broken = true;
      return;
    }
    const band = v.string(join(p, "band"), s.band);
    if (band !== undefined && !bandCodes.has(band)) v.error(join(p, "band"), `unknown band ${band}`);
    const from = timeMinutes(s.from);
    const to = timeMinutes(s.to);
    if (from === undefined || from === 1440 || from % 15 !== 0) {
      v.error(
        join(p, "from"),
        `must be a time HH:MM on the quarter hour, 00:00–23:45 (got ${JSON.stringify(s.from)})`,
      );
    }
    if (to === undefined || to % 15 !== 0 || to === 0) {
      v.error(
        join(p, "to"),
        `must be a time HH:MM on the quarter hour, 00:15–24:00 (got ${JSON.stringify(s.to)})`,
      );
    }
    if (
      from === undefined ||
      to === undefined ||
      from % 15 !== 0 ||
      to % 15 !== 0 ||
      from === 1440 ||
      to === 0
    ) {
      broken = true;
      return;
    }
    if (to <= from) {
      v.error(join(p, "to"), `must be after from (${hhmm(from)}); split a slot that crosses midnight in two`);
      broken = true;
      return;
    }
    for (let q = from / 15; q < to / 15; q++) {
      const other = owner[q];
      if (other !== undefined) {
        v.error(join(p, "from"), `overlaps ${join(path, other)} at ${hhmm(q * 15)}`);
        broken = true;
        return;
      }
    }
    for (let q = from / 15; q < to / 15; q++) owner[q] = i;
  });
  if (broken) return;
  let q = 0;
  while (q < QUARTERS) {
    if (owner[q] !== undefined) {
      q++;
      continue;
    }
    const start = q;
    while (q < QUARTERS && owner[q] === undefined) q++;
    v.error(path, `hours ${hhmm(start * 15)}–${hhmm(q * 15)} are in no band`);
  }
}

function tierPricing(v: Validator, value: unknown): void {
  const t = v.object("tiered", value, ["tiers"]);
  if (t === undefined) return;
  const tiers = v.array("tiered.tiers", t.tiers, { min: 1 }) ?? [];
  let previous: string | undefined;
  tiers.forEach((item, i) => {
    const path = join("tiered.tiers", i);
    const tier = v.object(path, item, ["upToKwh", "price"]);
    if (tier === undefined) return;
    priceValue(v, join(path, "price"), tier.price);
    const last = i === tiers.length - 1;
    if (tier.upToKwh === null) {
      if (!last) v.error(join(path, "upToKwh"), "only the last tier may be unbounded (null)");
      return;
    }
    if (last) {
      v.error(join(path, "upToKwh"), "the last tier must be unbounded (null)");
    }
    const bound = v.decimal(join(path, "upToKwh"), tier.upToKwh);
    if (bound === undefined) return;
    if (!dec(bound).greaterThan(0)) {
      v.error(join(path, "upToKwh"), `tier bound must be positive (got ${bound})`);
      return;
    }
    if (previous !== undefined && !dec(bound).greaterThan(dec(previous))) {
      v.error(
        join(path, "upToKwh"),
        `must be greater than ${join("tiered.tiers", i - 1)}.upToKwh (${previous})`,
      );
    }
    previous = bound;
  });
}

/** Parses a valid tariff or throws with all errors (for callers holding trusted input). */
export function mustParseTariff(json: unknown): Tariff {
  const r = parseTariff(json);
  if (!r.ok)
    throw new RangeError(`invalid tariff: ${r.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  return r.tariff;
}
