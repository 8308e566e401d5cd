import type { ParsedInterval, ParsedReading, RejectReason } from "./gateway-message.ts";

/**
 * The plausibility gate for one meter's readings from one message.
 *
 * Stored readings are the truth: a new reading is checked against the nearest accepted or stored
 * reading before it and the nearest stored reading after it. Readings are processed in instant
 * order, so the result does not depend on the order the gateway sent them in, and a rejected
 * reading never becomes the reference for the next one.
 */

/** A reading already in the database for this meter. */
export interface StoredReading {
  readonly at: Date;
  readonly importWh: bigint;
  readonly exportWh: bigint;
}

export interface MeterRating {
  readonly meterId: string;
  /** Largest plausible average power, import and export alike (e.g. fuse or inverter rating), in W. */
  readonly ratedPowerW: number;
}

/** An accepted reading with the energy since the previous accepted or stored reading. */
export interface AcceptedReading extends ParsedReading {
  /** `importWh` minus the previous reading's, or `null` when there is no earlier reading. */
  readonly importDeltaWh: bigint | null;
  readonly exportDeltaWh: bigint | null;
}

export type PlausibilityRejectReason = Extract<
  RejectReason,
  | "malformed_reading"
  | "future_instant"
  | "conflicting_duplicate"
  | "register_decreased"
  | "power_exceeds_rating"
  | "interval_mismatch"
>;

export interface RejectedReading {
  readonly reading: ParsedReading;
  readonly reason: PlausibilityRejectReason;
  readonly detail: string;
}

export interface CheckReadingsParams {
  readonly meter: MeterRating;
  /** All new readings of this meter from one message, in any order. */
  readonly readings: readonly ParsedReading[];
  /** Latest stored reading strictly before the earliest new one. */
  readonly previous?: StoredReading | undefined;
  /** Earliest stored reading after the latest new one (for readings that arrive late). */
  readonly next?: StoredReading | undefined;
  /**
   * Stored readings at the same instants as new ones. Stored readings at other instants between the
   * earliest and latest new one may be included too; they are then used as references.
   */
  readonly existing: readonly StoredReading[];
  readonly now: Date;
  /** How far a reading may lie in the future of `now` (gateway clock drift). */
  readonly clockSkewMs: number;
}

export interface CheckReadingsResult {
  /** Sorted by instant. */
  readonly accepted: AcceptedReading[];
  /** Same instant and values as a stored reading or another reading in the batch: ignore, do not store. */
  readonly duplicates: ParsedReading[];
  readonly rejected: RejectedReading[];
}

/**
 * Splits one meter's new readings into accepted (with deltas), duplicates and rejected.
 *
 * Rules, in order: malformed values → `malformed_reading`; instant after now + skew →
 * `future_instant`; same instant as a stored or another new reading with other values →
 * `conflicting_duplicate` (identical values → duplicate); a register lower than the reading before it
 * or higher than the stored reading after it → `register_decreased`; average power to either neighbour
 * above the rating → `power_exceeds_rating`; intervals outside (previous.at, at], overlapping,
 * above the rating or summing to more than the register delta → `interval_mismatch`.
 *
 * Registers have 1 Wh resolution, so an energy may exceed the rated bound by 1 Wh (per interval
 * when intervals are summed).
 *
 * @example
 * checkReadings({ meter: { meterId: "m1", ratedPowerW: 11_000 }, readings, previous, existing: [],
 *   now, clockSkewMs: 300_000 })
 */
