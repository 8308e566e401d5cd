import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BillingDecimal } from "../billing/money.ts";
import { gasVolumeToEnergy, parseGasFactorsCsv } from "./gas-volume-to-energy.ts";

const FACTORS = parseGasFactorsCsv(
  [
    "area;from;to;calorific_value_kwh_per_m3;z_factor",
    "NCG-1;2025-01-01T00:00:00+01:00;2025-02-01T00:00:00+01:00;11.412;0.9626",
    "NCG-1;2025-02-01T00:00:00+01:00;2025-03-01T00:00:00+01:00;11.298;0.9630",
    "NCG-2;2025-01-01T00:00:00+01:00;2025-03-01T00:00:00+01:00;10.000;1",
  ].join("\n"),
);

describe("gasVolumeToEnergy", () => {
  it.each([
    // 100 m³ × 0.9626 × 11.412 = 1098.51912 kWh → 1098519 Wh
    ["NCG-1", "2025-01-01T00:00:00+01:00", "2025-02-01T00:00:00+01:00", "100", 1098519n],
    // the other area's factors: 100 × 1 × 10 = 1000 kWh
    ["NCG-2", "2025-01-01T00:00:00+01:00", "2025-02-01T00:00:00+01:00", "100", 1000000n],
    // 10 days in January, 10 in February, 200 m³ split 100/100 by time:
    // 100 × 0.9626 × 11.412 + 100 × 0.9630 × 11.298 = 1098.51912 + 1087.9974 = 2186.51652 kWh → 2186517 Wh
    ["NCG-1", "2025-01-22T00:00:00+01:00", "2025-02-11T00:00:00+01:00", "200", 2186517n],
    // 0.001 m³ × 0.9626 × 11.412 = 0.01098519 kWh = 10.98519 Wh → 11 Wh
    ["NCG-1", "2025-01-05T00:00:00+01:00", "2025-01-05T01:00:00+01:00", "0.001", 11n],
  ])("%s [%s, %s) %s m³ = %i Wh", (area, from, to, volumeM3, expected) => {
    expect(gasVolumeToEnergy({ area, volume: { from, to, volumeM3 }, factors: FACTORS }).energyWh).toBe(
      expected,
    );
  });

  it("shows the parts of a volume split across a change of factors", () => {
    const r = gasVolumeToEnergy({
      area: "NCG-1",
      volume: { from: "2025-01-22T00:00:00+01:00", to: "2025-02-11T00:00:00+01:00", volumeM3: "200" },
      factors: FACTORS,
    });
    expect(r.parts.map((p) => [p.volumeM3, p.zFactor, p.calorificValueKwhPerM3, p.kwh])).toEqual([
      ["100", "0.9626", "11.412", "1098.51912"],
      ["100", "0.963", "11.298", "1087.9974"],
    ]);
    expect(r.exactKwh).toBe("2186.51652");
  });

  it.each([
    [
      "a time without factors",
      {
        area: "NCG-1",
        volume: { from: "2025-02-20T00:00:00+01:00", to: "2025-03-02T00:00:00+01:00", volumeM3: "5" },
      },
      "gas factors of area NCG-1: no calorific value and z factor published for 2025-02-28T23:00:00.000Z",
    ],
    [
      "an unknown area",
      { area: "X", volume: { from: "2025-01-01T00:00:00Z", to: "2025-01-02T00:00:00Z", volumeM3: "5" } },
      "gas factors of area X: no calorific value and z factor published for 2025-01-01T00:00:00.000Z",
    ],
    [
      "a negative volume",
      { area: "NCG-1", volume: { from: "2025-01-01T00:00:00Z", to: "2025-01-02T00:00:00Z", volumeM3: "-5" } },
      'volume.volumeM3: expected a non-negative decimal, got "-5"',
    ],
  ])("refuses %s", (_name, params, message) => {
    expect(() => gasVolumeToEnergy({ ...params, factors: FACTORS })).toThrow(message);
  });

  it("refuses overlapping factor periods and bad factor rows, naming line and column", () => {
    const overlap = parseGasFactorsCsv(
      "area;from;to;calorific_value_kwh_per_m3;z_factor\nA;2025-01-01T00:00:00Z;2025-02-01T00:00:00Z;11;1\nA;2025-01-15T00:00:00Z;2025-03-01T00:00:00Z;11;1\n",
    );
    expect(() =>
      gasVolumeToEnergy({
        area: "A",
        volume: { from: "2025-01-01T00:00:00Z", to: "2025-01-02T00:00:00Z", volumeM3: "1" },
        factors: overlap,
      }),
    ).toThrow("gas factors of area A: two periods overlap at 2025-01-15T00:00:00.000Z");
    expect(() =>
      parseGasFactorsCsv(
        "area;from;to;calorific_value_kwh_per_m3;z_factor\nA;2025-01-01T00:00:00Z;2025-02-01T00:00:00Z;11,2;1\n",
        "f.csv",
      ),
    ).toThrow('f.csv:2 calorific_value_kwh_per_m3: not a decimal: "11,2"');
  });

  it("property: splitting a volume at a factor change equals converting the two halves (up to the one rounding)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 27 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (days, litres) => {
          // a volume over `days` days each side of 1 Feb, split in the same ratio as time
          const from = new Date(Date.parse("2025-01-31T23:00:00Z") - days * 86_400_000).toISOString();
          const to = new Date(Date.parse("2025-01-31T23:00:00Z") + days * 86_400_000).toISOString();
          const half = new BillingDecimal(litres).div(2000).toFixed();
          const whole = gasVolumeToEnergy({
            area: "NCG-1",
            volume: { from, to, volumeM3: new BillingDecimal(litres).div(1000).toFixed() },
            factors: FACTORS,
          });
          const a = gasVolumeToEnergy({
            area: "NCG-1",
            volume: { from, to: "2025-01-31T23:00:00Z", volumeM3: half },
            factors: FACTORS,
          });
          const b = gasVolumeToEnergy({
            area: "NCG-1",
            volume: { from: "2025-01-31T23:00:00Z", to, volumeM3: half },
            factors: FACTORS,
          });
          expect(new BillingDecimal(whole.exactKwh).eq(new BillingDecimal(a.exactKwh).plus(b.exactKwh))).toBe(
            true,
          );
          const diff = whole.energyWh - a.energyWh - b.energyWh;
          expect(diff >= -1n && diff <= 1n).toBe(true);
        },
      ),
    );
  });
});
