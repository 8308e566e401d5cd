/**
 * Interval completeness of an MSCONS series: every interval as long as the series' step, each
 * starting where the previous one ended, and every local day complete — 96 quarter hours, but 92
 * on the spring DST day and 100 on the autumn one (in the metering point's time zone). Findings are
 * returned as values with the QTY's segment number, for the import to show or refuse.
 */
import { addDays, hoursInLocalDay, localDateOf, localMidnightUtcMs } from "../billing/local-time.ts";

/** An interval to check: an MSCONS QTY (its segment number) or a CSV row (its line number). */
export type CheckedInterval = { startMs: number; endMs: number; segmentNumber: number };

export type IntervalFinding =
  | { kind: "length"; segmentNumber: number; startMs: number; minutes: number }
  | { kind: "gap"; segmentNumber: number; fromMs: number; toMs: number }
  | { kind: "overlap"; segmentNumber: number; fromMs: number; toMs: number }
  | { kind: "incomplete-day"; date: string; expected: number; actual: number };

/** Checks a series of intervals against a step (minutes) in a time zone. */
export function checkMsconsIntervals(
  values: readonly CheckedInterval[],
  params: { stepMinutes: number; timeZone: string },
): { findings: IntervalFinding[]; intervalsPerDay: Map<string, number> } {
  const stepMs = params.stepMinutes * 60_000;
  const findings: IntervalFinding[] = [];
  const intervalsPerDay = new Map<string, number>();
  /** The latest end so far: an interval starting before it covers time already reported. */
  let coveredUntil: number | null = null;
  for (const v of values) {
    const minutes = (v.endMs - v.startMs) / 60_000;
    if (v.endMs - v.startMs !== stepMs)
      findings.push({ kind: "length", segmentNumber: v.segmentNumber, startMs: v.startMs, minutes });
    if (coveredUntil !== null && v.startMs > coveredUntil) {
      findings.push({ kind: "gap", segmentNumber: v.segmentNumber, fromMs: coveredUntil, toMs: v.startMs });
    }
    if (coveredUntil !== null && v.startMs < coveredUntil) {
      const toMs = Math.min(coveredUntil, Math.max(v.startMs, v.endMs));
      findings.push({ kind: "overlap", segmentNumber: v.segmentNumber, fromMs: v.startMs, toMs });
    }
    coveredUntil = coveredUntil === null ? v.endMs : Math.max(coveredUntil, v.endMs);
    const day = localDateOf(v.startMs, params.timeZone);
    intervalsPerDay.set(day, (intervalsPerDay.get(day) ?? 0) + 1);
  }
  const first = values[0];
  const last = values[values.length - 1];
  if (first !== undefined && last !== undefined) {
    // Only whole local days inside the series' span are expected to be complete.
    for (
      let d = localDateOf(first.startMs, params.timeZone);
      localMidnightUtcMs(d, params.timeZone) < last.endMs;
      d = addDays(d, 1)
    ) {
      const dayStart = localMidnightUtcMs(d, params.timeZone);
      const dayEnd = localMidnightUtcMs(addDays(d, 1), params.timeZone);
      if (dayStart < first.startMs || dayEnd > last.endMs) continue;
      const expected = (hoursInLocalDay(d, params.timeZone) * 60) / params.stepMinutes;
      const actual = intervalsPerDay.get(d) ?? 0;
      if (actual !== expected) findings.push({ kind: "incomplete-day", date: d, expected, actual });
    }
  }
  return { findings, intervalsPerDay };
}
