import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { billLines } from "../bill-lines.ts";
import { computeInvoice } from "../compute-invoice.ts";
import { TERMS } from "../fixtures.test-util.ts";
import { BillingDecimal } from "../money.ts";
import { mustParseTariff, parseTariff } from "../tariff.ts";
import { convertGasConsumption } from "./commodity.ts";

const JAN = { start: "2025-01-01", end: "2025-02-01" };
const errorsOf = (json: unknown): string[] => {
  const r = parseTariff(json);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};

describe("commodity validation", () => {
  it("refuses what a commodity cannot be billed with, naming the field", () => {
    expect(errorsOf({ name: "w", currency: "EUR", commodity: "steam", single: { price: "1" } })).toEqual([
      'commodity: must be one of electricity, gas, water, heating_oil (got "steam")',
    ]);
    expect(
      errorsOf({
        name: "w",
        currency: "EUR",
        commodity: "water",
        tou: {
          bands: [{ code: "a", name: "a", price: "1" }],
          seasons: [
            {
              name: "y",
              from: "01-01",
              to: "12-31",
              dayTypes: { all: [{ from: "00:00", to: "24:00", band: "a" }] },
            },
          ],
        },
      }),
    ).toContain("tou: water is priced per m³ with single or tiered prices, not tou");
    expect(
      errorsOf({
        name: "w",
        currency: "EUR",
        commodity: "heating_oil",
        single: { price: "1.1" },
        demand: { price: "5", resolutionMinutes: 15 },
      }),
    ).toContain("demand: heating_oil has no demand charge (kW and export are electricity's)");
    const withConversion = (commodity: string | undefined, gasConversion: unknown) =>
      errorsOf({ name: "g", currency: "EUR", commodity, single: { price: "0.1" }, gasConversion });
    expect(withConversion(undefined, { calorificValue: "11", zFactor: "1" })).toEqual([
      "gasConversion: only a gas tariff converts m³ to kWh (commodity is electricity)",
    ]);
    expect(withConversion("gas", { calorificValue: "0", zFactor: "0.95" })).toEqual([
      "gasConversion.calorificValue: must be greater than 0",
    ]);
    expect(withConversion("gas", { calorificValue: "11" })).toEqual(["gasConversion.zFactor: is required"]);
  });
});

