/**
 * One quarter hour of a self-consumption community: who used how much of the building's solar.
 *
 * Rule (ZEV/RCP practice): the solar available in the interval — the plants' production plus what
 * the battery discharges — goes to the consumers in proportion to their consumption, no consumer
 * receiving more than it consumed (`allocateCappedProportional`; with caps equal to the weights the
 * proportional split never exceeds a cap, and the rounding remainder goes by largest remainder).
 * What the consumers cannot use charges the battery (from the plants only) and the rest is exported.
 * The consumers' solar is attributed to the sources (plants, battery) by their share of the available
 * energy, so several plants with different owners are each paid for what they delivered.
 *
 * Everything is integer Wh and balances exactly in every interval:
 *   consumptionᵢ = solarᵢ + gridᵢ;
 *   producedₚ = toConsumersₚ + toBatteryₚ + exportₚ;
 *   discharge = battery.toConsumers + battery.export;
 *   charge = chargeFromSolar + chargeFromGrid.
 */
import { allocateCappedProportional, allocateLargestRemainder } from "../allocation/index.ts";
import { CommunityInputError } from "./errors.ts";

export type IntervalInput = {
  /** Each plant's production (Wh ≥ 0), in the community's plant order. */
  productionWh: readonly bigint[];
  /** Each consumer meter's consumption (Wh ≥ 0), in the community's consumer order. */
  consumptionWh: readonly bigint[];
  /** The battery's charge and discharge in the interval (Wh ≥ 0), if the community has one. */
  battery?: { chargeWh: bigint; dischargeWh: bigint };
};

export type PlantShare = { toConsumersWh: bigint; toBatteryWh: bigint; exportWh: bigint };
export type ConsumerShare = { solarWh: bigint; gridWh: bigint };
export type BatteryShare = {
  toConsumersWh: bigint;
  exportWh: bigint;
  chargeFromSolarWh: bigint;
  chargeFromGridWh: bigint;
};

export type IntervalSplit = {
  consumers: ConsumerShare[];
  plants: PlantShare[];
  battery?: BatteryShare;
  /** Σ plant and battery export (Wh). */
  exportWh: bigint;
  /** Σ consumers' grid + battery charge from grid: the import the grid meter should show (Wh). */
  gridImportWh: bigint;
};

/**
 * @example splitInterval({ productionWh: [300n], consumptionWh: [200n, 400n] })
 * // consumers [{ solarWh: 100n, gridWh: 100n }, { solarWh: 200n, gridWh: 200n }], export 0
 */
export function splitInterval(input: IntervalInput): IntervalSplit {
  const { productionWh, consumptionWh, battery } = input;
  productionWh.forEach((wh, i) => {
    if (wh < 0n) throw new CommunityInputError(`productionWh[${i}]`, `negative production ${wh} Wh`);
  });
  consumptionWh.forEach((wh, i) => {
    if (wh < 0n) throw new CommunityInputError(`consumptionWh[${i}]`, `negative consumption ${wh} Wh`);
  });
  if (battery && (battery.chargeWh < 0n || battery.dischargeWh < 0n)) {
    throw new CommunityInputError(
      "battery",
      `negative charge or discharge (${battery.chargeWh}, ${battery.dischargeWh} Wh)`,
    );
  }
  const discharge = battery?.dischargeWh ?? 0n;
  const sources = battery ? [...productionWh, discharge] : [...productionWh];
  const available = sources.reduce((a, b) => a + b, 0n);

  const { parts: solar, unallocated } = allocateCappedProportional({
    total: available,
    weights: consumptionWh,
    caps: consumptionWh,
  });
  const used = available - unallocated;
  const consumers = consumptionWh.map((c, i) => ({ solarWh: solar[i]!, gridWh: c - solar[i]! }));

  const toConsumers = used === 0n ? sources.map(() => 0n) : allocateLargestRemainder(used, sources);
  const left = sources.map((s, i) => s - toConsumers[i]!);
  const plantLeft = left.slice(0, productionWh.length);
  const plantLeftSum = plantLeft.reduce((a, b) => a + b, 0n);
  const charge = battery?.chargeWh ?? 0n;
  const chargeFromSolar = charge < plantLeftSum ? charge : plantLeftSum;
  const toBattery = allocateCappedProportional({
    total: chargeFromSolar,
    weights: plantLeft,
    caps: plantLeft,
  }).parts;

  const plants = productionWh.map((_, i) => ({
    toConsumersWh: toConsumers[i]!,
    toBatteryWh: toBattery[i]!,
    exportWh: plantLeft[i]! - toBattery[i]!,
  }));
  const consumerGrid = consumers.reduce((s, c) => s + c.gridWh, 0n);
  let exportWh = plants.reduce((s, p) => s + p.exportWh, 0n);
  const out: IntervalSplit = { consumers, plants, exportWh, gridImportWh: consumerGrid };
  if (battery) {
    const batteryToConsumers = toConsumers[productionWh.length]!;
    const batteryExport = discharge - batteryToConsumers;
    exportWh += batteryExport;
    out.exportWh = exportWh;
    out.battery = {
      toConsumersWh: batteryToConsumers,
      exportWh: batteryExport,
      chargeFromSolarWh: chargeFromSolar,
      chargeFromGridWh: charge - chargeFromSolar,
    };
    out.gridImportWh = consumerGrid + (charge - chargeFromSolar);
  }
  return out;
}
