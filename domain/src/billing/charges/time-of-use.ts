/**
 * Time of use: each kWh at the price of the band its interval falls in. Bands are assigned by
 * season (month-day ranges) and day type (weekday, weekend, holiday) in local wall-clock time.
 */
import type { DraftLine } from "../invoice-builder.ts";
import { BillingDecimal, dec, formatDecimal } from "../money.ts";
import { type Validator, join } from "../validation.ts";
import type { EnergyLineContext, EnergyModel } from "./energy-model.ts";
import { ZERO, perKwhLines } from "./lines.ts";
import { type PriceValue, codeField, priceValue } from "./price-fields.ts";
import type { TariffBase } from "./tariff-base.ts";

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
/** A higher block of a tiered band: from `aboveKwh` on, kWh cost `price` (the band's `price` is the first block). */
export type TouTier = { aboveKwh: string; price: PriceValue };
export type TouBand = { code: string; name: string; price: PriceValue; tiers?: TouTier[] };
/**
 * How tiered bands count kWh against their tier bounds (required when a band has `tiers`):
 * `band`: each band's billed kWh fill that band's own blocks;
 * `total`: the period's total billed kWh T (all bands) fill each band's blocks, and a band with
 * kWh_b gets the share kWh_b / T of every block, priced at its own block prices.
 */
export type TouTierBasis = "band" | "total";
export type TouPricing = {
  bands: TouBand[];
  seasons: TouSeason[];
  holidays?: string[];
  tierBasis?: TouTierBasis;
};
export type TimeOfUseTariff = TariffBase & {
  tou: TouPricing;
  single?: never;
  tiered?: never;
  dynamic?: never;
};

export const MAX_TOU_BANDS = 8;

const TIME_PATTERN = /^(\d{2}):(\d{2})$/;
const MONTH_DAY_PATTERN = /^(\d{2})-(\d{2})$/;
const LEAP_MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const QUARTERS = 96;

function validate(v: Validator, value: unknown): void {
  const tou = v.object("tou", value, ["bands", "seasons", "holidays", "tierBasis"]);
  if (tou === undefined) return;
  const bandCodes = new Set<string>();
  const bands = v.array("tou.bands", tou.bands, { min: 1, max: MAX_TOU_BANDS }) ?? [];
  let tieredBands = 0;
  bands.forEach((item, i) => {
    const path = join("tou.bands", i);
    const b = v.object(path, item, ["code", "name", "price", "tiers"]);
    if (b === undefined) return;
    if (b.tiers !== undefined) {
      tieredBands++;
      bandTiers(v, join(path, "tiers"), b.tiers);
    }
    const code = codeField(v, join(path, "code"), b.code);
    if (code !== undefined && bandCodes.has(code)) v.error(join(path, "code"), `duplicate band ${code}`);
    if (code !== undefined) bandCodes.add(code);
    v.string(join(path, "name"), b.name);
    priceValue(v, join(path, "price"), b.price);
  });
  if (tou.holidays !== undefined) {
    const list = v.array("tou.holidays", tou.holidays) ?? [];
    list.forEach((d, i) => v.date(join("tou.holidays", i), d));
  }
  if (tou.tierBasis !== undefined) {
    v.oneOf("tou.tierBasis", tou.tierBasis, ["band", "total"] as const);
    if (tieredBands === 0) v.error("tou.tierBasis", "only with tiered bands (no band has tiers)");
  } else if (tieredBands > 0) {
    v.error(
      "tou.tierBasis",
      'required with tiered bands: "band" (each band\'s kWh) or "total" (the period\'s total)',
    );
  }
  seasons(v, tou.seasons, bandCodes);
}

/** The higher blocks of a band: positive, strictly increasing `aboveKwh`. */
function bandTiers(v: Validator, path: string, value: unknown): void {
  const list = v.array(path, value, { min: 1 }) ?? [];
  let previous: string | undefined;
  list.forEach((item, i) => {
    const p = join(path, i);
    const t = v.object(p, item, ["aboveKwh", "price"]);
    if (t === undefined) return;
    priceValue(v, join(p, "price"), t.price);
    const bound = v.decimal(join(p, "aboveKwh"), t.aboveKwh, { positive: true });
    if (bound === undefined) return;
    if (previous !== undefined && !dec(bound).greaterThan(dec(previous))) {
      v.error(join(p, "aboveKwh"), `must be greater than ${join(path, i - 1)}.aboveKwh (${previous})`);
    }
    previous = bound;
  });
}

