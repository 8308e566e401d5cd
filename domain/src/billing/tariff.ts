/**
 * The tariff model and its validation. A tariff prices energy in exactly one way (single rate,
 * time-of-use, tiered blocks or dynamic market prices) and may add fixed charges, a capacity charge,
 * a demand charge and export compensation. Every price is a `PriceValue`: one decimal string, or a
 * schedule of prices valid from local dates (changes inside a billing period are split pro rata by
 * days of validity). Each charge model lives in its own file under `charges/`. See docs/billing.md.
 *
 * The JSON format (stored on product versions and contracts, edited in the web) is unchanged: the
 * energy model is the one key present of `single`, `tou`, `tiered`, `dynamic`, so that key is the
 * union's discriminant; `energyPricing` turns it into an explicit `{ model, pricing }`.
 */
import { isCurrencyCode } from "./money.ts";
import { validateCapacity } from "./charges/capacity.ts";
import { validateCommodity } from "./charges/commodity.ts";
import { validateDemand } from "./charges/demand.ts";
import type { DynamicTariff } from "./charges/dynamic.ts";
import { ENERGY_KINDS, ENERGY_MODELS, type EnergyKind, type EnergyPricing } from "./charges/energy-models.ts";
import { validateExport } from "./charges/export-compensation.ts";
import { validateAdjustments } from "./charges/adjustments.ts";
import { validateFixedCharges } from "./charges/fixed-charges.ts";
import { validateMinimumCharges } from "./charges/minimum-charges.ts";
import type { SingleRateTariff } from "./charges/single-rate.ts";
import type { TieredTariff } from "./charges/tiered.ts";
import type { TimeOfUseTariff } from "./charges/time-of-use.ts";
import { type FieldError, Validator } from "./validation.ts";

export type { PriceStep, PriceValue } from "./charges/price-fields.ts";
export { priceValue } from "./charges/price-fields.ts";
export type { TariffBase } from "./charges/tariff-base.ts";
export type { SingleRatePricing, SingleRateTariff } from "./charges/single-rate.ts";
export type {
  DayType,
  TimeOfUseTariff,
  TouBand,
  TouPricing,
  TouSeason,
  TouSlot,
  TouTier,
  TouTierBasis,
} from "./charges/time-of-use.ts";
export { MAX_TOU_BANDS, monthDayIndex, timeMinutes } from "./charges/time-of-use.ts";
export type { TierPricing, TieredTariff } from "./charges/tiered.ts";
export type { DynamicPricing, DynamicTariff } from "./charges/dynamic.ts";
export type { FixedCharge, FixedChargePer, ProRate } from "./charges/fixed-charges.ts";
export type { MinimumCharge } from "./charges/minimum-charges.ts";
export type { KwhAdjustment } from "./charges/adjustments.ts";
export type { CapacityCharge } from "./charges/capacity.ts";
export type { Commodity, GasConversion, GasSegment, QuantityUnit } from "./charges/commodity.ts";
export {
  BILLING_UNIT,
  COMMODITIES,
  billingUnitOf,
  commodityOf,
  convertGasConsumption,
} from "./charges/commodity.ts";
export type { DemandCharge } from "./charges/demand.ts";
export type { ExcessRule, ExportCompensation, NetMetering } from "./charges/export-compensation.ts";
export type { EnergyKind, EnergyPricing, EnergyPricingByKind } from "./charges/energy-models.ts";

/** A tariff: exactly one energy charge model, plus the optional add-on charges of `TariffBase`. */
export type Tariff = SingleRateTariff | TimeOfUseTariff | TieredTariff | DynamicTariff;

/** Which way the tariff prices energy. */
export function energyKind(tariff: Tariff): EnergyKind {
  return energyPricing(tariff).model;
}

/** The tariff's energy pricing with its `model` discriminant. */
export function energyPricing(tariff: Tariff): EnergyPricing {
  if (tariff.tou !== undefined) return { model: "tou", pricing: tariff.tou };
  if (tariff.tiered !== undefined) return { model: "tiered", pricing: tariff.tiered };
  if (tariff.dynamic !== undefined) return { model: "dynamic", pricing: tariff.dynamic };
  return { model: "single", pricing: tariff.single };
}

export type ParseTariffResult = { ok: true; tariff: Tariff } | { ok: false; errors: FieldError[] };

/**
 * Validates tariff JSON. An impossible tariff is refused with every error and its field path.
 * @example parseTariff({ name: "x", currency: "XYZ", single: { price: "0.3" } })
 *   // { ok: false, errors: [{ path: "currency", message: "unknown currency \"XYZ\" (not an active ISO 4217 code; e.g. EUR, USD, JPY)" }] }
 */
export function parseTariff(json: unknown): ParseTariffResult {
  const v = new Validator();
  const t = v.object("", json, [
    "name",
    "currency",
    "commodity",
    "gasConversion",
    ...ENERGY_KINDS,
    "fixedCharges",
    "minimumCharges",
    "adjustments",
    "capacity",
    "demand",
    "export",
  ]);
  if (t === undefined) return { ok: false, errors: v.errors };
  v.string("name", t.name);
  if (!isCurrencyCode(t.currency)) {
    v.error(
      "currency",
      `unknown currency ${JSON.stringify(t.currency)} (not an active ISO 4217 code; e.g. EUR, USD, JPY)`,
    );
  }

  const kinds = ENERGY_KINDS.filter((k) => t[k] !== undefined);
  if (kinds.length !== 1) {
    v.error(
      "",
      `needs exactly one energy price: single, tou, tiered or dynamic (got ${kinds.join(", ") || "none"})`,
    );
  }
  for (const kind of kinds) ENERGY_MODELS[kind].validate(v, t[kind]);
  if (t.fixedCharges !== undefined) validateFixedCharges(v, t.fixedCharges);
  if (t.minimumCharges !== undefined) validateMinimumCharges(v, t.minimumCharges);
  if (t.adjustments !== undefined) validateAdjustments(v, t.adjustments);
  if (t.capacity !== undefined) validateCapacity(v, t.capacity);
  if (t.demand !== undefined) validateDemand(v, t.demand);
  if (t.export !== undefined) validateExport(v, t.export, t.dynamic !== undefined);
  validateCommodity(v, t, kinds.length === 1 ? kinds[0] : undefined);
  if (v.errors.length > 0) return { ok: false, errors: v.errors };
  return { ok: true, tariff: json as Tariff };
}

/** Parses a valid tariff or throws with all errors (for callers holding trusted input). */
export function mustParseTariff(json: unknown): Tariff {
  const r = parseTariff(json);
  if (!r.ok)
    throw new RangeError(`invalid tariff: ${r.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  return r.tariff;
}
