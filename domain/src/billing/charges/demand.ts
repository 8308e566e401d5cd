/** Demand charge: the period's peak mean kW (15-minute or hourly) × price per kW and month. */
import type { DraftLine } from "../invoice-builder.ts";
import type { BillingDecimal } from "../money.ts";
import type { Validator } from "../validation.ts";
import { type LineContext, perKwMonthLines } from "./lines.ts";
import { type PriceValue, priceValue, resolutionField } from "./price-fields.ts";

export type DemandCharge = { resolutionMinutes: 15 | 60; price: PriceValue };

export function validateDemand(v: Validator, value: unknown): void {
  const d = v.object("demand", value, ["resolutionMinutes", "price"]);
  if (d !== undefined) {
    resolutionField(v, "demand.resolutionMinutes", d.resolutionMinutes);
    priceValue(v, "demand.price", d.price);
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
