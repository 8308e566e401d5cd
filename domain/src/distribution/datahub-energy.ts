/**
 * DataHub energy calculation per grid area and quarter hour: exchange with each neighbouring grid
 * area, flex and non-profiled consumption and production (per grid area, balance-responsible party
 * and energy supplier), and the grid loss — the balance of the area:
 *
 *     grid loss = net exchange + production − flex consumption − non-profiled consumption
 *
 * (each without the grid-loss metering points). A positive grid loss is added to the area's E17
 * grid-loss metering point (consumption, "positive_grid_loss"), a negative one, negated, to its E18
 * point (production, "negative_grid_loss"); both with quality "calculated". Total consumption is
 * production + net exchange after that. Values are integer Wh; qualities are the set of the
 * qualities that went in ("missing" where a point had no value, counted as 0 Wh).
 */
import type { DataHubCalculation, DataHubInput, MeteringPointPeriod, Quality } from "./datahub-input.ts";
import { checkPointGrid, pointsByMeteringPoint, quarterValue, quartersOf } from "./datahub-series.ts";
import { DistributionInputError } from "./errors.ts";

export type EnergySeriesType =
  | "net_exchange_per_neighboring_ga"
  | "net_exchange_per_ga"
  | "temp_flex_consumption"
  | "temp_production"
  | "flex_consumption"
  | "non_profiled_consumption"
  | "production"
  | "grid_loss"
  | "positive_grid_loss"
  | "negative_grid_loss"
  | "total_consumption";

/** One result value: a series type at one aggregation level and quarter. */
export type EnergyResult = {
  type: EnergySeriesType;
  gridArea: string;
  /** Set for per-supplier rows (and grid-loss rows). */
  energySupplierId: string | null;
  /** Set for per-supplier and per-BRP rows. */
  balanceResponsibleId: string | null;
  neighborGridArea: string | null;
  /** The grid-loss metering point, for positive/negative grid loss. */
  meteringPointId: string | null;
  timeMs: number;
  quantityWh: bigint;
  qualities: ReadonlySet<Quality>;
};

const QUALITY_BITS: Record<Quality, number> = { measured: 1, missing: 2, estimated: 4, calculated: 8 };
const QUALITIES = Object.keys(QUALITY_BITS) as Quality[];

type Group = Omit<EnergyResult, "quantityWh" | "qualities" | "timeMs">;

/** A series per group: Wh and a quality bit set per quarter (0 = nothing contributed). */
type Acc = { group: Group; wh: bigint[]; bits: number[] };

/**
 * Computes every energy result of the calculation. Work is linear in metering points × quarters:
 * each point's quarter values are added once into its groups' arrays (about 3 million additions
 * for 1,000 points over a month).
 */
