import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { switchReference, switchRequestProblems } from "./switch-reference.ts";

describe("switchReference", () => {
  it("maps each byte mod 32 to Crockford's alphabet", () => {
    // 0 → 0, 1 → 1, 31 → Z, 32 → 0, 255 (mod 32 = 31) → Z, 10 → A, 17 → H, 18 → J (I is skipped)
    expect(switchReference(Uint8Array.of(0, 1, 31, 32, 255, 10, 17, 18))).toBe("SW-01Z0ZAHJ");
  });

  it("never contains I, L, O or U", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (bytes) => {
        expect(switchReference(bytes)).toMatch(/^SW-[0-9A-HJKMNP-TV-Z]{8}$/);
      }),
    );
  });
});

describe("switchRequestProblems", () => {
  it.each([
    [{ pod: { ok: true as const }, conflict: null, signed: true }, []],
    [
      { pod: { ok: false as const, reason: "malo_check_digit" }, conflict: null, signed: true },
      ["POD identifier: malo_check_digit"],
    ],
    [
      { pod: { ok: true as const }, conflict: "underContract" as const, signed: false },
      ["the POD is under an active contract", "the request is not signed"],
    ],
    [
      { pod: { ok: true as const }, conflict: "openRequest" as const, signed: true },
      ["another open request exists for the POD"],
    ],
  ])("%j → %j", (input, expected) => {
    expect(switchRequestProblems(input)).toEqual(expected);
  });
});
