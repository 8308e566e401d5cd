/** The energy charge models by kind: the dispatch table that parsing and billing look up. */
import type { DraftLine } from "../invoice-builder.ts";
import { type DynamicPricing, dynamic } from "./dynamic.ts";
import type { EnergyLineContext, EnergyModel } from "./energy-model.ts";
import { type SingleRatePricing, singleRate } from "./single-rate.ts";
import { type TierPricing, tiered } from "./tiered.ts";
import { type TouPricing, timeOfUse } from "./time-of-use.ts";

/** The pricing each energy model reads, by the tariff key that holds it. */
export type EnergyPricingByKind = {
  single: SingleRatePricing;
  tou: TouPricing;
  tiered: TierPricing;
  dynamic: DynamicPricing;
};
export type EnergyKind = keyof EnergyPricingByKind;

/** One energy pricing with its `model` discriminant. */
export type EnergyPricing<K extends EnergyKind = EnergyKind> = {
  [P in K]: { model: P; pricing: EnergyPricingByKind[P] };
}[K];

/** In the order parsing reports them. */
export const ENERGY_KINDS = ["single", "tou", "tiered", "dynamic"] as const satisfies readonly EnergyKind[];

export const ENERGY_MODELS: { [K in EnergyKind]: EnergyModel<EnergyPricingByKind[K]> } = {
  single: singleRate,
  tou: timeOfUse,
  tiered,
  dynamic,
};

/** The unrounded energy lines of the tariff's model. */
export function energyLines<K extends EnergyKind>(
  ctx: EnergyLineContext,
  energy: EnergyPricing<K>,
): DraftLine[] {
  return ENERGY_MODELS[energy.model].lines(ctx, energy.pricing);
}
