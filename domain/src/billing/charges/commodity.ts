/**
 * What a tariff bills: electricity (kWh, the default), gas (kWh, metered either in kWh or in m³ and
 * converted with the calorific value and the volume-correction factor), water (m³) or heating oil
 * (litres). The engine prices every commodity the same way: the consumption's `importKwh` fields
 * carry the quantity in the commodity's billing unit, and the lines are labelled with that unit.
 * Gas metered in m³ is converted to kWh before pricing: kWh = m³ × z × Hs (DVGW G 685), exactly,
 * each interval at the factors valid on its local date, a reading's volume split by days of validity.
 * See docs/billing.md, "Gas, water and heating oil".
 */
import { type AggregatedConsumption, type Consumption, kwh } from "../consumption.ts";
import { BillingInputError } from "../errors.ts";
import type { DraftLine } from "../invoice-builder.ts";
import { type LocalPeriod, daysBetween, localDateOf } from "../local-time.ts";
import { BillingDecimal, formatDecimal } from "../money.ts";
import { priceSegments } from "../price-schedule.ts";
import { type Validator, join } from "../validation.ts";
import { type PriceValue, priceValue } from "./price-fields.ts";

export const COMMODITIES = ["electricity", "gas", "water", "heating_oil"] as const;
export type Commodity = (typeof COMMODITIES)[number];

/** The unit a commodity's quantities are billed in. */
export type QuantityUnit = "kWh" | "m³" | "l";

export const BILLING_UNIT: Readonly<Record<Commodity, QuantityUnit>> = {
  electricity: "kWh",
  gas: "kWh",
  water: "m³",
  heating_oil: "l",
};

/**
 * Gas metered in m³: the billing calorific value Hs (kWh per m³) and the volume-correction factor z
 * (Zustandszahl: temperature, pressure and altitude of the delivery point), each one decimal or a
 * schedule of values valid from local dates (published per area and month).
 */
export type GasConversion = { calorificValue: PriceValue; zFactor: PriceValue };

/** How the engine's "Energy …" line descriptions name the commodity. */
const COMMODITY_NAME: Readonly<Record<Commodity, string>> = {
  electricity: "Energy",
  gas: "Energy",
  water: "Water",
  heating_oil: "Heating oil",
};

/** The energy models each commodity can be priced with. */
const ENERGY_MODELS_OF: Readonly<Record<Commodity, readonly string[]>> = {
  electricity: ["single", "tou", "tiered", "dynamic"],
  gas: ["single", "tou", "tiered", "dynamic"],
  water: ["single", "tiered"],
  heating_oil: ["single", "tiered"],
};

/** The tariff's commodity (electricity when not given). */
export function commodityOf(tariff: { commodity?: Commodity }): Commodity {
  return tariff.commodity ?? "electricity";
}

/** The unit the tariff's quantities are billed in. */
export function billingUnitOf(tariff: { commodity?: Commodity }): QuantityUnit {
  return BILLING_UNIT[commodityOf(tariff)];
}

/**
 * Validates `commodity` and `gasConversion` against the rest of the tariff: water and heating oil
 * are priced per unit (single or tiered) with no kW charges and no export; gas has no kW charges
 * and no export; `gasConversion` only with gas, never with dynamic prices (their cost is summed per
 * interval in m³ by the SQL aggregation).
 */
