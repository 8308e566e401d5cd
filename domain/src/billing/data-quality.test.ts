import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CheckIntervalDataParams, checkIntervalData } from "./data-quality.ts";
import { addDays, periodInstants } from "./local-time.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** Every interval start of the period in its zone, as ISO instants. */
function series(start: string, end: string, timeZone: string, intervalMinutes: 15 | 60 = 15): string[] {
  const { startMs, endMs } = periodInstants({ start, end }, timeZone);
  const out: string[] = [];
  for (let ms = startMs; ms < endMs; ms += intervalMinutes * 60_000) out.push(iso(ms));
  return out;
}

function check(p: Partial<CheckIntervalDataParams> & { starts: string[] }) {
  return checkIntervalData({
    period: p.period ?? { start: "2025-06-02", end: "2025-06-03" },
    timeZone: "timeZone" in p ? p.timeZone : "Europe/Berlin",
    intervalMinutes: p.intervalMinutes ?? 15,
    intervals: p.starts.map((start) => ({ start })),
  });
}

const codes = (r: ReturnType<typeof checkIntervalData>) => r.problems.map((p) => p.code);

describe("checkIntervalData", () => {
  it("a complete day has no problem: 96 quarter hours, 92 on the spring day, 100 on the autumn day", () => {
    for (const [start, end, n] of [
      ["2025-06-02", "2025-06-03", 96],
      ["2025-03-30", "2025-03-31", 92],
      ["2025-10-26", "2025-10-27", 100],
    ] as const) {
      const r = check({ period: { start, end }, starts: series(start, end, "Europe/Berlin") });
      expect(r).toEqual({ problems: [], expected: n, found: n });
    }
  });

  it("requires a valid time zone (never the host's)", () => {
    expect(codes(check({ timeZone: undefined, starts: [] }))).toEqual(["time_zone_missing"]);
    expect(codes(check({ timeZone: "Europe/Berlinn", starts: [] }))).toEqual(["time_zone_invalid"]);
  });

  it("refuses a period that is not YYYY-MM-DD with end after start", () => {
    expect(codes(check({ period: { start: "2025-06-03", end: "2025-06-03" }, starts: [] }))).toEqual([
      "period_invalid",
    ]);
  });

  it("a two-hour gap: 8 quarter hours missing, one range", () => {
    // 08:00–10:00 CEST = 06:00–08:00Z
    const starts = series("2025-06-02", "2025-06-03", "Europe/Berlin").filter(
      (s) => s < "2025-06-02T06:00" || s >= "2025-06-02T08:00",
    );
    const r = check({ starts });
    expect(r.problems).toEqual([
      {
        code: "missing_intervals",
        message: "8 of 96 intervals missing: 2025-06-02T06:00:00.000Z – 2025-06-02T08:00:00.000Z (8)",
        ranges: [{ start: "2025-06-02T06:00:00.000Z", end: "2025-06-02T08:00:00.000Z", intervals: 8 }],
      },
    ]);
  });

  it("the spring day fed 96 quarter hours: the last 4 fall on the next day", () => {
    const { startMs } = periodInstants({ start: "2025-03-30", end: "2025-03-31" }, "Europe/Berlin");
    const starts = Array.from({ length: 96 }, (_, i) => iso(startMs + i * 900_000));
    const r = check({ period: { start: "2025-03-30", end: "2025-03-31" }, starts });
    expect(codes(r)).toEqual(["outside_period"]);
    expect(r.problems[0]?.ranges).toEqual([
      { start: "2025-03-30T22:00:00.000Z", end: "2025-03-30T23:00:00.000Z", intervals: 4 },
    ]);
  });

  it("the autumn day fed 96 quarter hours: the repeated hour is missing", () => {
    const starts = series("2025-10-26", "2025-10-27", "Europe/Berlin").filter(
      (s) => s < "2025-10-26T01:00" || s >= "2025-10-26T02:00",
    );
    const r = check({ period: { start: "2025-10-26", end: "2025-10-27" }, starts });
    expect(codes(r)).toEqual(["missing_intervals"]);
    expect(r.problems[0]?.message).toMatch(/^4 of 100 intervals missing \(DST: 2025-10-26 has 100\)/);
  });

  it("all data outside the period", () => {
    const r = check({ starts: series("2025-05-02", "2025-05-03", "Europe/Berlin") });
    expect(codes(r)).toEqual(["outside_period", "missing_intervals"]);
    expect(r.problems[0]?.message).toMatch(/^all 96 interval\(s\) outside the period/);
    expect(r.found).toBe(0);
  });

  it("hourly data declared as 15 minutes: a spacing problem, not 72 missing quarters", () => {
    const r = check({ starts: series("2025-06-02", "2025-06-03", "Europe/Berlin", 60) });
    expect(codes(r)).toEqual(["spacing_mismatch"]);
    expect(r.problems[0]?.message).toBe("intervals are 60 minutes apart but declared as 15-minute intervals");
  });

  it("quarter hours declared as hourly, and starts off the grid", () => {
    expect(
      codes(check({ intervalMinutes: 60, starts: series("2025-06-02", "2025-06-03", "Europe/Berlin") })),
    ).toEqual(["spacing_mismatch"]);
    const starts = series("2025-06-02", "2025-06-03", "Europe/Berlin");
    starts[10] = "2025-06-02T00:37:00Z";
    expect(codes(check({ starts }))).toEqual(["spacing_mismatch"]);
  });

  it("duplicates, also written with another offset", () => {
    const starts = [...series("2025-06-02", "2025-06-03", "Europe/Berlin"), "2025-06-02T10:00:00+02:00"];
    const r = check({ starts });
    expect(r.problems).toEqual([
      {
        code: "duplicate_intervals",
        message: "1 duplicate interval(s): 2025-06-02T08:00:00.000Z – 2025-06-02T08:15:00.000Z (1)",
        ranges: [{ start: "2025-06-02T08:00:00.000Z", end: "2025-06-02T08:15:00.000Z", intervals: 1 }],
      },
    ]);
  });

  it("a start without offset is refused (it would be read in the host's zone)", () => {
    const starts = [...series("2025-06-02", "2025-06-03", "Europe/Berlin"), "2025-06-02T10:00:00"];
    expect(codes(check({ starts }))).toEqual(["instant_invalid"]);
  });

  const zones = fc.constantFrom("Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC");
  // a few days starting anywhere in 2025, DST days included
  const periods = fc
    .record({ day: fc.integer({ min: 0, max: 364 }), days: fc.integer({ min: 1, max: 3 }) })
    .map(({ day, days }) => {
      const start = addDays("2025-01-01", day);
      return { start, end: addDays(start, days) };
    });
  const resolutions = fc.constantFrom<15 | 60>(15, 60);

  it("property: a complete series has no problem and finds what the period expects", () => {
    fc.assert(
      fc.property(periods, zones, resolutions, (period, timeZone, intervalMinutes) => {
        const starts = series(period.start, period.end, timeZone, intervalMinutes);
        const r = check({ period, timeZone, intervalMinutes, starts });
        expect(r.problems).toEqual([]);
        expect(r.found).toBe(starts.length);
        expect(r.expected).toBe(starts.length);
      }),
    );
  });

  it("property: removing any interval reports exactly that missing range", () => {
    fc.assert(
      fc.property(periods, zones, resolutions, fc.nat(), (period, timeZone, intervalMinutes, pick) => {
        const starts = series(period.start, period.end, timeZone, intervalMinutes);
        const i = pick % starts.length;
        const removed = starts[i]!;
        const r = check({ period, timeZone, intervalMinutes, starts: starts.filter((_, j) => j !== i) });
        const end = iso(Date.parse(removed) + intervalMinutes * 60_000);
        expect(r.problems.map((p) => [p.code, p.ranges])).toEqual([
          ["missing_intervals", [{ start: removed, end, intervals: 1 }]],
        ]);
      }),
    );
  });

  it("property: doubling or quadrupling the resolution (hourly data declared as 15) is detected", () => {
    fc.assert(
      fc.property(periods, zones, fc.constantFrom(2, 4), (period, timeZone, factor) => {
        const all = series(period.start, period.end, timeZone, 15);
        const starts = all.filter((_, j) => j % factor === 0);
        const r = check({ period, timeZone, intervalMinutes: 15, starts });
        expect(codes(r)).toEqual(["spacing_mismatch"]);
      }),
    );
  });
});
