import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, daysBetween } from "../local-time.ts";
import { BillingDecimal } from "../money.ts";
import { parseTariff } from "../tariff.ts";
import { type FixedChargePer, type ProRate, chargeUnits, fixedChargeLines } from "./fixed-charges.ts";

const CTX = { period: { start: "2025-04-16", end: "2025-05-01" }, timeZone: "Europe/Berlin" };

describe("fixed charges", () => {
  it.each([
    // per, rule, period, units
    ["day", "days-in-month", "2025-04-16", "2025-05-01", "15"],
    ["month", "days-in-month", "2025-04-16", "2025-05-01", "0.5"], // 15 / 30
    ["month", "days-in-period", "2025-04-16", "2025-05-01", "1"], // the period pays one month
    ["month", "none", "2025-04-16", "2025-05-01", "0"], // no 1st of a month inside
    ["month", "none", "2025-04-16", "2025-05-16", "1"], // 05-01 inside
    ["year", "days-in-year", "2025-01-01", "2026-01-01", "1"],
    ["year", "days-in-year", "2028-02-01", "2028-03-01", "29/366"], // 29 / 366
    ["year", "days-in-month", "2025-06-01", "2025-07-01", "1/12"], // 1 / 12
    ["year", "none", "2025-12-01", "2026-02-01", "1"], // 2026-01-01 inside
  ] as const)("%s %s over %s..%s counts %s", (per, rule, start, end, units) => {
    const p = { start, end };
    const [num, den = "1"] = units.split("/");
    const exact = new BillingDecimal(num!).div(den);
    expect(chargeUnits(per, rule, p, p).toDecimalPlaces(40).equals(exact.toDecimalPlaces(40))).toBe(true);
  });

  it("keeps the line of a charge without the new fields unchanged, adds pieces and rule otherwise", () => {
    const [plain] = fixedChargeLines(CTX, [{ code: "a", description: "A", per: "month", price: "10" }]);
    expect(plain?.breakdown).toBeUndefined();
    expect(plain?.precise.toFixed()).toBe("5");
    const [meters] = fixedChargeLines(CTX, [
      { code: "m", description: "Meters", per: "month", price: "3.5", pieces: 2, proRate: "days-in-period" },
    ]);
    expect(meters?.quantity.toFixed()).toBe("2");
    expect(meters?.precise.toFixed()).toBe("7");
    expect(meters?.breakdown).toEqual({ pieces: 2, units: "1", proRate: "days-in-period" });
  });

  it("validates per, pieces and the rule per charge with field paths", () => {
    const r = parseTariff({
      name: "x",
      currency: "EUR",
      single: { price: "0.3" },
      fixedCharges: [
        { code: "a", description: "A", per: "week", price: "1" },
        { code: "b", description: "B", per: "month", price: "1", pieces: 0 },
        { code: "c", description: "C", per: "day", price: "1", proRate: "none" },
        { code: "d", description: "D", per: "year", price: "1", proRate: "days-in-period" },
        { code: "e", description: "E", per: "year", price: "1", pieces: 3, proRate: "none" },
      ],
    });
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual([
      "fixedCharges[0].per",
      "fixedCharges[1].pieces",
      "fixedCharges[2].proRate",
      "fixedCharges[3].proRate",
    ]);
  });

  it("property: consecutive parts of a period sum to the whole period's units (unrounded)", () => {
    const rules: [FixedChargePer, ProRate][] = [
      ["day", "days-in-month"],
      ["month", "days-in-month"],
      ["month", "days-in-period"],
      ["month", "none"],
      ["year", "days-in-year"],
      ["year", "days-in-month"],
      ["year", "none"],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...rules),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 800 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 799 }), { maxLength: 6 }),
        ([per, rule], offset, length, cuts) => {
          const whole = { start: addDays("2024-01-01", offset), end: addDays("2024-01-01", offset + length) };
          const points = [0, ...cuts.filter((c) => c < length).sort((a, b) => a - b), length];
          let sum = new BillingDecimal(0);
          for (let i = 1; i < points.length; i++) {
            const part = {
              start: addDays(whole.start, points[i - 1]!),
              end: addDays(whole.start, points[i]!),
            };
            expect(daysBetween(part.start, part.end)).toBeGreaterThan(0);
            sum = sum.plus(chargeUnits(per, rule, part, whole));
          }
          // Exact up to the 50-digit division (1/31 is not a finite decimal): 40 places.
          expect(
            sum.toDecimalPlaces(40).equals(chargeUnits(per, rule, whole, whole).toDecimalPlaces(40)),
          ).toBe(true);
        },
      ),
    );
  });
});
