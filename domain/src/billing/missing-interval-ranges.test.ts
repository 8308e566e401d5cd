import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { missingIntervalRanges } from "./missing-interval-ranges.ts";

const Q = 900_000;
const T0 = Date.UTC(2026, 9, 25, 0, 0); // 25 October 2026, 00:00 UTC (02:00 CEST)

describe("missingIntervalRanges", () => {
  it("merges consecutive instants into ranges and counts them", () => {
    const r = missingIntervalRanges({
      missing: [T0 + 5 * Q, T0, T0 + Q, T0 + 2 * Q, T0 + 9 * Q, T0 + 10 * Q],
    });
    expect(r).toEqual({
      ranges: [
        { startMs: T0, endMs: T0 + 3 * Q, intervals: 3 },
        { startMs: T0 + 5 * Q, endMs: T0 + 6 * Q, intervals: 1 },
        { startMs: T0 + 9 * Q, endMs: T0 + 11 * Q, intervals: 2 },
      ],
      rangeCount: 3,
      missing: 6,
    });
  });

  it("merges touching and overlapping ranges, keeps the first few but counts all", () => {
    const r = missingIntervalRanges({
      missing: [
        { startMs: T0 + 4 * Q, endMs: T0 + 8 * Q },
        { startMs: T0, endMs: T0 + 4 * Q },
        { startMs: T0 + 6 * Q, endMs: T0 + 7 * Q },
        T0 + 20 * Q,
        T0 + 30 * Q,
      ],
      limit: 2,
    });
    expect(r.ranges).toEqual([
      { startMs: T0, endMs: T0 + 8 * Q, intervals: 8 },
      { startMs: T0 + 20 * Q, endMs: T0 + 21 * Q, intervals: 1 },
    ]);
    expect(r.rangeCount).toBe(3);
    expect(r.missing).toBe(10);
  });

  it("hourly intervals", () => {
    const H = 3_600_000;
    expect(missingIntervalRanges({ missing: [T0, T0 + H], intervalMinutes: 60 }).ranges).toEqual([
      { startMs: T0, endMs: T0 + 2 * H, intervals: 2 },
    ]);
  });

  it("nothing missing → no ranges", () => {
    expect(missingIntervalRanges({ missing: [] })).toEqual({ ranges: [], rangeCount: 0, missing: 0 });
  });

  const instants = fc.uniqueArray(fc.nat({ max: 3000 }), { maxLength: 300 });

  it("property: the ranges cover exactly the missing instants, sorted, disjoint and not touching", () => {
    fc.assert(
      fc.property(instants, (picks) => {
        const missing = picks.map((q) => T0 + q * Q);
        const r = missingIntervalRanges({ missing });
        const covered: number[] = [];
        for (const range of r.ranges) for (let t = range.startMs; t < range.endMs; t += Q) covered.push(t);
        expect(covered).toEqual([...missing].sort((a, b) => a - b));
        for (let i = 1; i < r.ranges.length; i++)
          expect(r.ranges[i]!.startMs).toBeGreaterThan(r.ranges[i - 1]!.endMs);
        expect(r.missing).toBe(missing.length);
        expect(r.ranges.reduce((a, x) => a + x.intervals, 0)).toBe(missing.length);
        expect(r.rangeCount).toBe(r.ranges.length);
      }),
      { numRuns: 300 },
    );
  });

  it("property: instants given as ranges (split anyhow, overlapping) give the same result", () => {
    fc.assert(
      fc.property(instants, fc.nat({ max: 20 }), (picks, limit) => {
        const missing = picks.map((q) => T0 + q * Q);
        // the same instants, each as a one-interval range, plus a duplicate of every other one
        const asRanges = [
          ...missing.map((t) => ({ startMs: t, endMs: t + Q })),
          ...missing.filter((_, i) => i % 2 === 0),
        ];
        const a = missingIntervalRanges({ missing, limit });
        const b = missingIntervalRanges({ missing: asRanges, limit });
        expect(b).toEqual(a);
        expect(a.ranges.length).toBe(Math.min(limit, a.rangeCount));
      }),
      { numRuns: 200 },
    );
  });
});
