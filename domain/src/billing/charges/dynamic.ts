/** Dynamic: every interval at the market price of its slot, plus the supplier's margin per kWh. */
import type { DraftLine } from "../invoice-builder.ts";
import type { Validator } from "../validation.ts";
import type { EnergyLineContext, EnergyModel } from "./energy-model.ts";
import { ZERO, instantsOf, perKwhLines } from "./lines.ts";
import { type PriceValue, priceValue, resolutionField } from "./price-fields.ts";
import type { TariffBase } from "./tariff-base.ts";

export type DynamicPricing = { resolutionMinutes: 15 | 60; margin: PriceValue };
export type DynamicTariff = TariffBase & {
  dynamic: DynamicPricing;
  single?: never;
  tou?: never;
  tiered?: never;
};

function validate(v: Validator, value: unknown): void {
  const d = v.object("dynamic", value, ["resolutionMinutes", "margin"]);
  if (d !== undefined) {
    resolutionField(v, "dynamic.resolutionMinutes", d.resolutionMinutes);
    priceValue(v, "dynamic.margin", d.margin, { allowNegative: true });
  }
}

function lines(ctx: EnergyLineContext, pricing: DynamicPricing): DraftLine[] {
  const dyn = ctx.quantities.dynamicCost;
  if (dyn === undefined) throw new TypeError("dynamic tariff billed without dynamicCost");
  const { startMs, endMs } = instantsOf(ctx, ctx.period);
  return [
    {
      group: "energy",
      code: "energy.spot",
      description: "Energy at market price",
      quantity: dyn.energyKwh,
      unit: "kWh",
      // The average market price, shown to 6 places; the amount is the exact Σ kWh × price.
      unitPrice: dyn.energyKwh.isZero() ? ZERO : dyn.cost.div(dyn.energyKwh).toDecimalPlaces(6),
      precise: dyn.cost,
      startMs,
      endMs,
    },
    ...perKwhLines(ctx, "energy", "energy.margin", "Supplier margin", dyn.energyKwh, pricing.margin),
  ];
}

export const dynamic: EnergyModel<DynamicPricing> = { validate, billsTotals: false, lines };
