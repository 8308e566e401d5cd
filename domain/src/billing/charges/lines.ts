/** Line builders shared by the charge models: per kWh, per kW and month, per day or month. */
import type { DraftLine } from "../invoice-builder.ts";
import type { LineGroup } from "../invoice.ts";
import { type LocalPeriod, daysBetween, localMidnightUtcMs } from "../local-time.ts";
import { BillingDecimal, formatDecimal } from "../money.ts";
import { monthsFraction, priceSegments } from "../price-schedule.ts";
import type { PriceValue } from "./price-fields.ts";

export type LineContext = { period: LocalPeriod; timeZone: string };

export const ZERO = new BillingDecimal(0);

export function instantsOf(ctx: { timeZone: string }, p: LocalPeriod): { startMs: number; endMs: number } {
  return {
    startMs: localMidnightUtcMs(p.start, ctx.timeZone),
    endMs: localMidnightUtcMs(p.end, ctx.timeZone),
  };
}

/** Per-kWh lines: the quantity split pro rata by days of each price's validity. */
export function perKwhLines(
  ctx: LineContext,
  group: LineGroup,
  code: string,
  description: string,
  quantity: BillingDecimal,
  price: PriceValue,
  breakdown?: Record<string, unknown>,
): DraftLine[] {
  const segments = priceSegments(price, ctx.period);
  const totalDays = daysBetween(ctx.period.start, ctx.period.end);
  let rest = quantity;
  return segments.map((seg, i) => {
    const qty = i === segments.length - 1 ? rest : quantity.times(seg.days).div(totalDays);
    rest = rest.minus(qty);
    const unitPrice = new BillingDecimal(seg.price);
    const { startMs, endMs } = instantsOf(ctx, seg);
    const line: DraftLine = {
      group,
      code,
      description,
      quantity: qty,
      unit: "kWh",
      unitPrice,
      precise: qty.times(unitPrice),
      startMs,
      endMs,
    };
    const split = segments.length > 1 ? { proRata: { days: seg.days, periodDays: totalDays } } : undefined;
    if (split !== undefined || breakdown !== undefined) line.breakdown = { ...breakdown, ...split };
    return line;
  });
}

/** kW × price per kW and month × months of each price's validity. */
export function perKwMonthLines(
  ctx: LineContext,
  code: string,
  description: string,
  kw: BillingDecimal,
  price: PriceValue,
): DraftLine[] {
  return priceSegments(price, ctx.period).map((seg) => {
    const unitPrice = new BillingDecimal(seg.price);
    const months = monthsFraction(seg);
    const { startMs, endMs } = instantsOf(ctx, seg);
    return {
      group: "energy" as const,
      code,
      description,
      quantity: kw,
      unit: "kW" as const,
      unitPrice,
      precise: kw.times(unitPrice).times(months),
      startMs,
      endMs,
      breakdown: { months: formatDecimal(months) },
    };
  });
}

/** Fixed charges: days × price per day, or months (calendar fraction) × price per month. */
export function fixedLines(
  ctx: LineContext,
  group: LineGroup,
  code: string,
  description: string,
  per: "day" | "month",
  price: PriceValue,
): DraftLine[] {
  return priceSegments(price, ctx.period).map((seg) => {
    const unitPrice = new BillingDecimal(seg.price);
    const quantity = per === "day" ? new BillingDecimal(seg.days) : monthsFraction(seg);
    const { startMs, endMs } = instantsOf(ctx, seg);
    return {
      group,
      code,
      description,
      quantity,
      unit: per,
      unitPrice,
      precise: quantity.times(unitPrice),
      startMs,
      endMs,
    };
  });
}
