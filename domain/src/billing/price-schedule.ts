/** Splitting a local period by the validity dates of a price, and calendar fractions of months. */
import { BillingInputError } from "./errors.ts";
import { daysInMonth } from "../iso-instant.ts";
import { type LocalPeriod, daysBetween, parseLocalDate } from "./local-time.ts";
import { BillingDecimal } from "./money.ts";
import type { PriceValue } from "./tariff.ts";

/** Compares `YYYY-MM-DD` strings (lexical order is calendar order). */
export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A part of a period during which one price is valid. */
export type PriceSegment = { start: string; end: string; days: number; price: string };

/**
 * The parts of `period` with a constant price, in order. A schedule must have a price valid on the
 * period's first day.
 * @example priceSegments([{ from: "2025-01-01", price: "0.30" }, { from: "2025-06-16", price: "0.32" }],
 *   { start: "2025-06-01", end: "2025-07-01" }) // 06-01..06-16 at 0.30 (15 days), 06-16..07-01 at 0.32 (15 days)
 */
export function priceSegments(value: PriceValue, period: LocalPeriod): PriceSegment[] {
  const totalDays = daysBetween(period.start, period.end);
  if (typeof value === "string")
    return [{ start: period.start, end: period.end, days: totalDays, price: value }];
  let current: string | undefined;
  let from = period.start;
  const out: PriceSegment[] = [];
  for (const step of value) {
    if (compareDates(step.from, period.start) <= 0) {
      current = step.price;
      continue;
    }
    if (compareDates(step.from, period.end) >= 0) break;
    if (current === undefined) {
      throw new BillingInputError(
        "price_not_defined",
        `no price valid on ${period.start} (first from ${step.from})`,
      );
    }
    out.push({ start: from, end: step.from, days: daysBetween(from, step.from), price: current });
    from = step.from;
    current = step.price;
  }
  if (current === undefined) {
    throw new BillingInputError("price_not_defined", `no price valid on ${period.start}`);
  }
  out.push({ start: from, end: period.end, days: daysBetween(from, period.end), price: current });
  return out;
}

/**
 * Calendar months covered by a local period, as an exact fraction: each month counts
 * days-in-period / days-in-that-month (a full calendar month = 1, 15 days of June = 0.5).
 */
export function monthsFraction(period: LocalPeriod): BillingDecimal {
  const start = parseLocalDate(period.start);
  if (start === undefined) throw new BillingInputError("invalid_period", `bad date ${period.start}`);
  let total = new BillingDecimal(0);
  let year = start.year;
  let month = start.month;
  let cursor = period.start;
  while (compareDates(cursor, period.end) < 0) {
    const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, "0")}-01`;
    const end = compareDates(next, period.end) < 0 ? next : period.end;
    total = total.plus(new BillingDecimal(daysBetween(cursor, end)).div(daysInMonth(year, month)));
    cursor = end;
    if (month === 12) {
      year += 1;
      month = 1;
    } else month += 1;
  }
  return total;
}