export function checkReadings(params: CheckReadingsParams): CheckReadingsResult {
  const { meter, readings, now, clockSkewMs } = params;
  if (!Number.isFinite(meter.ratedPowerW) || meter.ratedPowerW < 0) {
    throw new RangeError(`ratedPowerW must be a finite non-negative number, got ${meter.ratedPowerW}`);
  }
  if (!Number.isFinite(clockSkewMs) || clockSkewMs < 0) {
    throw new RangeError(`clockSkewMs must be a finite non-negative number, got ${clockSkewMs}`);
  }
  for (const reading of readings) {
    if (reading.meterId !== meter.meterId) {
      throw new RangeError(`reading of meter ${reading.meterId} passed for meter ${meter.meterId}`);
    }
  }
  const ratedMilliW = BigInt(Math.round(meter.ratedPowerW * 1000));
  const latestAllowedMs = now.getTime() + clockSkewMs;

  const duplicates: ParsedReading[] = [];
  const rejected: RejectedReading[] = [];

  // 1. Each reading on its own.
  const byInstant = new Map<number, ParsedReading[]>();
  for (const reading of readings) {
    const malformed = malformedDetail(reading);
    if (malformed !== null) {
      rejected.push({ reading, reason: "malformed_reading", detail: malformed });
      continue;
    }
    const atMs = reading.at.getTime();
    if (atMs > latestAllowedMs) {
      rejected.push({
        reading,
        reason: "future_instant",
        detail: `at ${iso(reading.at)} is later than now ${iso(now)} plus ${clockSkewMs} ms skew`,
      });
      continue;
    }
    const group = byInstant.get(atMs);
    if (group === undefined) byInstant.set(atMs, [reading]);
    else group.push(reading);
  }

  // 2. One candidate per instant: duplicates and conflicts against stored readings and each other.
  const storedByInstant = new Map<number, StoredReading>();
  for (const stored of [params.previous, ...params.existing, params.next]) {
    if (stored !== undefined && !storedByInstant.has(stored.at.getTime())) {
      storedByInstant.set(stored.at.getTime(), stored);
    }
  }
  const candidates: ParsedReading[] = [];
  for (const [atMs, group] of byInstant) {
    const stored = storedByInstant.get(atMs);
    if (stored !== undefined) {
      for (const reading of group) {
        if (sameRegisters(reading, stored)) duplicates.push(reading);
        else {
          rejected.push({
            reading,
            reason: "conflicting_duplicate",
            detail: `stored reading at ${iso(reading.at)} has importWh ${stored.importWh}, exportWh ${stored.exportWh}; this one has importWh ${reading.importWh}, exportWh ${reading.exportWh}`,
          });
        }
      }
      continue;
    }
    const [first, ...rest] = group;
    if (first === undefined) continue;
    if (rest.every((other) => identical(first, other))) {
      candidates.push(first);
      duplicates.push(...rest);
    } else {
      for (const reading of group) {
        rejected.push({
          reading,
          reason: "conflicting_duplicate",
          detail: `${group.length} readings at ${iso(reading.at)} in this message have different values`,
        });
      }
    }
  }

  // 3. Walk the stored and candidate readings in instant order (no two share an instant).
  type Step = { kind: "stored"; reading: StoredReading } | { kind: "new"; reading: ParsedReading };
  const steps: Step[] = [
    ...[...storedByInstant.values()].map((reading): Step => ({ kind: "stored", reading })),
    ...candidates.map((reading): Step => ({ kind: "new", reading })),
  ].sort((a, b) => a.reading.at.getTime() - b.reading.at.getTime());

  // The nearest stored reading after each step.
  const storedAfter: (StoredReading | undefined)[] = new Array(steps.length);
  let following: StoredReading | undefined;
  for (let i = steps.length - 1; i >= 0; i--) {
    storedAfter[i] = following;
    const step = steps[i];
    if (step?.kind === "stored") following = step.reading;
  }

  const accepted: AcceptedReading[] = [];
  let last: StoredReading | undefined;
  steps.forEach((step, i) => {
    if (step.kind === "stored") {
      last = step.reading;
      return;
    }
    const reading = step.reading;
    const problem = chainProblem(reading, last, storedAfter[i], ratedMilliW, meter.ratedPowerW);
    if (problem !== null) {
      rejected.push({ reading, ...problem });
      return;
    }
    accepted.push({
      ...reading,
      importDeltaWh: last === undefined ? null : reading.importWh - last.importWh,
      exportDeltaWh: last === undefined ? null : reading.exportWh - last.exportWh,
    });
    last = reading;
  });

  duplicates.sort(compareReadings);
  rejected.sort((a, b) => compareReadings(a.reading, b.reading));
  return { accepted, duplicates, rejected };
}

// ---------------------------------------------------------------------------------------------

interface Problem {
  readonly reason: PlausibilityRejectReason;
  readonly detail: string;
}

type Registers = Pick<StoredReading, "at" | "importWh" | "exportWh">;

const MS_PER_HOUR = 3_600_000n;

function chainProblem(
  reading: ParsedReading,
  before: Registers | undefined,
  after: Registers | undefined,
  ratedMilliW: bigint,
  ratedPowerW: number,
): Problem | null {
  if (before !== undefined) {
    for (const register of ["importWh", "exportWh"] as const) {
      if (reading[register] < before[register]) {
        return {
          reason: "register_decreased",
          detail: `${register} ${reading[register]} at ${iso(reading.at)} is below ${before[register]} at ${iso(before.at)}`,
        };
      }
    }
  }
  if (after !== undefined) {
    for (const register of ["importWh", "exportWh"] as const) {
      if (reading[register] > after[register]) {
        return {
          reason: "register_decreased",
          detail: `${register} ${reading[register]} at ${iso(reading.at)} is above the later stored ${after[register]} at ${iso(after.at)}`,
        };
      }
    }
  }
  for (const [from, to] of [
    [before, reading],
    [reading, after],
  ] as const) {
    if (from === undefined || to === undefined) continue;
    const spanMs = to.at.getTime() - from.at.getTime();
    for (const register of ["importWh", "exportWh"] as const) {
      const energyWh = to[register] - from[register];
      if (exceedsRating(energyWh, spanMs, ratedMilliW)) {
        const direction = register === "importWh" ? "import" : "export";
        return {
          reason: "power_exceeds_rating",
          detail: `${direction} average power ${averagePowerW(energyWh, spanMs)} W between ${iso(from.at)} and ${iso(to.at)} exceeds the rated ${ratedPowerW} W`,
        };
      }
    }
  }
  return intervalProblem(reading, before, ratedMilliW, ratedPowerW);
}

