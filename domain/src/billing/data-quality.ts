/**
 * The data-quality checks every input path runs on interval readings before pricing (issue 13: "no
 * silent wrong bill"): a valid IANA time zone, one reading per interval of the period including DST
 * days (92 or 100 quarter hours), spacing equal to the declared resolution, no duplicates and no
 * readings outside the period. Pure: the caller decides whether a problem refuses the bill or marks it.
 */
import { expectedIntervals } from "./expected-intervals.ts";
import { type LocalPeriod, isValidTimeZone, parseLocalDate, periodInstants } from "./local-time.ts";
import { missingIntervalRanges } from "./missing-interval-ranges.ts";

export type DataQualityCode =
  | "time_zone_missing"
  | "time_zone_invalid"
  | "period_invalid"
  | "instant_invalid"
  | "spacing_mismatch"
  | "duplicate_intervals"
  | "outside_period"
  | "missing_intervals";

/** A range of intervals as ISO instants, `start` inclusive, `end` exclusive. */
export type DataQualityRange = { start: string; end: string; intervals: number };

export type DataQualityProblem = {
  code: DataQualityCode;
  message: string;
  /** the intervals concerned, merged where they touch (empty for time zone and period problems) */
  ranges: DataQualityRange[];
};

export type CheckIntervalDataParams = {
  /** local dates, `end` exclusive */
  period: LocalPeriod;
  /** IANA zone of the POD; undefined or "" is a problem, never the host's zone */
  timeZone: string | undefined;
  /** the declared resolution */
  intervalMinutes: 15 | 60;
  /** interval starts as ISO instants with Z or offset (e.g. the `start` of IntervalReading) */
  intervals: readonly { start: string }[];
};

export type CheckIntervalDataResult = {
  /** empty when the data is complete and consistent */
  problems: DataQualityProblem[];
  /** intervals the period has in its zone (DST days counted), 0 when the zone or period is invalid */
  expected: number;
  /** distinct interval starts inside the period */
  found: number;
};

/** How many ranges a message names before "…". */
const MESSAGE_RANGES = 3;

/**
 * Checks interval readings for a local period; the problems come in a fixed order (zone, period,
 * instants, spacing, duplicates, outside, missing). Missing intervals are not reported when the
 * spacing is wrong: hourly data declared as 15 minutes would list three missing quarters per hour.
 * @example checkIntervalData({ period: { start: "2025-03-30", end: "2025-03-31" }, timeZone: "Europe/Berlin",
 *   intervalMinutes: 15, intervals: [] }).problems[0]?.code // "missing_intervals" (all 92)
 */
