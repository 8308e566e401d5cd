import { describe, expect, it } from "vitest";
import { obisEnergyUnit, parseObisCode } from "./obis.ts";

describe("OBIS codes", () => {
  it.each([
    ["1-1:1.29.0*255", { a: 1, b: 1, c: 1, d: 29, e: 0, f: 255 }, "kWh"],
    ["1-1:2.29.0*255", { a: 1, b: 1, c: 2, d: 29, e: 0, f: 255 }, "kWh"],
    ["1-1:5.29.0*255", { a: 1, b: 1, c: 5, d: 29, e: 0, f: 255 }, "kvarh"],
    ["1-1:1.10.0", { a: 1, b: 1, c: 1, d: 10, e: 0, f: null }, undefined], // 10 is not an energy processing
    ["1-0:1.8.0", { a: 1, b: 0, c: 1, d: 8, e: 0, f: null }, "kWh"],
    ["7-0:3.0.0", { a: 7, b: 0, c: 3, d: 0, e: 0, f: null }, undefined], // gas
  ])("%s", (text, code, unit) => {
    const parsed = parseObisCode(text);
    expect(parsed).toEqual(code);
    expect(obisEnergyUnit(parsed!)).toBe(unit);
  });

  it.each(["AUA", "1-1:1.29", "1-1:1.29.0*256", "1-1:1.29.0*", "1:1.29.0"])(
    "%j is not an OBIS code",
    (text) => {
      expect(parseObisCode(text)).toBeUndefined();
    },
  );
});