export function validateCommodity(
  v: Validator,
  t: Record<string, unknown>,
  energyModel: string | undefined,
): void {
  if (t.commodity !== undefined && !(COMMODITIES as readonly unknown[]).includes(t.commodity)) {
    v.error("commodity", `must be one of ${COMMODITIES.join(", ")} (got ${JSON.stringify(t.commodity)})`);
    return;
  }
  const commodity = (t.commodity ?? "electricity") as Commodity;
  const unit = BILLING_UNIT[commodity];
  if (energyModel !== undefined && !ENERGY_MODELS_OF[commodity].includes(energyModel)) {
    v.error(
      energyModel,
      `${commodity} is priced per ${unit} with ${ENERGY_MODELS_OF[commodity].join(" or ")} prices, not ${energyModel}`,
    );
  }
  if (commodity !== "electricity") {
    for (const key of ["capacity", "demand", "export"] as const) {
      if (t[key] !== undefined)
        v.error(key, `${commodity} has no ${key} charge (kW and export are electricity's)`);
    }
  }
  if (t.gasConversion === undefined) return;
  if (commodity !== "gas") {
    v.error("gasConversion", `only a gas tariff converts m³ to kWh (commodity is ${commodity})`);
    return;
  }
  if (energyModel === "dynamic") {
    v.error("gasConversion", "dynamic prices need gas metered in kWh (no m³ conversion)");
  }
  const g = v.object("gasConversion", t.gasConversion, ["calorificValue", "zFactor"]);
  if (g === undefined) return;
  for (const key of ["calorificValue", "zFactor"] as const) {
    const path = join("gasConversion", key);
    if (g[key] === undefined) {
      v.error(path, "is required");
      continue;
    }
    const before = v.errors.length;
    priceValue(v, path, g[key]);
    if (v.errors.length === before) {
      const values =
        typeof g[key] === "string" ? [g[key]] : (g[key] as { price: string }[]).map((s) => s.price);
      if (values.some((x) => new BillingDecimal(x).isZero())) v.error(path, "must be greater than 0");
    }
  }
}

/** A part of the period with one pair of conversion factors. */
export type GasSegment = {
  start: string;
  end: string;
  days: number;
  zFactor: string;
  calorificValue: string;
  volumeM3: string;
  energyKwh: string;
};

export type GasConversionResult = {
  /** the same consumption with every quantity in kWh */
  consumption: Consumption;
  /** what the invoice shows: m³, z, Hs and kWh per part of the period */
  breakdown: { volumeM3: string; energyKwh: string; segments: GasSegment[] };
};

/** The parts of the period where both z and Hs are constant. */
function conversionSegments(
  c: GasConversion,
  period: LocalPeriod,
): Omit<GasSegment, "volumeM3" | "energyKwh">[] {
  const zs = priceSegments(c.zFactor, period);
  const hs = priceSegments(c.calorificValue, period);
  const starts = [...new Set([...zs.map((s) => s.start), ...hs.map((s) => s.start)])].sort();
  return starts.map((start, i) => {
    const end = starts[i + 1] ?? period.end;
    const z = zs.findLast((s) => s.start <= start);
    const h = hs.findLast((s) => s.start <= start);
    if (z === undefined || h === undefined)
      throw new BillingInputError("invalid_input", `no factor on ${start}`);
    return { start, end, days: daysBetween(start, end), zFactor: z.price, calorificValue: h.price };
  });
}

/**
 * Converts gas consumption metered in m³ to kWh: each interval with the z and Hs of its local date;
 * a pair of readings' volume split over the parts of the period by days, to whole litres (the last
 * part takes the rest, so the parts sum to the volume); aggregated sums (bill runs) only with one value of each
 * factor. Exported gas and SLP consumption are refused (an SLP's annual quantity is in kWh already).
 * @example convertGasConsumption({ kind: "readings", from: { at: "2025-01-01T00:00:00Z", kwh: "1000" },
 *   to: { at: "2025-02-01T00:00:00Z", kwh: "1100" } }, { calorificValue: "11.2", zFactor: "0.95" },
 *   { start: "2025-01-01", end: "2025-02-01" }, "Europe/Berlin").breakdown.energyKwh // "1064"
 */