describe("gas metered in m³", () => {
  const conversion = {
    calorificValue: [
      { from: "2024-12-01", price: "11.2" },
      { from: "2025-01-11", price: "11.5" },
    ],
    zFactor: "0.95",
  };

  it("splits a reading's volume by days of each calorific value and converts each part", () => {
    const r = convertGasConsumption(
      {
        kind: "readings",
        from: { at: "2025-01-01T00:00:00+01:00", kwh: "1000" },
        to: { at: "2025-02-01T00:00:00+01:00", kwh: "1310" },
      },
      conversion,
      JAN,
      "Europe/Berlin",
    );
    // 310 m³ over 31 days: 10 days at Hs 11.2 (100 m³), 21 days at 11.5 (210 m³)
    expect(r.breakdown.segments.map((s) => [s.start, s.days, s.volumeM3, s.energyKwh])).toEqual([
      ["2025-01-01", 10, "100", "1064"], // 100 × 0.95 × 11.2
      ["2025-01-11", 21, "210", "2294.25"], // 210 × 0.95 × 11.5
    ]);
    expect(r.breakdown.energyKwh).toBe("3358.25");
    expect(r.consumption).toMatchObject({ kind: "readings", to: { kwh: "3358.25" } });
  });

  it("converts each interval at the factor of its local date (Berlin midnight, not UTC)", () => {
    const r = convertGasConsumption(
      {
        kind: "intervals",
        intervalMinutes: 60,
        intervals: [
          { start: "2025-01-10T22:00:00Z", importKwh: "2" }, // 23:00 on 01-10 in Berlin: Hs 11.2
          { start: "2025-01-10T23:00:00Z", importKwh: "2" }, // 00:00 on 01-11 in Berlin: Hs 11.5
        ],
      },
      conversion,
      JAN,
      "Europe/Berlin",
    );
    expect(r.consumption.kind === "intervals" && r.consumption.intervals.map((i) => i.importKwh)).toEqual([
      "21.28",
      "21.85",
    ]);
  });

  it("refuses exported gas and SLP consumption", () => {
    expect(() =>
      convertGasConsumption(
        { kind: "intervals", intervals: [{ start: "2025-01-05T00:00:00Z", importKwh: "1", exportKwh: "1" }] },
        conversion,
        JAN,
        "Europe/Berlin",
      ),
    ).toThrow(/gas is not exported/);
    expect(() =>
      convertGasConsumption({ kind: "slp", annualKwh: "12000" }, conversion, JAN, "Europe/Berlin"),
    ).toThrow(/SLP gas tariff/);
  });

  it("property: the parts' volumes sum to the metered volume and the energy to Σ part × z × Hs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 9_000, max: 12_000 }),
        (volumeDm3, changeDay, hs) => {
          const conv = {
            calorificValue: [
              { from: "2025-01-01", price: "11" },
              { from: `2025-01-${String(changeDay).padStart(2, "0")}`, price: (hs / 1000).toString() },
            ],
            zFactor: "0.9631",
          };
          const volume = new BillingDecimal(volumeDm3).div(1000);
          const r = convertGasConsumption(
            {
              kind: "readings",
              from: { at: "2025-01-01T00:00:00Z", kwh: "0" },
              to: { at: "2025-02-01T00:00:00Z", kwh: volume.toFixed() },
            },
            conv,
            JAN,
            "Europe/Berlin",
          );
          const parts = r.breakdown.segments;
          const volumes = parts.reduce((s, p) => s.plus(p.volumeM3), new BillingDecimal(0));
          const energy = parts.reduce(
            (s, p) => s.plus(new BillingDecimal(p.volumeM3).times(p.zFactor).times(p.calorificValue)),
            new BillingDecimal(0),
          );
          expect(volumes.equals(volume)).toBe(true);
          expect(energy.equals(r.breakdown.energyKwh)).toBe(true);
          expect(parts.every((p) => !new BillingDecimal(p.volumeM3).isNegative())).toBe(true);
        },
      ),
    );
  });

  it("bills the converted kWh and shows the conversion on the energy line", () => {
    const tariff = mustParseTariff({
      name: "Gas",
      currency: "EUR",
      commodity: "gas",
      single: { price: "0.1" },
      gasConversion: { calorificValue: "11.2", zFactor: "0.95" },
    });
    const { lines } = billLines({
      tariff,
      terms: TERMS,
      period: JAN,
      timeZone: "Europe/Berlin",
      consumption: {
        kind: "readings",
        from: { at: "2025-01-01T00:00:00Z", kwh: "0" },
        to: { at: "2025-02-01T00:00:00Z", kwh: "100" },
      },
    });
    const energy = lines.find((l) => l.group === "energy");
    expect(energy?.unit).toBe("kWh");
    expect(energy?.quantity.toFixed()).toBe("1064");
    expect(energy?.precise.toFixed()).toBe("106.4");
    expect(energy?.breakdown).toMatchObject({ gas: { volumeM3: "100", energyKwh: "1064" } });
  });
});

describe("water and heating oil", () => {
  it("labels tiered water lines in m³, descriptions included", () => {
    const tariff = mustParseTariff({
      name: "Water",
      currency: "CHF",
      commodity: "water",
      tiered: {
        tiers: [
          { upToKwh: "10", price: "1.80" },
          { upToKwh: null, price: "2.40" },
        ],
      },
      fixedCharges: [{ code: "meter", description: "Water meter", per: "month", price: "4" }],
    });
    const inv = computeInvoice({
      tariff,
      terms: { vatRate: "8.1", priceIncludesLevy: true, paymentTermsDays: 30 },
      period: JAN,
      timeZone: "Europe/Zurich",
      consumption: {
        kind: "readings",
        from: { at: "2025-01-01T00:00:00Z", kwh: "120.5" },
        to: { at: "2025-02-01T00:00:00Z", kwh: "134" },
      },
    });
    const perUnit = inv.lines.filter((l) => l.group === "energy");
    expect(perUnit.map((l) => [l.quantity, l.unit, l.description])).toEqual([
      ["10", "m³", "Water tier 1 (0–10 m³)"],
      ["3.5", "m³", "Water tier 2 (above 10 m³)"],
    ]);
    expect(inv.lines.some((l) => l.unit === "kWh")).toBe(false);
    expect(inv.netMinor).toBe(1800n + 840n + 400n); // 10 × 1.80 + 3.5 × 2.40 + 4
  });
});
