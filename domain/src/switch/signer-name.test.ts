import { describe, expect, it } from "vitest";
import { normalizeName, sameSignerName } from "./signer-name.ts";

describe("signer name", () => {
  it.each([
    ["Erika  Mustermann", "Erika Mustermann"],
    ["  Erika\tMustermann \n", "Erika Mustermann"],
    ["Erika", "Erika"],
  ])("normalizes %j to %j", (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it.each([
    [" erika  MUSTERMANN", "Erika Mustermann", true],
    ["Erika Mustermann", "Erika Musterfrau", false],
    ["ErikaMustermann", "Erika Mustermann", false],
  ])("%j signs for %j: %s", (typed, drafted, same) => {
    expect(sameSignerName(typed, drafted)).toBe(same);
  });
});
