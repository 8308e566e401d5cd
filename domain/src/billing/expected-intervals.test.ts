import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectedIntervals } from "./expected-intervals.ts";
import { addDays, hoursInLocalDay, periodInstants } from "./local-time.ts";

const QUARTER = 900_000;

describe("expectedIntervals", () => {
  it.each([
    // October 2026 in Berlin: 30 days × 96 + 25 October (25 h) × 100 = 2980
    ["2026-10-01", "2026-11-01", "Europe/Berlin", 2980],
    // March 2026: 30 × 96 + 29 March (23 h) × 92 = 2972
    ["2026-03-01", "2026-04-01", "Europe/Berlin", 2972],
    ["2026-10-25", "2026-10-26", "Europe/Berlin", 100],
    ["2026-03-29", "2026-03-30", "Europe/Berlin", 92],
    // supplied from the 15th: 17 days, one of them 25 h → 16 × 96 + 100
    ["2026-10-15", "2026-11-01", "Europe/Berlin", 1636],
    ["2026-10-01", "2026-11-01", "UTC", 2976],
    ["2026-10-01", "2026-10-01", "Europe/Berlin", 0],
  ])("%s..%s in %s → %i quarter hours", (start, end, timeZone, total) => {
    expect(expectedIntervals({ period: { start, end }, timeZone }).total).toBe(total);
  });

  it("counts hourly intervals (25 on the fall-back day)", () => {
    const r = expectedIntervals({
      period: { start: "2026-10-24", end: "2026-10-27" },
      timeZone: "Europe/Berlin",
      intervalMinutes: 60,
    });
    expect(r.days.map((d) => d.intervals)).toEqual([24, 25, 24]);
  });

  it("refuses a period that ends before it starts", () => {
    expect(() =>
      expectedIntervals({ period: { start: "2026-10-02", end: "2026-10-01" }, timeZone: "UTC" }),
    ).toThrow(RangeError);
  });

  const zones = fc.constantFrom("Europe/Berlin", "America/New_York", "Europe/London", "UTC", "Asia/Kolkata");
  const periods = fc
    .record({ day: fc.integer({ min: 0, max: 3 * 365 }), length: fc.integer({ min: 0, max: 62 }) })
    .map(({ day, length }) => {
      const start = addDays("2025-01-01", day);
      return { start, end: addDays(start, length) };
    });

  it("property: total = Σ over local days of 96 ± 4, = the period's length in quarter hours", () => {
    fc.assert(
      fc.property(periods, zones, (period, timeZone) => {
        const r = expectedIntervals({ period, timeZone });
        let sum = 0;
        for (const d of r.days) {
          expect([92, 96, 100]).toContain(d.intervals);
          expect(d.intervals).toBe(hoursInLocalDay(d.date, timeZone) * 4);
          sum += d.intervals;
        }
        expect(r.total).toBe(sum);
        const { startMs, endMs } = periodInstants(period, timeZone);
        expect(r.total).toBe((endMs - startMs) / QUARTER);
      }),
      { numRuns: 200 },
    );
  });

  it("property: splitting a period at any day adds up", () => {
    fc.assert(
      fc.property(periods, zones, fc.nat(), (period, timeZone, cut) => {
        const days = expectedIntervals({ period, timeZone }).days.length;
        const mid = addDays(period.start, days === 0 ? 0 : cut % (days + 1));
        const whole = expectedIntervals({ period, timeZone }).total;
        const a = expectedIntervals({ period: { start: period.start, end: mid }, timeZone }).total;
        const b = expectedIntervals({ period: { start: mid, end: period.end }, timeZone }).total;
        expect(a + b).toBe(whole);
      }),
      { numRuns: 100 },
    );
  });
});
