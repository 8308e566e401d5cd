/** Single rate: every kWh at one price. */
import type { Validator } from "../validation.ts";
import type { EnergyModel } from "./energy-model.ts";
import { perKwhLines } from "./lines.ts";
import { type PriceValue, priceValue } from "./price-fields.ts";
import type { TariffBase } from "./tariff-base.ts";

export type SingleRatePricing = { price: PriceValue };
export type SingleRateTariff = TariffBase & {
  single: SingleRatePricing;
  tou?: never;
  tiered?: never;
  dynamic?: never;
};

function validate(v: Validator, value: unknown): void {
  const s = v.object("single", value, ["price"]);
  if (s !== undefined) priceValue(v, "single.price", s.price);
}

export const singleRate: EnergyModel<SingleRatePricing> = {
  validate,
  billsTotals: true,
  lines: (ctx, pricing) =>
    perKwhLines(ctx, "energy", "energy", "Energy", ctx.quantities.billedKwh, pricing.price, ctx.netInfo),
};
