/**
 * Demand charge: the peak mean kW (15-minute or hourly) × price. `per: "month"` (default): the
 * period's one peak × price per kW and month × months. `per: "day"`: each local day's own peak ×
 * that day's price per kW and day, summed (a day without data has peak 0).
 */
import { BillingInputError } from "../errors.ts";
import type { DraftLine } from "../invoice-builder.ts";
import { addDays, daysBetween } from "../local-time.ts";
import { BillingDecimal, formatDecimal } from "../money.ts";
import { priceSegments } from "../price-schedule.ts";
import type { Validator } from "../validation.ts";
import { type LineContext, ZERO, instantsOf, perKwMonthLines } from "./lines.ts";
import { type PriceValue, priceValue, resolutionField } from "./price-fields.ts";

export type DemandCharge = {
  resolutionMinutes: 15 | 60;
  price: PriceValue;
  /** What the price is per: one peak per month (default) or each day's peak per day. */
  per?: "month" | "day";
};

export function validateDemand(v: Validator, value: unknown): void {
  const d = v.object("demand", value, ["resolutionMinutes", "price", "per"]);
  if (d !== undefined) {
    resolutionField(v, "demand.resolutionMinutes", d.resolutionMinutes);
    priceValue(v, "demand.price", d.price);
    if (d.per !== undefined) v.oneOf("demand.per", d.per, ["month", "day"] as const);
  }
}

export function demandLines(
  ctx: LineContext,
  charge: DemandCharge,
  peakDemandKw: BillingDecimal,
): DraftLine[] {
  const label = charge.resolutionMinutes === 15 ? "15-minute" : "hourly";
  return perKwMonthLines(ctx, "demand", `Demand charge (peak ${label} kW)`, peakDemandKw, charge.price);
}

/**
 * Demand per day: one line per price segment, quantity Σ of the segment's daily peaks (kW·days),
 * `breakdown.dailyPeakKw` lists each day's peak.
 * @example days 06-02 peak 4 kW, 06-03 peak 2.5 kW at 0.50 per kW·day → 6.5 × 0.50 = 3.25
 */
export function dailyDemandLines(
  ctx: LineContext,
  charge: DemandCharge,
  dailyPeakKw: ReadonlyMap<string, BillingDecimal>,
): DraftLine[] {
  const label = charge.resolutionMinutes === 15 ? "15-minute" : "hourly";
  for (const day of dailyPeakKw.keys()) {
    if (day < ctx.period.start || day >= ctx.period.end)
      throw new BillingInputError("consumption_mismatch", `dailyPeakDemandKw.${day} is outside the period`);
  }
  return priceSegments(charge.price, ctx.period).map((seg) => {
    const peaks: Record<string, string> = {};
    let sum = ZERO;
    for (let i = 0; i < daysBetween(seg.start, seg.end); i++) {
      const day = addDays(seg.start, i);
      const kw = dailyPeakKw.get(day) ?? ZERO;
      peaks[day] = formatDecimal(kw);
      sum = sum.plus(kw);
    }
    const unitPrice = new BillingDecimal(seg.price);
    const { startMs, endMs } = instantsOf(ctx, seg);
    return {
      group: "energy" as const,
      code: "demand",
      description: `Demand charge (daily peak ${label} kW, ${seg.days} day${seg.days === 1 ? "" : "s"})`,
      quantity: sum,
      unit: "kW" as const,
      unitPrice,
      precise: sum.times(unitPrice),
      startMs,
      endMs,
      breakdown: { dailyPeakKw: peaks },
    };
  });
}