function intervalProblem(
  reading: ParsedReading,
  before: Registers | undefined,
  ratedMilliW: bigint,
  ratedPowerW: number,
): Problem | null {
  if (reading.intervals.length === 0) return null;
  const mismatch = (detail: string): Problem => ({ reason: "interval_mismatch", detail });
  const lowerMs = before?.at.getTime() ?? Number.NEGATIVE_INFINITY;
  const upperMs = reading.at.getTime();
  const span = `(${before === undefined ? "-∞" : iso(before.at)}, ${iso(reading.at)}]`;
  const sorted = [...reading.intervals].sort((a, b) => a.start.getTime() - b.start.getTime());
  let previousEnd: Date | undefined;
  for (const interval of sorted) {
    const startMs = interval.start.getTime();
    const endMs = interval.end.getTime();
    const label = `interval ${iso(interval.start)}..${iso(interval.end)}`;
    if (startMs < lowerMs || endMs > upperMs) return mismatch(`${label} lies outside ${span}`);
    if (previousEnd !== undefined && startMs < previousEnd.getTime()) {
      return mismatch(`${label} overlaps the interval ending ${iso(previousEnd)}`);
    }
    for (const register of ["importWh", "exportWh"] as const) {
      if (exceedsRating(interval[register], endMs - startMs, ratedMilliW)) {
        return mismatch(
          `${label} ${register} ${interval[register]} is ${averagePowerW(interval[register], endMs - startMs)} W, above the rated ${ratedPowerW} W`,
        );
      }
    }
    previousEnd = interval.end;
  }
  if (before !== undefined) {
    for (const register of ["importWh", "exportWh"] as const) {
      const sum = sorted.reduce((total, interval) => total + interval[register], 0n);
      const delta = reading[register] - before[register];
      // Each interval value was rounded to whole Wh on its own: allow 1 Wh per interval.
      if (sum - BigInt(sorted.length) > delta) {
        return mismatch(`intervals sum to ${register} ${sum}, more than the register delta ${delta}`);
      }
    }
  }
  return null;
}

/** energy − 1 Wh (register resolution) > rated power × span. Exact: mW × ms vs Wh × 3.6e9. */
function exceedsRating(energyWh: bigint, spanMs: number, ratedMilliW: bigint): boolean {
  return (energyWh - 1n) * MS_PER_HOUR * 1000n > ratedMilliW * BigInt(spanMs);
}

function averagePowerW(energyWh: bigint, spanMs: number): string {
  return ((Number(energyWh) * 3_600_000) / spanMs).toFixed(0);
}

function malformedDetail(reading: ParsedReading): string | null {
  if (Number.isNaN(reading.at.getTime())) return "at: invalid date";
  if (reading.importWh < 0n) return "importWh: must be non-negative";
  if (reading.exportWh < 0n) return "exportWh: must be non-negative";
  for (const [i, interval] of reading.intervals.entries()) {
    if (Number.isNaN(interval.start.getTime()) || Number.isNaN(interval.end.getTime())) {
      return `intervals[${i}]: invalid date`;
    }
    if (interval.start.getTime() >= interval.end.getTime())
      return `intervals[${i}]: start must be before end`;
    if (interval.importWh < 0n || interval.exportWh < 0n)
      return `intervals[${i}]: energy must be non-negative`;
  }
  return null;
}

function sameRegisters(a: Registers, b: Registers): boolean {
  return a.at.getTime() === b.at.getTime() && a.importWh === b.importWh && a.exportWh === b.exportWh;
}

function identical(a: ParsedReading, b: ParsedReading): boolean {
  return sameRegisters(a, b) && intervalsKey(a.intervals) === intervalsKey(b.intervals);
}

function intervalsKey(intervals: readonly ParsedInterval[]): string {
  return intervals
    .map((x) => `${x.start.getTime()}/${x.end.getTime()}/${x.importWh}/${x.exportWh}`)
    .sort()
    .join(",");
}

/** Total order on readings by value, so that outputs do not depend on input order. */
function compareReadings(a: ParsedReading, b: ParsedReading): number {
  const ta = timeKey(a.at);
  const tb = timeKey(b.at);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.importWh !== b.importWh) return a.importWh < b.importWh ? -1 : 1;
  if (a.exportWh !== b.exportWh) return a.exportWh < b.exportWh ? -1 : 1;
  const ka = intervalsKey(a.intervals);
  const kb = intervalsKey(b.intervals);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function timeKey(date: Date): number {
  const ms = date.getTime();
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function iso(date: Date): string {
  return Number.isNaN(date.getTime()) ? "Invalid Date" : date.toISOString();
}