export function calculateDataHubEnergy(input: DataHubInput, calc: DataHubCalculation): EnergyResult[] {
  const quarters = quartersOf(calc.startMs, calc.endMs);
  const n = quarters.length;
  checkPointGrid(input.meteringPointPeriods, input.timeSeriesPoints);
  const points = pointsByMeteringPoint(input.timeSeriesPoints);
  const gridLoss = new Set(input.gridLossMeteringPointIds);
  const areas = new Set(calc.gridAreas);
  const acc = new Map<string, Acc>();
  const none = {
    energySupplierId: null,
    balanceResponsibleId: null,
    neighborGridArea: null,
    meteringPointId: null,
  };

  const series = (group: Group): Acc => {
    const k = [
      group.type,
      group.gridArea,
      group.energySupplierId,
      group.balanceResponsibleId,
      group.neighborGridArea,
      group.meteringPointId,
    ].join("|");
    let a = acc.get(k);
    if (a === undefined)
      acc.set(k, (a = { group, wh: new Array<bigint>(n).fill(0n), bits: new Array<number>(n).fill(0) }));
    return a;
  };
  const levels = (type: EnergySeriesType, mp: MeteringPointPeriod): Acc[] => [
    series({ ...none, type, gridArea: mp.gridArea }),
    series({ ...none, type, gridArea: mp.gridArea, balanceResponsibleId: mp.balanceResponsibleId }),
    series({
      ...none,
      type,
      gridArea: mp.gridArea,
      energySupplierId: mp.energySupplierId,
      balanceResponsibleId: mp.balanceResponsibleId,
    }),
  ];
  /** Adds the point's quarters within its validity to each target (negated for an outflow). */
  const addPoint = (mp: MeteringPointPeriod, targets: readonly { acc: Acc; sign: bigint }[]) => {
    const own = points.get(mp.meteringPointId);
    for (let i = 0; i < n; i++) {
      const t = quarters[i]!;
      if (t < mp.fromMs || (mp.toMs !== null && t >= mp.toMs)) continue;
      const v = quarterValue(mp, own, t);
      const bit = QUALITY_BITS[v.quality];
      for (const { acc: a, sign } of targets) {
        a.wh[i]! += sign * v.wh;
        a.bits[i]! |= bit;
      }
    }
  };

  for (const mp of input.meteringPointPeriods) {
    if (mp.fromMs >= calc.endMs || (mp.toMs !== null && mp.toMs <= calc.startMs)) continue;
    if (mp.type === "E20") {
      const from = mp.fromGridArea;
      const to = mp.toGridArea;
      if (from === null || to === null) {
        throw new DistributionInputError(
          `metering point ${mp.meteringPointId}`,
          "an exchange point needs from and to grid areas",
        );
      }
      // Into the area counts positive, out of it negative.
      const targets = [
        { ga: to, neighbor: from, sign: 1n },
        { ga: from, neighbor: to, sign: -1n },
      ]
        .filter((x) => areas.has(x.ga))
        .flatMap((x) => [
          {
            acc: series({
              ...none,
              type: "net_exchange_per_neighboring_ga",
              gridArea: x.ga,
              neighborGridArea: x.neighbor,
            }),
            sign: x.sign,
          },
          { acc: series({ ...none, type: "net_exchange_per_ga", gridArea: x.ga }), sign: x.sign },
        ]);
      if (targets.length > 0) addPoint(mp, targets);
      continue;
    }
    if (!areas.has(mp.gridArea) || gridLoss.has(mp.meteringPointId)) continue;
    const plus = (list: Acc[]) => list.map((a) => ({ acc: a, sign: 1n }));
    if (mp.type === "E17" && mp.settlementMethod === "flex") {
      addPoint(
        mp,
        plus([
          series({ ...none, type: "temp_flex_consumption", gridArea: mp.gridArea }),
          ...levels("flex_consumption", mp),
        ]),
      );
    } else if (mp.type === "E17" && mp.settlementMethod === "non_profiled") {
      addPoint(mp, plus(levels("non_profiled_consumption", mp)));
    } else if (mp.type === "E18") {
      addPoint(
        mp,
        plus([
          series({ ...none, type: "temp_production", gridArea: mp.gridArea }),
          ...levels("production", mp),
        ]),
      );
    }
  }

  const CALCULATED = QUALITY_BITS.calculated;
  for (const ga of calc.gridAreas) {
    const lossPoints = (type: "E17" | "E18") =>
      input.meteringPointPeriods.filter(
        (m) => m.type === type && m.gridArea === ga && gridLoss.has(m.meteringPointId),
      );
    const positive = lossPoints("E17");
    const negative = lossPoints("E18");
    const exchange = series({ ...none, type: "net_exchange_per_ga", gridArea: ga });
    const production = series({ ...none, type: "temp_production", gridArea: ga });
    const flex = series({ ...none, type: "temp_flex_consumption", gridArea: ga });
    const nonProfiled = series({ ...none, type: "non_profiled_consumption", gridArea: ga });
    const loss = series({ ...none, type: "grid_loss", gridArea: ga });
    for (let i = 0; i < n; i++) {
      const t = quarters[i]!;
      const lossWh = exchange.wh[i]! + production.wh[i]! - flex.wh[i]! - nonProfiled.wh[i]!;
      loss.wh[i] = lossWh;
      loss.bits[i] = CALCULATED;
      const pos = positive.find((m) => m.fromMs <= t && (m.toMs === null || t < m.toMs));
      const neg = negative.find((m) => m.fromMs <= t && (m.toMs === null || t < m.toMs));
      if (pos === undefined || neg === undefined) {
        throw new DistributionInputError(
          `grid area ${ga}`,
          `needs an E17 and an E18 grid-loss metering point at ${new Date(t).toISOString()}`,
        );
      }
      const lossPoint = (type: EnergySeriesType, mp: MeteringPointPeriod) =>
        series({
          ...none,
          type,
          gridArea: ga,
          energySupplierId: mp.energySupplierId,
          balanceResponsibleId: mp.balanceResponsibleId,
          meteringPointId: mp.meteringPointId,
        });
      const assign = (own: Acc, into: Acc[], wh: bigint) => {
        for (const a of [own, ...into]) {
          a.wh[i]! += wh;
          a.bits[i]! |= CALCULATED;
        }
      };
      assign(
        lossPoint("positive_grid_loss", pos),
        levels("flex_consumption", pos),
        lossWh > 0n ? lossWh : 0n,
      );
      assign(lossPoint("negative_grid_loss", neg), levels("production", neg), lossWh < 0n ? -lossWh : 0n);
    }
    // Total consumption = production (with negative grid loss) + net exchange.
    const total = series({ ...none, type: "total_consumption", gridArea: ga });
    const finalProduction = series({ ...none, type: "production", gridArea: ga });
    for (let i = 0; i < n; i++) {
      total.wh[i] = finalProduction.wh[i]! + exchange.wh[i]!;
      total.bits[i] = finalProduction.bits[i]! | exchange.bits[i]!;
    }
  }

  const results: EnergyResult[] = [];
  for (const { group, wh, bits } of acc.values()) {
    for (let i = 0; i < n; i++) {
      if (bits[i] === 0) continue;
      results.push({
        ...group,
        timeMs: quarters[i]!,
        quantityWh: wh[i]!,
        qualities: new Set(QUALITIES.filter((q) => (bits[i]! & QUALITY_BITS[q]) !== 0)),
      });
    }
  }
  return results;
}
