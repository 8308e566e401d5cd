import { describe, expect, it } from "vitest";
import { BillingDecimal, formatDecimal, minorUnitDigits, roundToMinor } from "./money.ts";

describe("money", () => {
  it.each([
    ["EUR", 2],
    ["CHF", 2],
    ["HUF", 2],
    ["CZK", 2],
    ["CNY", 2],
    ["USD", 2],
  ] as const)("%s has %i minor digits (ISO 4217)", (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
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

  it("formats without exponent or negative zero", () => {
    expect(formatDecimal(new BillingDecimal("1e-9"))).toBe("0.000000001");
    expect(formatDecimal(new BillingDecimal("-0"))).toBe("0");
    expect(formatDecimal(new BillingDecimal("1.50"))).toBe("1.5");
  });
});
