import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../billing/local-time.ts";
import { type CheckReportedReadingParams, checkReportedReading } from "./check-reported-reading.ts";

// previous reading 1000 kWh on 1 Nov; 3500 kWh a year → limit max(3500·4/365 = 38.4, 40) = 40 kWh a day
const base: CheckReportedReadingParams = {
  date: "2026-11-21",
  wh: 1_200_000n,
  today: "2026-11-22",
  supplyStart: "2026-03-01",
  supplyEnd: null,
  previous: { date: "2026-11-01", wh: 1_000_000n },
  next: null,
  annualReferenceKwh: "3500",
};

describe("checkReportedReading", () => {
  it.each<[string, Partial<CheckReportedReadingParams>, ReturnType<typeof checkReportedReading>]>([
    ["a normal reading", {}, { ok: true }],
    ["today", { date: "2026-11-22" }, { ok: true }],
    ["tomorrow", { date: "2026-11-23" }, { ok: false, reason: "future" }],
    ["before supply started", { date: "2026-02-28", previous: null }, { ok: false, reason: "before_supply" }],
    ["on the first day of supply", { date: "2026-03-01", previous: null }, { ok: true }],
    ["on the (exclusive) end of supply", { supplyEnd: "2026-11-21" }, { ok: false, reason: "after_supply" }],
    ["the day before the end of supply", { supplyEnd: "2026-11-22" }, { ok: true }],
    [
      "below the previous reading",
      { wh: 999_999n },
      { ok: false, reason: "below_previous", other: { date: "2026-11-01", wh: 1_000_000n } },
    ],
    ["equal to the previous reading", { wh: 1_000_000n }, { ok: true }],
    [
      "above the next reading",
      { next: { date: "2026-11-22", wh: 1_100_000n } },
      { ok: false, reason: "above_next", other: { date: "2026-11-22", wh: 1_100_000n } },
    ],
    // 20 days · 40 kWh = 800 kWh allowed: 1000 + 800 = 1800 kWh is the most
    ["exactly at the plausibility limit", { wh: 1_800_000n }, { ok: true }],
    [
      "one Wh above the plausibility limit",
      { wh: 1_800_001n },
      { ok: false, reason: "implausible", other: { date: "2026-11-01", wh: 1_000_000n } },
    ],
    // same day as the previous reading: one day's allowance (40 kWh)
    ["same day, within a day's allowance", { date: "2026-11-01", wh: 1_040_000n }, { ok: true }],
    ["same day, beyond it", { date: "2026-11-01", wh: 1_040_001n }, { ok: false, reason: "implausible" }],
    ["no previous reading: any value", { previous: null, wh: 99_999_999_999n }, { ok: true }],
  ])("%s", (_name, change, expected) => {
    const result = checkReportedReading({ ...base, ...change });
    if (expected.ok || expected.other) expect(result).toEqual(expected);
    else expect(result).toMatchObject(expected);
  });

  it("the calendar is checked before the neighbours (a future reading below the previous is 'future')", () => {
    expect(checkReportedReading({ ...base, date: "2026-12-01", wh: 0n })).toMatchObject({ reason: "future" });
  });

  // the neighbours: 100 days apart, annual reference high enough that plausibility never binds
  const neighbours = fc
    .record({ prev: fc.bigInt({ min: 0n, max: 10n ** 12n }), gap: fc.bigInt({ min: 0n, max: 10n ** 9n }) })
    .map(({ prev, gap }) => ({ prev, next: prev + gap }));

  it("a reading between its neighbours is accepted exactly when the register stays monotone", () => {
    fc.assert(
      fc.property(neighbours, fc.bigInt({ min: 0n, max: 10n ** 12n + 2n * 10n ** 9n }), (n, wh) => {
        const result = checkReportedReading({
          ...base,
          date: "2026-10-01",
          wh,
          previous: { date: "2026-06-23", wh: n.prev },
          next: { date: "2026-11-20", wh: n.next },
          annualReferenceKwh: "100000000",
        });
        expect(result.ok).toBe(n.prev <= wh && wh <= n.next);
      }),
    );
  });

  it("a reading accepted after d days is still accepted after more days (the limit only grows)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.bigInt({ min: 0n, max: 50_000_000n }),
        fc.integer({ min: 0, max: 20_000 }),
        (d1, extra, delta, annual) => {
          const previous = { date: "2025-01-01", wh: 5_000_000n };
          const at = (days: number) =>
            checkReportedReading({
              ...base,
              today: "2027-01-01",
              supplyStart: "2024-01-01",
              previous,
              date: addDays(previous.date, days),
              wh: previous.wh + delta,
              annualReferenceKwh: String(annual),
            });
          if (at(d1).ok) expect(at(d1 + extra).ok).toBe(true);
        },
      ),
    );
  });
});
