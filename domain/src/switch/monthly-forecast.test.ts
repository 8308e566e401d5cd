import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { householdLoadWh, parseBdewProfile } from "../readings/load-model.ts";
import { H25_MONTHLY_SHARE_BP, monthlyForecastKwh } from "./monthly-forecast.ts";

const toWh = (kwh: string) => BigInt(kwh.replace(".", ""));
const sumWh = (months: string[]) => months.reduce((a, m) => a + toWh(m), 0n);

describe("H25_MONTHLY_SHARE_BP", () => {
  it("is the monthly split of the H25 profile file (within rounding)", () => {
    const profile = parseBdewProfile(
      readFileSync(new URL("../../../stack/data/bdew-h25.csv", import.meta.url), "utf8"),
    );
    const months = new Array<number>(12).fill(0);
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2026, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      const localDate = {
        year: 2025,
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        weekday: d.getUTCDay(),
      };
      for (let quarter = 0; quarter < 96; quarter++)
        months[d.getUTCMonth()] =
          (months[d.getUTCMonth()] ?? 0) + householdLoadWh({ profile, localDate, quarter, annualKwh: 1000 });
    }
    const total = months.reduce((a, b) => a + b, 0);
    months.forEach((m, i) =>
      expect(Math.abs((m / total) * 10_000 - (H25_MONTHLY_SHARE_BP[i] ?? 0))).toBeLessThan(1.5),
    );
    expect(H25_MONTHLY_SHARE_BP.reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});

describe("monthlyForecastKwh", () => {
  it.each<[number, readonly number[], string[]]>([
    // 3 500 000 Wh · 1005 / 10 000 = 351 750 Wh exactly; every month divides evenly
    [
      3500,
      H25_MONTHLY_SHARE_BP,
      [
        "351.750",
        "308.700",
        "311.150",
        "284.550",
        "270.200",
        "250.950",
        "259.350",
        "258.650",
        "255.500",
        "291.200",
        "311.500",
        "346.500",
      ],
    ],
    // 1000 Wh: January 83.7 Wh, the others 83.3 Wh → 83 each, 4 Wh left over: January (largest
    // remainder), then February…April (equal remainders, earlier month first)
    [
      1,
      [837, 833, 833, 833, 833, 833, 833, 833, 833, 833, 833, 833],
      [
        "0.084",
        "0.084",
        "0.084",
        "0.084",
        "0.083",
        "0.083",
        "0.083",
        "0.083",
        "0.083",
        "0.083",
        "0.083",
        "0.083",
      ],
    ],
    [0, H25_MONTHLY_SHARE_BP, new Array<string>(12).fill("0.000")],
  ])("%s kWh", (annualKwh, monthlyShareBp, expected) => {
    const months = monthlyForecastKwh({ annualKwh, monthlyShareBp });
    expect(months).toEqual(expected);
    expect(sumWh(months)).toBe(BigInt(annualKwh) * 1000n);
  });

  it("refuses shares that do not add up to 10 000 bp, and fractional kWh", () => {
    expect(() => monthlyForecastKwh({ annualKwh: 10, monthlyShareBp: [1, 2] })).toThrow(RangeError);
    expect(() => monthlyForecastKwh({ annualKwh: 10, monthlyShareBp: new Array(12).fill(800) })).toThrow(
      /9600/,
    );
    expect(() => monthlyForecastKwh({ annualKwh: 1.5, monthlyShareBp: H25_MONTHLY_SHARE_BP })).toThrow(
      RangeError,
    );
  });

  it("always adds up to the annual figure exactly, each month within 1 Wh of its share", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (annualKwh) => {
        const months = monthlyForecastKwh({ annualKwh, monthlyShareBp: H25_MONTHLY_SHARE_BP });
        expect(sumWh(months)).toBe(BigInt(annualKwh) * 1000n);
        months.forEach((m, i) => {
          const exact = (annualKwh * 1000 * (H25_MONTHLY_SHARE_BP[i] ?? 0)) / 10_000;
          expect(Math.abs(Number(toWh(m)) - exact)).toBeLessThan(1);
        });
      }),
    );
  });
});
