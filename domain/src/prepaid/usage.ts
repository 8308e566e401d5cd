/**
 * Usage priced as it arrives: each interval at the price of its band (single or TOU, scheduled price
 * changes by local date), through the billing engine's tariff and TOU windows. Deductions are rounded
 * with a carry: a batch deducts round(cumulative exact cost after) − round(cumulative exact cost
 * before), so however the readings are batched, the deductions sum to the whole period's exact cost
 * rounded once. Quantities are in the tariff's unit (kWh, or m³ for water).
 */
import { addDays, localDateOf } from "../billing/local-time.ts";
import { instantMs, kwh } from "../billing/consumption.ts";
import { BillingDecimal, roundToMinor } from "../billing/money.ts";
import { priceSegments } from "../billing/price-schedule.ts";
import type { PriceValue, Tariff } from "../billing/tariff.ts";
import { touWindows } from "../billing/tou-windows.ts";
import { PrepaidError } from "./errors.ts";

export type UsageInterval = { start: string; quantity: string };

export type PricedUsage = {
  /** Σ quantity × price, exact (major units) */
  cost: BillingDecimal;
  quantity: BillingDecimal;
  /** quantity and exact cost per band (`all` without TOU) */
  byBand: Map<string, { quantity: BillingDecimal; cost: BillingDecimal }>;
};

function priceOn(value: PriceValue, day: string): string {
  const [seg] = priceSegments(value, { start: day, end: addDays(day, 1) });
  if (seg === undefined) throw new PrepaidError("invalid_input", `no price on ${day}`);
  return seg.price;
}

/** Prices intervals with a single-rate or TOU tariff (tiered, dynamic and demand are billed, not deducted). */
export function priceUsage(
  tariff: Tariff,
  intervals: readonly UsageInterval[],
  timeZone: string,
): PricedUsage {
  if (tariff.tiered !== undefined || tariff.dynamic !== undefined)
    throw new PrepaidError("invalid_input", "tariff: prepaid usage is deducted with single or TOU prices");
  const byBand = new Map<string, { quantity: BillingDecimal; cost: BillingDecimal }>();
  let cost = new BillingDecimal(0);
  let quantity = new BillingDecimal(0);
  if (intervals.length === 0) return { cost, quantity, byBand };
  // the billing engine's parsers, their refusals named by the interval
  const checked = <T>(i: number, field: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw new PrepaidError("invalid_input", `intervals[${i}].${field}: ${(error as Error).message}`);
    }
  };
  const starts = intervals.map((iv, i) => checked(i, "start", () => instantMs(iv.start)));
  const quantities = intervals.map((iv, i) => checked(i, "quantity", () => kwh(iv.quantity, "quantity")));
  const first = localDateOf(Math.min(...starts), timeZone);
  const last = localDateOf(Math.max(...starts), timeZone);
  const windows = touWindows({ tariff, period: { start: first, end: addDays(last, 1) }, timeZone });
  starts.forEach((ms, i) => {
    const w = windows.find((x) => x.start.getTime() <= ms && ms < x.end.getTime());
    if (w === undefined) throw new PrepaidError("invalid_input", `intervals[${i}].start: in no TOU window`);
    const band = tariff.tou?.bands.find((b) => b.code === w.band);
    const value = band !== undefined ? band.price : tariff.single!.price;
    const q = quantities[i]!;
    const c = q.times(priceOn(value, localDateOf(ms, timeZone)));
    const acc = byBand.get(w.band) ?? { quantity: new BillingDecimal(0), cost: new BillingDecimal(0) };
    byBand.set(w.band, { quantity: acc.quantity.plus(q), cost: acc.cost.plus(c) });
    cost = cost.plus(c);
    quantity = quantity.plus(q);
  });
  return { cost, quantity, byBand };
}

/**
 * The deduction of a batch whose exact cost is `batchCost`, after `cumulativeBefore` (exact) was
 * priced: negative minor units, and the new cumulative cost to store.
 */
export function deductionFor(
  cumulativeBefore: BillingDecimal,
  batchCost: BillingDecimal,
  currency: Tariff["currency"],
): { amountMinor: bigint; cumulativeAfter: BillingDecimal } {
  const cumulativeAfter = cumulativeBefore.plus(batchCost);
  const amountMinor = -(roundToMinor(cumulativeAfter, currency) - roundToMinor(cumulativeBefore, currency));
  return { amountMinor, cumulativeAfter };
}
