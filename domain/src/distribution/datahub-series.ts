/**
 * A metering point's energy per quarter hour from its time-series points. An hourly (PT1H) value is
 * split into four quarters that sum exactly to it: quarter k is round(v·(k+1)/4) − round(v·k/4) in
 * integer Wh, rounded half away from zero — the split that reproduces DataHub's quarter values in
 * the scenarios (20.003 kWh → 5.001, 5.001, 5.000, 5.001). A quarter without a point is 0 Wh with
 * quality "missing", so sums stay defined and the quality tells that data was missing.
 */
import { DistributionInputError } from "./errors.ts";
import type { MeteringPointPeriod, Quality, TimeSeriesPoint } from "./datahub-input.ts";

export const QUARTER_MS = 900_000;
export const HOUR_MS = 3_600_000;

export type QuarterValue = { wh: bigint; quality: Quality };

/** Integer division rounded half away from zero (d > 0). */
export function divRoundHalfAway(n: bigint, d: bigint): bigint {
  const q = ((n < 0n ? -n : n) * 2n + d) / (2n * d);
  return n < 0n ? -q : q;
}

/**
 * Splits an hour's Wh into four quarters that sum to it.
 * @example splitHourIntoQuarters(20003n) // [5001n, 5001n, 5000n, 5001n]
 */
export function splitHourIntoQuarters(wh: bigint): [bigint, bigint, bigint, bigint] {
  const at = (k: bigint) => divRoundHalfAway(wh * k, 4n);
  return [at(1n) - at(0n), at(2n) - at(1n), at(3n) - at(2n), at(4n) - at(3n)];
}

/** Groups points by metering point, refusing two points for one instant and off-grid instants. */
export function pointsByMeteringPoint(
  points: readonly TimeSeriesPoint[],
): Map<string, Map<number, TimeSeriesPoint>> {
  const out = new Map<string, Map<number, TimeSeriesPoint>>();
  for (const p of points) {
    let m = out.get(p.meteringPointId);
    if (m === undefined) out.set(p.meteringPointId, (m = new Map()));
    if (m.has(p.observationMs)) {
      throw new DistributionInputError(
        `time series of ${p.meteringPointId}`,
        `two points at ${new Date(p.observationMs).toISOString()}`,
      );
    }
    m.set(p.observationMs, p);
  }
  return out;
}

/** The metering point's value in each quarter (starting at `quarterStartMs`, UTC). */
export function quarterValue(
  mp: MeteringPointPeriod,
  points: ReadonlyMap<number, TimeSeriesPoint> | undefined,
  quarterStartMs: number,
): QuarterValue {
  if (mp.resolution === "PT15M") {
    const p = points?.get(quarterStartMs);
    return p === undefined ? { wh: 0n, quality: "missing" } : { wh: p.quantityWh ?? 0n, quality: p.quality };
  }
  const hourStart = quarterStartMs - (((quarterStartMs % HOUR_MS) + HOUR_MS) % HOUR_MS);
  const p = points?.get(hourStart);
  if (p === undefined) return { wh: 0n, quality: "missing" };
  const k = (quarterStartMs - hourStart) / QUARTER_MS;
  return { wh: splitHourIntoQuarters(p.quantityWh ?? 0n)[k]!, quality: p.quality };
}

/** Refuses points that do not start a quarter (PT15M) or an hour (PT1H) of their metering point. */
export function checkPointGrid(
  mps: readonly MeteringPointPeriod[],
  points: readonly TimeSeriesPoint[],
): void {
  const resolution = new Map(mps.map((m) => [m.meteringPointId, m.resolution]));
  for (const p of points) {
    const step = resolution.get(p.meteringPointId) === "PT1H" ? HOUR_MS : QUARTER_MS;
    if (p.observationMs % step !== 0) {
      throw new DistributionInputError(
        `time series of ${p.meteringPointId}`,
        `point at ${new Date(p.observationMs).toISOString()} is not on the ${step === HOUR_MS ? "hour" : "quarter hour"}`,
      );
    }
  }
}

/** The quarter starts of `[startMs, endMs)`. */
export function quartersOf(startMs: number, endMs: number): number[] {
  if (startMs % QUARTER_MS !== 0 || endMs % QUARTER_MS !== 0 || endMs <= startMs) {
    throw new DistributionInputError("period", "must be a non-empty range of whole quarter hours");
  }
  const out: number[] = [];
  for (let t = startMs; t < endMs; t += QUARTER_MS) out.push(t);
  return out;
}

/** The metering-point period in force at an instant, among one point's periods. */
export function periodAt<T extends { fromMs: number; toMs: number | null }>(
  periods: readonly T[],
  ms: number,
): T | undefined {
  return periods.find((p) => p.fromMs <= ms && (p.toMs === null || ms < p.toMs));
}
