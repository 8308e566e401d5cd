/**
 * Missing metering intervals as a short list of time ranges: instants (or ranges) sorted, merged
 * where they touch or overlap, counted, and cut to the first few for display. A bill run stores the
 * result with an incomplete item ("2026-10-14 08:00 – 11:00, 12 intervals").
 */

/** A range of missing intervals: `startMs` inclusive (an interval start), `endMs` exclusive. */
export type MissingRange = { startMs: number; endMs: number };

export type MissingIntervalRangesParams = {
  /** missing interval starts or ranges of whole missing intervals (on one grid), any order, may overlap */
  missing: readonly (number | MissingRange)[];
  intervalMinutes?: 15 | 60;
  /** keep only the first `limit` ranges (default: all) */
  limit?: number;
};

export type MissingIntervalRanges = {
  /** the first `limit` merged ranges, in time order, each with its interval count */
  ranges: (MissingRange & { intervals: number })[];
  /** merged ranges in total (≥ ranges.length) */
  rangeCount: number;
  /** missing intervals in total (all ranges, not only the first few) */
  missing: number;
};

/**
 * @example missingIntervalRanges({ missing: [0, 900_000, 2_700_000] })
 *   // ranges [{ startMs: 0, endMs: 1_800_000, intervals: 2 }, { startMs: 2_700_000, endMs: 3_600_000, intervals: 1 }]
 */
export function missingIntervalRanges(params: MissingIntervalRangesParams): MissingIntervalRanges {
  const intervalMs = (params.intervalMinutes ?? 15) * 60_000;
  const limit = params.limit ?? Number.POSITIVE_INFINITY;
  const input = params.missing
    .map((m) => (typeof m === "number" ? { startMs: m, endMs: m + intervalMs } : m))
    .filter((r) => r.endMs > r.startMs);
  input.sort((a, b) => a.startMs - b.startMs);
  const merged: MissingRange[] = [];
  for (const r of input) {
    const last = merged[merged.length - 1];
    // touching ranges ([a, b) and [b, c)) are one gap
    if (last !== undefined && r.startMs <= last.endMs) last.endMs = Math.max(last.endMs, r.endMs);
    else merged.push({ ...r });
  }
  let missing = 0;
  for (const r of merged) missing += (r.endMs - r.startMs) / intervalMs;
  return {
    ranges: merged.slice(0, limit).map((r) => ({ ...r, intervals: (r.endMs - r.startMs) / intervalMs })),
    rangeCount: merged.length,
    missing,
  };
}
