import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BillingDecimal,
  CURRENCY_CODES,
  formatDecimal,
  isCurrencyCode,
  minorToMajor,
  minorUnitDigits,
  roundToMinor,
} from "./money.ts";

describe("money", () => {
  it.each([
    ["EUR", 2],
    ["CHF", 2],
    ["HUF", 2],
    ["CZK", 2],
    ["CNY", 2],
    ["USD", 2],
    ["AUD", 2],
    ["DKK", 2],
    ["JPY", 0],
    ["KRW", 0],
    ["KWD", 3],
    ["BHD", 3],
    ["CLF", 4],
  ] as const)("%s has %i minor digits (ISO 4217)", (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });

  it("knows the active ISO 4217 codes and refuses others", () => {
    expect(CURRENCY_CODES.length).toBeGreaterThan(150);
    for (const code of ["AUD", "DKK", "JPY", "KWD", "GBP", "XCG", "ZWG"])
      expect(isCurrencyCode(code)).toBe(true);
    for (const code of ["XYZ", "XAU", "HRK", "ANG", "eur", "toString", "", 978]) {
      expect(isCurrencyCode(code)).toBe(false);
    }
  });

  it.each([
    ["12.345", 1235n], // half away from zero
    ["-12.345", -1235n],
    ["0.004999", 0n],
    ["0.005", 1n],
    ["-0.005", -1n],
    ["7800.325", 780033n],
  ])("rounds %s once to %s minor units", (amount, minor) => {
    expect(roundToMinor(new BillingDecimal(amount), "EUR")).toBe(minor);
  });

  it.each([
    ["JPY", "1234.5", 1235n],
    ["JPY", "-1234.5", -1235n],
    ["KWD", "12.3455", 12346n],
    ["KWD", "-0.0005", -1n],
  ] as const)("%s rounds %s to %s minor units", (currency, amount, minor) => {
    expect(roundToMinor(new BillingDecimal(amount), currency)).toBe(minor);
  });

  it("property: any currency rounds within half its minor unit, to its digits", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CURRENCY_CODES),
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.integer({ min: 0, max: 8 }),
        (currency, units, scale) => {
          const amount = new BillingDecimal(units.toString()).div(new BillingDecimal(10).pow(scale));
          const major = minorToMajor(roundToMinor(amount, currency), currency);
          const half = new BillingDecimal(10).pow(-minorUnitDigits(currency)).div(2);
          expect(major.minus(amount).abs().lessThanOrEqualTo(half)).toBe(true);
          expect(major.decimalPlaces()).toBeLessThanOrEqual(minorUnitDigits(currency));
        },
      ),
    );
  });

  it("formats without exponent or negative zero", () => {
    expect(formatDecimal(new BillingDecimal("1e-9"))).toBe("0.000000001");
    expect(formatDecimal(new BillingDecimal("-0"))).toBe("0");
    expect(formatDecimal(new BillingDecimal("1.50"))).toBe("1.5");
  });
});
