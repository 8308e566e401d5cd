/**
 * Gas metering points: the metered operating volume (m³) converted to energy for distribution
 * settlement, DVGW G 685: E = V × z × Hs, with the billing calorific value Hs (kWh/m³) and the
 * volume-correction factor z (Zustandszahl: temperature, pressure, altitude) published per area
 * and period. Computed exactly (decimal.js) and rounded once to integer Wh, half away from zero.
 *
 * A volume whose period crosses a change of factors is split pro rata by time across the factor
 * periods (G 685's time-weighted apportionment where no interval data exist); a time without
 * published factors is refused, naming the area and the instant, never priced with a neighbour's.
 *
 * Factor file (CSV, `;`, header, one row per area and period, half-open `[from, to)` ISO instants):
 *
 *     area;from;to;calorific_value_kwh_per_m3;z_factor
 *     NCG-1;2025-01-01T00:00:00+01:00;2025-02-01T00:00:00+01:00;11.412;0.9626
 */
import { BillingDecimal, DECIMAL_PATTERN } from "../billing/money.ts";
import { parseIsoInstant } from "../iso-instant.ts";
import { CsvCells, parseSemicolonCsv } from "./datahub-input.ts";
import { DistributionInputError } from "./errors.ts";

export type GasFactorPeriod = {
  area: string;
  fromMs: number;
  toMs: number;
  calorificValueKwhPerM3: BillingDecimal;
  zFactor: BillingDecimal;
};

export type GasVolume = { from: string; to: string; volumeM3: string };

export type GasEnergy = {
  energyWh: bigint;
  /** The exact kWh before the one rounding (a decimal string). */
  exactKwh: string;
  parts: {
    fromMs: number;
    toMs: number;
    volumeM3: string;
    calorificValueKwhPerM3: string;
    zFactor: string;
    kwh: string;
  }[];
};

/** Reads the published factors; errors name file, line and column. */
export function parseGasFactorsCsv(text: string, file = "gas-factors.csv"): GasFactorPeriod[] {
  return parseSemicolonCsv(text, file).map((row) => {
    const c = new CsvCells(file, row);
    const fromMs = c.instant("from");
    const toMs = c.instant("to");
    if (toMs <= fromMs) throw new DistributionInputError(c.where("to"), "ends at or before from");
    const hs = c.decimal("calorific_value_kwh_per_m3");
    const z = c.decimal("z_factor");
    if (!hs.isPositive() || hs.isZero())
      throw new DistributionInputError(c.where("calorific_value_kwh_per_m3"), "must be positive");
    if (!z.isPositive() || z.isZero())
      throw new DistributionInputError(c.where("z_factor"), "must be positive");
    return { area: c.text("area"), fromMs, toMs, calorificValueKwhPerM3: hs, zFactor: z };
  });
}

/**
 * Converts one metered volume of a gas metering point in `area` to integer Wh.
 * @example
 * // 100 m³ × z 0.9626 × Hs 11.412 kWh/m³ = 1098.51912 kWh → 1098519 Wh
 */
export function gasVolumeToEnergy(params: {
  area: string;
  volume: GasVolume;
  factors: readonly GasFactorPeriod[];
}): GasEnergy {
  const { area, volume } = params;
  const at = (text: string, where: string) => {
    const d = parseIsoInstant(text);
    if (d === null)
      throw new DistributionInputError(
        where,
        `not an ISO-8601 instant with Z or an offset: ${JSON.stringify(text)}`,
      );
    return d.getTime();
  };
  const fromMs = at(volume.from, "volume.from");
  const toMs = at(volume.to, "volume.to");
  if (toMs <= fromMs)
    throw new DistributionInputError("volume", `ends (${volume.to}) at or before it starts (${volume.from})`);
  if (!DECIMAL_PATTERN.test(volume.volumeM3) || volume.volumeM3.startsWith("-")) {
    throw new DistributionInputError(
      "volume.volumeM3",
      `expected a non-negative decimal, got ${JSON.stringify(volume.volumeM3)}`,
    );
  }
  const v = new BillingDecimal(volume.volumeM3);
  const factors = params.factors.filter((f) => f.area === area).sort((a, b) => a.fromMs - b.fromMs);
  for (let i = 1; i < factors.length; i++) {
    if (factors[i]!.fromMs < factors[i - 1]!.toMs) {
      throw new DistributionInputError(
        `gas factors of area ${area}`,
        `two periods overlap at ${new Date(factors[i]!.fromMs).toISOString()}`,
      );
    }
  }
  const span = new BillingDecimal(toMs - fromMs);
  const parts: GasEnergy["parts"] = [];
  let exact = new BillingDecimal(0);
  let cursor = fromMs;
  for (const f of factors) {
    if (f.toMs <= cursor || f.fromMs >= toMs) continue;
    if (f.fromMs > cursor) break;
    const end = Math.min(f.toMs, toMs);
    const share = v.times(end - cursor).div(span);
    const kwh = share.times(f.zFactor).times(f.calorificValueKwhPerM3);
    parts.push({
      fromMs: cursor,
      toMs: end,
      volumeM3: share.toFixed(),
      calorificValueKwhPerM3: f.calorificValueKwhPerM3.toFixed(),
      zFactor: f.zFactor.toFixed(),
      kwh: kwh.toFixed(),
    });
    exact = exact.plus(kwh);
    cursor = end;
  }
  if (cursor < toMs) {
    throw new DistributionInputError(
      `gas factors of area ${area}`,
      `no calorific value and z factor published for ${new Date(cursor).toISOString()}`,
    );
  }
  return {
    energyWh: BigInt(exact.times(1000).toDecimalPlaces(0, BillingDecimal.ROUND_HALF_UP).toFixed(0)),
    exactKwh: exact.toFixed(),
    parts,
  };
}
