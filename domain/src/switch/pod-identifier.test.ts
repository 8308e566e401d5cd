import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maloCheckDigit, validatePodIdentifier } from "./pod-identifier.ts";

describe("maloCheckDigit", () => {
  it.each([
    // odd positions 5+2+8+9+7 = 31; even (1+3+6+6+8) × 2 = 48; 79 → next ten 80 → 1
    ["5123869678", 1],
    // odd 1+3+5+7+9 = 25; even (2+4+6+8+0) × 2 = 40; 65 → 70 → 5
    ["1234567890", 5],
    // odd 1+0+0+0+0 = 1; even 0; 1 → 10 → 9
    ["1000000000", 9],
    // odd 4+0+0+0+0 = 4; even (3) × 2 = 6; 10 → 10 - 0 → 0
    ["4300000000", 0],
  ])("%s → %i", (digits, check) => {
    expect(maloCheckDigit(digits)).toBe(check);
  });
});

describe("validatePodIdentifier", () => {
  const zp = "DE0001234512345678901234567890123";
  it.each([
    ["51238696781", { ok: true, kind: "malo", identifier: "51238696781" }],
    ["512 3869 6781", { ok: true, kind: "malo", identifier: "51238696781" }],
    [zp, { ok: true, kind: "zaehlpunkt", identifier: zp }],
    [zp.toLowerCase(), { ok: true, kind: "zaehlpunkt", identifier: zp }],
    [
      "DE 00012 34512 345ABCDEF 123456789012",
      { ok: true, kind: "zaehlpunkt", identifier: "DE0001234512345ABCDEF123456789012" },
    ],
    ["", { ok: false, reason: "empty" }],
    ["   ", { ok: false, reason: "empty" }],
    ["51238696782", { ok: false, reason: "malo_check_digit" }],
    ["01238696781", { ok: false, reason: "unknown_format" }], // a MaLo-ID never starts with 0
    [zp.slice(0, 32), { ok: false, reason: "zaehlpunkt_format" }],
    [`${zp}4`, { ok: false, reason: "zaehlpunkt_format" }],
    ["DE000123451234567890123456789012_", { ok: false, reason: "zaehlpunkt_format" }],
    ["AT0010000000000000001000000000123", { ok: false, reason: "unknown_format" }],
    ["POD-A", { ok: false, reason: "unknown_format" }],
  ])("%j", (text, expected) => {
    expect(validatePodIdentifier(text)).toEqual(expected);
  });

  it("accepts exactly one check digit for any 10-digit MaLo prefix", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{9}$/), (prefix) => {
        const accepted = [...Array(10).keys()].filter((d) => validatePodIdentifier(`${prefix}${d}`).ok);
        expect(accepted).toEqual([maloCheckDigit(prefix)]);
      }),
    );
  });

  // Doubling without a cross sum maps d and d ± 5 to the same value mod 10: a ±5 typo at an even
  // position (2, 4, … 10) is the one single-digit error the BDEW check digit cannot see.
  it("detects every single-digit typo in a valid MaLo-ID but ±5 at even positions", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-9]\d{9}$/),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (prefix, position, delta) => {
          const valid = `${prefix}${maloCheckDigit(prefix)}`;
          fc.pre(!(position % 2 === 1 && delta === 5));
          const digit = (Number(valid[position]) + delta) % 10;
          const typo = `${valid.slice(0, position)}${digit}${valid.slice(position + 1)}`;
          expect(validatePodIdentifier(typo).ok).toBe(false);
        },
      ),
    );
  });

  it("accepts every DE + 31 alphanumerics and normalises case and spacing", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{31}$/), (rest) => {
        const spaced = `de ${rest.slice(0, 10)} ${rest.slice(10)}`;
        expect(validatePodIdentifier(spaced)).toEqual({
          ok: true,
          kind: "zaehlpunkt",
          identifier: `DE${rest.toUpperCase()}`,
        });
      }),
    );
  });
});