export function checkIntervalData(params: CheckIntervalDataParams): CheckIntervalDataResult {
  const { period, timeZone, intervalMinutes } = params;
  const problems: DataQualityProblem[] = [];
  const none = { problems, expected: 0, found: 0 };
  if (timeZone === undefined || timeZone === "") {
    problems.push({
      code: "time_zone_missing",
      message:
        "time zone required (the POD's IANA zone, e.g. Europe/Berlin); the host's zone is never assumed",
      ranges: [],
    });
    return none;
  }
  if (!isValidTimeZone(timeZone)) {
    problems.push({ code: "time_zone_invalid", message: `unknown IANA time zone ${timeZone}`, ranges: [] });
    return none;
  }
  if (
    parseLocalDate(period.start) === undefined ||
    parseLocalDate(period.end) === undefined ||
    period.end <= period.start
  ) {
    problems.push({
      code: "period_invalid",
      message: `period must be YYYY-MM-DD dates with end after start: ${period.start}..${period.end}`,
      ranges: [],
    });
    return none;
  }
  const intervalMs = intervalMinutes * 60_000;
  const { startMs, endMs } = periodInstants(period, timeZone);
  const expected = expectedIntervals({ period, timeZone, intervalMinutes });

  const invalid: string[] = [];
  const inside: number[] = [];
  const outside: number[] = [];
  for (const { start } of params.intervals) {
    const ms = /(Z|[+-]\d{2}:\d{2})$/.test(start) ? Date.parse(start) : Number.NaN;
    if (Number.isNaN(ms)) invalid.push(start);
    else if (ms < startMs || ms >= endMs) outside.push(ms);
    else inside.push(ms);
  }
  if (invalid.length > 0) {
    problems.push({
      code: "instant_invalid",
      message: `${invalid.length} interval start(s) are not ISO instants with Z or an offset: ${invalid
        .slice(0, MESSAGE_RANGES)
        .map((s) => JSON.stringify(s))
        .join(", ")}`,
      ranges: [],
    });
  }

  inside.sort((a, b) => a - b);
  const unique: number[] = [];
  const duplicates: number[] = [];
  for (const ms of inside) {
    if (unique[unique.length - 1] === ms) duplicates.push(ms);
    else unique.push(ms);
  }

  const spacing = detectSpacing(unique, startMs, intervalMs);
  if (spacing !== undefined) {
    const offGrid = unique.filter((ms) => (ms - startMs) % intervalMs !== 0);
    const ranges = toRanges(offGrid, intervalMinutes);
    problems.push({
      code: "spacing_mismatch",
      message:
        spacing.typicalMinutes !== intervalMinutes
          ? `intervals are ${spacing.typicalMinutes} minutes apart but declared as ${intervalMinutes}-minute intervals`
          : `${offGrid.length} interval start(s) are not on the ${intervalMinutes}-minute grid of the period${describe(ranges)}`,
      ranges,
    });
  }
  if (duplicates.length > 0) {
    const ranges = toRanges(duplicates, intervalMinutes);
    problems.push({
      code: "duplicate_intervals",
      message: `${duplicates.length} duplicate interval(s)${describe(ranges)}`,
      ranges,
    });
  }
  if (outside.length > 0) {
    const ranges = toRanges(outside, intervalMinutes);
    problems.push({
      code: "outside_period",
      message: `${inside.length === 0 ? "all " : ""}${outside.length} interval(s) outside the period ${period.start}..${period.end} (${timeZone})${describe(ranges)}`,
      ranges,
    });
  }
  if (spacing === undefined) {
    const present = new Set(unique);
    const missing: number[] = [];
    for (let ms = startMs; ms < endMs; ms += intervalMs) if (!present.has(ms)) missing.push(ms);
    if (missing.length > 0) {
      const ranges = toRanges(missing, intervalMinutes);
      const short = expected.days.filter((d) => d.intervals !== 24 * (60 / intervalMinutes));
      const dst =
        short.length > 0 ? ` (DST: ${short.map((d) => `${d.date} has ${d.intervals}`).join(", ")})` : "";
      problems.push({
        code: "missing_intervals",
        message: `${missing.length} of ${expected.total} intervals missing${dst}${describe(ranges)}`,
        ranges,
      });
    }
  }
  return { problems, expected: expected.total, found: unique.length };
}

/**
 * The spacing problem of sorted distinct starts: the most frequent gap differs from the declared
 * resolution (hourly data declared as 15), or a start lies off the period's interval grid.
 */
function detectSpacing(
  sorted: readonly number[],
  startMs: number,
  intervalMs: number,
): { typicalMinutes: number } | undefined {
  const counts = new Map<number, number>();
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i]! - sorted[i - 1]!;
    counts.set(gap, (counts.get(gap) ?? 0) + 1);
  }
  let typical = intervalMs;
  let best = 0;
  for (const [gap, n] of counts) if (n > best || (n === best && gap < typical)) [typical, best] = [gap, n];
  const offGrid = sorted.some((ms) => (ms - startMs) % intervalMs !== 0);
  if (typical === intervalMs && !offGrid) return undefined;
  return { typicalMinutes: typical / 60_000 };
}

function toRanges(instants: readonly number[], intervalMinutes: 15 | 60): DataQualityRange[] {
  return missingIntervalRanges({ missing: instants, intervalMinutes }).ranges.map((r) => ({
    start: new Date(r.startMs).toISOString(),
    end: new Date(r.endMs).toISOString(),
    intervals: r.intervals,
  }));
}

function describe(ranges: readonly DataQualityRange[]): string {
  const shown = ranges
    .slice(0, MESSAGE_RANGES)
    .map((r) => `${r.start} – ${r.end} (${r.intervals})`)
    .join(", ");
  return `: ${shown}${ranges.length > MESSAGE_RANGES ? `, … (${ranges.length} ranges)` : ""}`;
}
