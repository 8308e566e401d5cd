import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KWH_PATTERN, kwhToWh, whToKwh } from "./energy-kwh.ts";

describe("kwhToWh / whToKwh", () => {
  it.each([
    ["12345.678", 12_345_678n],
    ["0,5", 500n], // decimal comma: 0.5 kWh = 500 Wh
    ["7", 7_000n],
    ["0.001", 1n],
    ["00012.30", 12_300n],
    ["99999999999.999", 99_999_999_999_999n], // beyond float precision (2^53 ≈ 9.0e15 is fine, but 0.999 is not), exact
  ])("%s kWh = %s Wh", (kwh, wh) => {
    expect(KWH_PATTERN.test(kwh)).toBe(true);
    expect(kwhToWh(kwh)).toBe(wh);
  });

  it.each([
    [12_345_600n, "12345.6"],
    [7_000n, "7"],
    [1n, "0.001"],
    [0n, "0"],
    [-1_500n, "-1.5"],
  ])("%s Wh = %s kWh", (wh, kwh) => expect(whToKwh(wh)).toBe(kwh));

  it.each(["", "1.2345", "1,2,3", "-1", "1e3", " 1", "123456789012"])("refuses %j as a kWh input", (kwh) =>
    expect(KWH_PATTERN.test(kwh)).toBe(false),
  );

  it("round-trips every Wh value exactly, through a string a person could type", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 99_999_999_999_999n }), (wh) => {
        const kwh = whToKwh(wh);
        expect(KWH_PATTERN.test(kwh)).toBe(true);
        expect(kwhToWh(kwh)).toBe(wh);
      }),
    );
  });

  it("reads any typed value as its canonical form (comma or point, padded or not)", () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.constantFrom(..."0123456789"), { minLength: min, maxLength: max }).map((d) => d.join(""));
    fc.assert(
      fc.property(digits(1, 11), fc.option(digits(1, 3)), fc.constantFrom(".", ","), (whole, frac, sep) => {
        const typed = frac === null ? whole : `${whole}${sep}${frac}`;
        const wh = kwhToWh(typed);
        expect(wh).toBe(BigInt(whole) * 1000n + BigInt((frac ?? "").padEnd(3, "0")));
        expect(kwhToWh(whToKwh(wh))).toBe(wh);
      }),
    );
  });
});
