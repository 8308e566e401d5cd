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

type Acc = Omit<EnergyResult, "quantityWh" | "qualities"> & { quantityWh: bigint; qualities: Set<Quality> };

const keyOf = (r: Omit<EnergyResult, "quantityWh" | "qualities">) =>
  [
    r.type,
    r.gridArea,
    r.energySupplierId,
    r.balanceResponsibleId,
    r.neighborGridArea,
    r.meteringPointId,
    r.timeMs,
  ].join("|");

/** Computes every energy result of the calculation, in a stable order. */
export function calculateDataHubEnergy(input: DataHubInput, calc: DataHubCalculation): EnergyResult[] {
  const quarters = quartersOf(calc.startMs, calc.endMs);
  checkPointGrid(input.meteringPointPeriods, input.timeSeriesPoints);
  const points = pointsByMeteringPoint(input.timeSeriesPoints);
  const gridLoss = new Set(input.gridLossMeteringPointIds);
  const areas = new Set(calc.gridAreas);
  const acc = new Map<string, Acc>();

  const add = (
    r: Omit<EnergyResult, "quantityWh" | "qualities">,
    wh: bigint,
    quality: Quality | Iterable<Quality>,
  ) => {
    const k = keyOf(r);
    let a = acc.get(k);
    if (a === undefined) acc.set(k, (a = { ...r, quantityWh: 0n, qualities: new Set() }));
    a.quantityWh += wh;
    for (const q of typeof quality === "string" ? [quality] : quality) a.qualities.add(q);
  };
  const base = {
    energySupplierId: null,
    balanceResponsibleId: null,
    neighborGridArea: null,
    meteringPointId: null,
  };

  /** Adds a value at grid-area, BRP and supplier level. */
  const addLevels = (
    type: EnergySeriesType,
    mp: MeteringPointPeriod,
    timeMs: number,
    wh: bigint,
    quality: Quality,
  ) => {
    add({ ...base, type, gridArea: mp.gridArea, timeMs }, wh, quality);
    add(
      { ...base, type, gridArea: mp.gridArea, balanceResponsibleId: mp.balanceResponsibleId, timeMs },
      wh,
      quality,
    );
    add(
      {
        ...base,
        type,
        gridArea: mp.gridArea,
        energySupplierId: mp.energySupplierId,
        balanceResponsibleId: mp.balanceResponsibleId,
        timeMs,
      },
      wh,
      quality,
    );
  };

  const active = (mp: MeteringPointPeriod, t: number) => mp.fromMs <= t && (mp.toMs === null || t < mp.toMs);

  for (const t of quarters) {
    for (const mp of input.meteringPointPeriods) {
      if (!active(mp, t)) continue;
      if (mp.type === "E20") {
        const from = mp.fromGridArea;
        const to = mp.toGridArea;
        if (from === null || to === null) {
          throw new DistributionInputError(
            `metering point ${mp.meteringPointId}`,
            "an exchange point needs from and to grid areas",
          );
        }
        if (!areas.has(from) && !areas.has(to)) continue;
        const v = quarterValue(mp, points.get(mp.meteringPointId), t);
        // Into the area counts positive, out of it negative.
        for (const [ga, neighbor, wh] of [
          [to, from, v.wh],
          [from, to, -v.wh],
        ] as const) {
          if (!areas.has(ga)) continue;
          add(
            {
              ...base,
              type: "net_exchange_per_neighboring_ga",
              gridArea: ga,
              neighborGridArea: neighbor,
              timeMs: t,
            },
            wh,
            v.quality,
          );
          add({ ...base, type: "net_exchange_per_ga", gridArea: ga, timeMs: t }, wh, v.quality);
        }
        continue;
      }
      if (!areas.has(mp.gridArea) || gridLoss.has(mp.meteringPointId)) continue;
      if (mp.type === "E17" && mp.settlementMethod !== null) {
        const v = quarterValue(mp, points.get(mp.meteringPointId), t);
        if (mp.settlementMethod === "flex") {
          add({ ...base, type: "temp_flex_consumption", gridArea: mp.gridArea, timeMs: t }, v.wh, v.quality);
          addLevels("flex_consumption", mp, t, v.wh, v.quality);
        } else {
          addLevels("non_profiled_consumption", mp, t, v.wh, v.quality);
        }
      } else if (mp.type === "E18") {
        const v = quarterValue(mp, points.get(mp.meteringPointId), t);
        add({ ...base, type: "temp_production", gridArea: mp.gridArea, timeMs: t }, v.wh, v.quality);
        addLevels("production", mp, t, v.wh, v.quality);
      }
    }
  }

  const get = (type: EnergySeriesType, gridArea: string, timeMs: number) =>
    acc.get(keyOf({ ...base, type, gridArea, timeMs }));
  for (const ga of calc.gridAreas) {
    const lossPoint = (type: "E17" | "E18") =>
      input.meteringPointPeriods.filter(
        (m) => m.type === type && m.gridArea === ga && gridLoss.has(m.meteringPointId),
      );
    const positive = lossPoint("E17");
    const negative = lossPoint("E18");
    for (const t of quarters) {
      const exchange = get("net_exchange_per_ga", ga, t)?.quantityWh ?? 0n;
      const production = get("temp_production", ga, t)?.quantityWh ?? 0n;
      const flex = get("temp_flex_consumption", ga, t)?.quantityWh ?? 0n;
      const nonProfiled = get("non_profiled_consumption", ga, t)?.quantityWh ?? 0n;
      const loss = exchange + production - flex - nonProfiled;
      add({ ...base, type: "grid_loss", gridArea: ga, timeMs: t }, loss, "calculated");

      const pos = positive.find((m) => m.fromMs <= t && (m.toMs === null || t < m.toMs));
      const neg = negative.find((m) => m.fromMs <= t && (m.toMs === null || t < m.toMs));
      if (pos === undefined || neg === undefined) {
        throw new DistributionInputError(
          `grid area ${ga}`,
          `needs an E17 and an E18 grid-loss metering point at ${new Date(t).toISOString()}`,
        );
      }
      const posWh = loss > 0n ? loss : 0n;
      const negWh = loss < 0n ? -loss : 0n;
      const lossRow = (type: EnergySeriesType, mp: MeteringPointPeriod) => ({
        ...base,
        type,
        gridArea: ga,
        energySupplierId: mp.energySupplierId,
        balanceResponsibleId: mp.balanceResponsibleId,
        meteringPointId: mp.meteringPointId,
        timeMs: t,
      });
      add(lossRow("positive_grid_loss", pos), posWh, "calculated");
      add(lossRow("negative_grid_loss", neg), negWh, "calculated");
      addLevels("flex_consumption", pos, t, posWh, "calculated");
      addLevels("production", neg, t, negWh, "calculated");
    }
  }

  for (const ga of calc.gridAreas) {
    for (const t of quarters) {
      for (const type of ["production", "net_exchange_per_ga"] as const) {
        const a = get(type, ga, t);
        if (a !== undefined)
          add({ ...base, type: "total_consumption", gridArea: ga, timeMs: t }, a.quantityWh, a.qualities);
      }
    }
  }
  return [...acc.values()];
}