export function convertGasConsumption(
  consumption: Consumption,
  conversion: GasConversion,
  period: LocalPeriod,
  timeZone: string,
): GasConversionResult {
  const parts = conversionSegments(conversion, period);
  const factor = (p: (typeof parts)[number]): BillingDecimal =>
    new BillingDecimal(p.zFactor).times(p.calorificValue);
  const volumes = parts.map(() => new BillingDecimal(0));
  let converted: Consumption;
  switch (consumption.kind) {
    case "intervals": {
      const intervals = consumption.intervals.map((r, i) => {
        if (r.exportKwh !== undefined && !kwh(r.exportKwh, `intervals[${i}].export`).isZero())
          throw new BillingInputError(
            "invalid_input",
            `intervals[${i}]: gas is not exported (export ${r.exportKwh})`,
          );
        const day = localDateOf(Date.parse(r.start), timeZone);
        const k = parts.findLastIndex((p) => p.start <= day);
        const volume = kwh(r.importKwh, `intervals[${i}].import`);
        if (k < 0 || day >= period.end) return { start: r.start, importKwh: r.importKwh };
        volumes[k] = volumes[k]!.plus(volume);
        return { start: r.start, importKwh: formatDecimal(volume.times(factor(parts[k]!))) };
      });
      converted = { ...consumption, intervals };
      break;
    }
    case "readings": {
      const volume = kwh(consumption.to.kwh, "reading to").minus(kwh(consumption.from.kwh, "reading from"));
      if (volume.isNegative())
        throw new BillingInputError(
          "consumption_mismatch",
          `meter reading went down: ${consumption.from.kwh} → ${consumption.to.kwh}`,
        );
      const total = daysBetween(period.start, period.end);
      let rest = volume;
      parts.forEach((p, k) => {
        volumes[k] = k === parts.length - 1 ? rest : volume.times(p.days).div(total).toDecimalPlaces(3);
        rest = rest.minus(volumes[k]!);
      });
      const energy = parts.reduce((s, p, k) => s.plus(volumes[k]!.times(factor(p))), new BillingDecimal(0));
      converted = {
        kind: "readings",
        from: { at: consumption.from.at, kwh: "0" },
        to: { at: consumption.to.at, kwh: formatDecimal(energy) },
      };
      break;
    }
    case "aggregated": {
      if (parts.length !== 1)
        throw new BillingInputError(
          "unsupported_combination",
          "aggregated gas volumes need one calorific value and one z factor for the whole period",
        );
      if (!kwh(consumption.exportKwh, "exportKwh").isZero())
        throw new BillingInputError("invalid_input", "gas is not exported (exportKwh must be 0)");
      const f = factor(parts[0]!);
      volumes[0] = kwh(consumption.importKwh, "importKwh");
      const times = (x: string): string => formatDecimal(new BillingDecimal(x).times(f));
      const agg: AggregatedConsumption = {
        kind: "aggregated",
        importKwh: times(consumption.importKwh),
        exportKwh: "0",
        importKwhByBand: Object.fromEntries(
          Object.entries(consumption.importKwhByBand).map(([band, q]) => [band, times(q)]),
        ),
      };
      converted = agg;
      break;
    }
    case "slp":
      throw new BillingInputError(
        "invalid_input",
        "gasConversion needs metered m³ (intervals, readings or aggregated); an SLP gas tariff bills its annual kWh without it",
      );
  }
  const segments = parts.map((p, k) => ({
    ...p,
    volumeM3: formatDecimal(volumes[k]!),
    energyKwh: formatDecimal(volumes[k]!.times(factor(p))),
  }));
  const sum = (key: "volumeM3" | "energyKwh"): string =>
    formatDecimal(segments.reduce((s, x) => s.plus(x[key]), new BillingDecimal(0)));
  return {
    consumption: converted,
    breakdown: { volumeM3: sum("volumeM3"), energyKwh: sum("energyKwh"), segments },
  };
}

/**
 * Labels the per-kWh lines of a non-electricity tariff with its unit (m³, l), descriptions
 * included ("Energy tier 1 (0–10 kWh)" → "Water tier 1 (0–10 m³)"); gas keeps kWh and its first energy line shows the conversion.
 */
export function labelQuantities(
  lines: DraftLine[],
  commodity: Commodity,
  gas?: GasConversionResult["breakdown"],
): DraftLine[] {
  const unit = BILLING_UNIT[commodity];
  const name = COMMODITY_NAME[commodity];
  const first = gas === undefined ? -1 : lines.findIndex((l) => l.group === "energy" && l.unit === "kWh");
  return lines.map((line, i) => {
    if (line.unit !== "kWh") return line;
    if (unit !== "kWh")
      return {
        ...line,
        unit,
        description: line.description.replace(/ kWh\b/g, ` ${unit}`).replace(/^Energy\b/, name),
      };
    if (i === first) return { ...line, breakdown: { ...line.breakdown, gas } };
    return line;
  });
}
