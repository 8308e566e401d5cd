// Demand per day: each local day's peak (fast-check: no daily peak exceeds the period's peak, and the
// largest daily peak is the period's peak), the line sum, and the validation of `per`.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { billLines } from "../bill-lines.ts";
import { aggregateIntervals } from "../consumption.ts";
import { BillingDecimal } from "../money.ts";
import { mustParseTariff, parseTariff } from "../tariff.ts";
import { TERMS } from "../fixtures.test-util.ts";

const TZ = "Europe/Berlin";
const period = { start: "2025-03-29", end: "2025-04-01" }; // across the spring DST day (71 hours)
const startMs = Date.parse("2025-03-28T23:00:00Z");
const tariff = mustParseTariff({
  name: "t",
  currency: "EUR",
  single: { price: "0.3" },
  demand: { resolutionMinutes: 60, per: "day", price: "0.5" },
});

describe("demand per day", () => {
  it("daily peaks never exceed the period's peak; the largest is the period's peak", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(9000), { minLength: 71, maxLength: 71 }), (wh) => {
        const intervals = wh.map((w, h) => ({
          start: new Date(startMs + h * 3_600_000).toISOString(),
          importKwh: new BillingDecimal(w).div(1000).toFixed(),
        }));
        const agg = aggregateIntervals({
          tariff,
          period,
          timeZone: TZ,
          consumption: { kind: "intervals", intervalMinutes: 60, intervals },
        });
        const daily = Object.values(agg.dailyPeakDemandKw ?? {}).map((x) => new BillingDecimal(x));
        expect(Object.keys(agg.dailyPeakDemandKw ?? {})).toEqual(["2025-03-29", "2025-03-30", "2025-03-31"]);
        const peak = new BillingDecimal(agg.peakDemandKw!);
        expect(daily.every((d) => d.lessThanOrEqualTo(peak))).toBe(true);
        expect(BillingDecimal.max(...daily).equals(peak)).toBe(true);
        const { lines } = billLines({ tariff, terms: TERMS, period, timeZone: TZ, consumption: agg });
        const demand = lines.filter((l) => l.code === "demand");
        const sum = daily.reduce((a, b) => a.plus(b), new BillingDecimal(0));
        expect(
          demand.reduce((a, l) => a.plus(l.precise), new BillingDecimal(0)).equals(sum.times("0.5")),
        ).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("refuses an unknown per and daily peaks outside the period", () => {
    const r = parseTariff({
      name: "t",
      currency: "EUR",
      single: { price: "0.3" },
      demand: { resolutionMinutes: 60, per: "week", price: "0.5" },
    });
    expect(r.ok ? [] : r.errors).toEqual([
      { path: "demand.per", message: 'must be one of month, day (got "week")' },
    ]);
    const consumption = {
      kind: "aggregated" as const,
      importKwhByBand: { all: "1" },
      importKwh: "1",
      exportKwh: "0",
      peakDemandKw: "1",
      dailyPeakDemandKw: { "2025-04-01": "1" },
    };
    expect(() => billLines({ tariff, terms: TERMS, period, timeZone: TZ, consumption })).toThrow(
      "dailyPeakDemandKw.2025-04-01 is outside the period",
    );
    const { dailyPeakDemandKw: _, ...without } = consumption;
    expect(() => billLines({ tariff, terms: TERMS, period, timeZone: TZ, consumption: without })).toThrow(
      "dailyPeakDemandKw is required",
    );
  });
});
