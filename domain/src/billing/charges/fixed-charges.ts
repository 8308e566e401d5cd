/**
 * Fixed charges: a price per day, calendar month or calendar year, whatever the consumption,
 * optionally times a piece count (2 meters × 3.50 per month), pro-rated over a partial period by the
 * rule the charge names (`proRate`, see `chargeUnits`).
 */
import type { DraftLine } from "../invoice-builder.ts";
import { type LocalPeriod, addDays, daysBetween } from "../local-time.ts";
import { BillingDecimal, formatDecimal } from "../money.ts";
import { monthsFraction, priceSegments } from "../price-schedule.ts";
import { type Validator, join } from "../validation.ts";
import { type LineContext, instantsOf } from "./lines.ts";
import { type PriceValue, codeField, priceValue } from "./price-fields.ts";

export type FixedChargePer = "day" | "month" | "year";

/**
 * How a monthly or yearly price is pro-rated over (part of) a billing period:
 * - `days-in-month`: each calendar month counts days-in-period / days-in-that-month (the default for
 *   `per: "month"`; for `per: "year"` one twelfth of that, i.e. an annual price billed as 12 months);
 * - `days-in-year`: each calendar year counts days-in-period / days-in-that-year (365 or 366; the
 *   default for `per: "year"`);
 * - `days-in-period`: the monthly price is for the billing period, whatever its length; a price
 *   segment gets segment days / period days of it (only `per: "month"`);
 * - `none`: no pro-rating: the full price falls due in the period holding the month's (year's) first
 *   day; a period without such a day pays nothing.
 */
export type ProRate = "days-in-month" | "days-in-year" | "days-in-period" | "none";

export type FixedCharge = {
  code: string;
  description: string;
  per: FixedChargePer;
  price: PriceValue;
  /** Pieces the price is paid for (meters, sockets, …); default 1. */
  pieces?: number;
  /** Default: `days-in-month` per month, `days-in-year` per year; not used per day. */
  proRate?: ProRate;
};

const PRO_RATES_BY_PER: Readonly<Record<FixedChargePer, readonly ProRate[]>> = {
  day: [],
  month: ["days-in-month", "days-in-period", "none"],
  year: ["days-in-year", "days-in-month", "none"],
};

export function validateFixedCharges(v: Validator, value: unknown): void {
  const list = v.array("fixedCharges", value) ?? [];
  const codes = new Set<string>();
  list.forEach((item, i) => {
    const path = join("fixedCharges", i);
    const c = v.object(path, item, ["code", "description", "per", "price", "pieces", "proRate"]);
    if (c === undefined) return;
    const code = codeField(v, join(path, "code"), c.code);
    if (code !== undefined && codes.has(code)) v.error(join(path, "code"), `duplicate code ${code}`);
    if (code !== undefined) codes.add(code);
    v.string(join(path, "description"), c.description);
    const per = v.oneOf(join(path, "per"), c.per, ["day", "month", "year"] as const);
    priceValue(v, join(path, "price"), c.price);
    if (c.pieces !== undefined) v.integer(join(path, "pieces"), c.pieces, 1);
    if (c.proRate !== undefined && per !== undefined) {
      const allowed = PRO_RATES_BY_PER[per];
      if (allowed.length === 0)
        v.error(join(path, "proRate"), "a per-day charge counts days; it has no pro-rating rule");
      else v.oneOf(join(path, "proRate"), c.proRate, allowed);
    }
  });
}

/** The default pro-rating rule of a charge (today's behaviour for day and month). */
export function proRateOf(charge: Pick<FixedCharge, "per" | "proRate">): ProRate {
  return charge.proRate ?? (charge.per === "year" ? "days-in-year" : "days-in-month");
}

/**
 * Days, months or years a charge is billed for in `part` of the billing period `whole` (exact).
 * Consecutive parts of a period sum to the whole period's units.
 * @example chargeUnits("month", "days-in-month", { start: "2025-04-16", end: "2025-05-01" }, whole) // 0.5
 */
export function chargeUnits(
  per: FixedChargePer,
  rule: ProRate,
  part: LocalPeriod,
  whole: LocalPeriod,
): BillingDecimal {
  const days = daysBetween(part.start, part.end);
  if (per === "day") return new BillingDecimal(days);
  switch (rule) {
    case "days-in-month":
      return per === "month" ? monthsFraction(part) : monthsFraction(part).div(12);
    case "days-in-year":
      return yearsFraction(part);
    case "days-in-period":
      return new BillingDecimal(days).div(daysBetween(whole.start, whole.end));
    case "none":
      return new BillingDecimal(dueDates(part, per));
  }
}

/** Calendar years covered by a local period: each year counts days-in-period / days-in-that-year. */
function yearsFraction(period: LocalPeriod): BillingDecimal {
  let total = new BillingDecimal(0);
  let cursor = period.start;
  while (cursor < period.end) {
    const year = Number(cursor.slice(0, 4));
    const next = `${year + 1}-01-01`;
    const end = next < period.end ? next : period.end;
    const yearDays = daysBetween(`${year}-01-01`, next);
    total = total.plus(new BillingDecimal(daysBetween(cursor, end)).div(yearDays));
    cursor = end;
  }
  return total;
}

/** First days of a month (per month) or of January (per year) inside the period. */
function dueDates(period: LocalPeriod, per: "month" | "year"): number {
  let count = 0;
  for (let d = period.start; d < period.end; d = addDays(d, 1)) {
    if (d.endsWith(per === "month" ? "-01" : "-01-01")) count += 1;
  }
  return count;
}

/** The lines of the tariff's fixed charges, one per charge and price segment. */
export function fixedChargeLines(ctx: LineContext, charges: readonly FixedCharge[]): DraftLine[] {
  return charges.flatMap((c) =>
    priceSegments(c.price, ctx.period).map((seg) => {
      const units = chargeUnits(c.per, proRateOf(c), seg, ctx.period);
      const quantity = units.times(c.pieces ?? 1);
      const unitPrice = new BillingDecimal(seg.price);
      const { startMs, endMs } = instantsOf(ctx, seg);
      const line: DraftLine = {
        group: "fee",
        code: c.code,
        description: c.description,
        quantity,
        unit: c.per,
        unitPrice,
        precise: quantity.times(unitPrice),
        startMs,
        endMs,
      };
      // Lines of charges without the new fields stay exactly as before (no breakdown).
      if (c.pieces !== undefined || c.proRate !== undefined || c.per === "year") {
        line.breakdown = { pieces: c.pieces ?? 1, units: formatDecimal(units), proRate: proRateOf(c) };
      }
      return line;
    }),
  );
}