/** Every month-day of a leap year (366) must belong to exactly one season. */
function seasons(v: Validator, value: unknown, bandCodes: Set<string>): void {
  const list = v.array("tou.seasons", value, { min: 1 }) ?? [];
  const owner: (number | undefined)[] = new Array(366).fill(undefined);
  list.forEach((item, i) => {
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
  if (list.length > 0 && !v.errors.some((e) => e.path.startsWith("tou.seasons"))) {
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

/** The slots of one day type: on the quarter hour, no overlap, covering the whole day. */
function slots(v: Validator, path: string, value: unknown, bandCodes: Set<string>): void {
  const list = v.array(path, value, { min: 1 });
  if (list === undefined) return;
  const owner: (number | undefined)[] = new Array(QUARTERS).fill(undefined);
  let broken = false;
  list.forEach((item, i) => {
    if (!slot(v, join(path, i), item, bandCodes, owner, path, i)) broken = true;
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

/** Checks one slot and claims its quarter hours in `owner`; false when the day cannot be checked further. */
function slot(
  v: Validator,
  p: string,
  item: unknown,
  bandCodes: Set<string>,
  owner: (number | undefined)[],
  path: string,
  i: number,
): boolean {
  const s = v.object(p, item, ["from", "to", "band"]);
  if (s === undefined) return false;
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
    return false;
  }
  if (to <= from) {
    v.error(join(p, "to"), `must be after from (${hhmm(from)}); split a slot that crosses midnight in two`);
    return false;
  }
  for (let q = from / 15; q < to / 15; q++) {
    const other = owner[q];
    if (other !== undefined) {
      v.error(join(p, "from"), `overlaps ${join(path, other)} at ${hhmm(q * 15)}`);
      return false;
    }
  }
  for (let q = from / 15; q < to / 15; q++) owner[q] = i;
  return true;
}

/** A band's share of a block under basis "total" is rounded to 6 kWh decimals (mWh), so the shares sum exactly. */
const SHARE_PLACES = 6;

/** One block of a tiered band: its kWh in this period and its price. */
export type TouBlock = {
  index: number;
  fromKwh: BillingDecimal;
  toKwh?: BillingDecimal;
  kwh: BillingDecimal;
};

/**
 * Splits a band's billed kWh over its blocks. `basis` "band": the band's kWh fill its blocks.
 * "total": the total kWh fill the band's blocks and the band gets bandKwh / totalKwh of each block
 * (rounded to 6 decimals; the block where the total ends takes the rest, so the blocks sum to bandKwh).
 * @example touBlocks(["100"], 80, 200, "total") // total 200: 100 + 100 → band 40 + 40
 */
export function touBlocks(
  bounds: readonly BillingDecimal[],
  bandKwh: BillingDecimal,
  totalKwh: BillingDecimal,
  basis: TouTierBasis,
): TouBlock[] {
  const filled = basis === "band" ? bandKwh : totalKwh;
  const out: TouBlock[] = [];
  let rest = bandKwh;
  for (let i = 0; i <= bounds.length; i++) {
    const from = i === 0 ? ZERO : bounds[i - 1]!;
    const to = bounds[i];
    const above = BillingDecimal.max(ZERO, filled.minus(from));
    const block = to === undefined ? above : BillingDecimal.min(above, to.minus(from));
    let kwh: BillingDecimal;
    if (basis === "band") kwh = block;
    // The block where the total ends takes the band's rest, so rounding never leaves a remainder.
    else if (to === undefined || filled.lessThanOrEqualTo(to)) kwh = rest;
    else kwh = BillingDecimal.min(rest, block.times(bandKwh).div(filled).toDecimalPlaces(SHARE_PLACES));
    rest = rest.minus(kwh);
    out.push(
      to === undefined ? { index: i, fromKwh: from, kwh } : { index: i, fromKwh: from, toKwh: to, kwh },
    );
  }
  return out;
}

/**
 * One line per band, in the tariff's band order (a band without kWh shows 0). A tiered band has a
 * line per block with kWh (`energy.<band>.tier<n>`; the first block always shows).
 */
function lines(ctx: EnergyLineContext, pricing: TouPricing): DraftLine[] {
  const billed = (code: string) => ctx.quantities.billedByBand.get(code) ?? ZERO;
  const totalKwh = pricing.bands.reduce((sum, b) => sum.plus(billed(b.code)), ZERO);
  const basis = pricing.tierBasis ?? "band";
  return pricing.bands.flatMap((band) => {
    if (band.tiers === undefined) {
      return perKwhLines(
        ctx,
        "energy",
        `energy.${band.code}`,
        `Energy ${band.name}`,
        billed(band.code),
        band.price,
        ctx.netInfo,
      );
    }
    const prices = [band.price, ...band.tiers.map((t) => t.price)];
    const bounds = band.tiers.map((t) => new BillingDecimal(t.aboveKwh));
    const of = basis === "total" ? "total " : "";
    return touBlocks(bounds, billed(band.code), totalKwh, basis)
      .filter((b) => b.index === 0 || b.kwh.greaterThan(0))
      .flatMap((b) => {
        const range =
          b.toKwh === undefined
            ? `${of}above ${formatDecimal(b.fromKwh)} kWh`
            : `${of}${formatDecimal(b.fromKwh)}–${formatDecimal(b.toKwh)} kWh`;
        const info =
          basis === "total"
            ? {
                ...ctx.netInfo,
                tierBasis: { totalKwh: formatDecimal(totalKwh), bandKwh: formatDecimal(billed(band.code)) },
              }
            : ctx.netInfo;
        return perKwhLines(
          ctx,
          "energy",
          `energy.${band.code}.tier${b.index + 1}`,
          `Energy ${band.name} tier ${b.index + 1} (${range})`,
          b.kwh,
          prices[b.index]!,
          info,
        );
      });
  });
}

export const timeOfUse: EnergyModel<TouPricing> = { validate, billsTotals: false, lines };
