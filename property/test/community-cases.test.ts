// Runs every community billing case (property/cases/*): the computed result must equal
// expected.json exactly (Wh, quantities, prices, minor units). The arithmetic is in each README.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCommunityCase, runCommunityCase } from "../src/community/community-case.ts";

const CASES = join(import.meta.dirname, "..", "cases");
const dirs = readdirSync(CASES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("community billing cases", () => {
  it("has at least the eight required cases", () => {
    expect(dirs.length).toBeGreaterThanOrEqual(8);
  });

  it.each(dirs)("%s", async (name) => {
    const dir = join(CASES, name);
    const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));
    const result = JSON.parse(JSON.stringify(runCommunityCase(await loadCommunityCase(dir))));
    expect(result).toEqual(expected);
    // every bill's energy is whole: solar + grid of all bills = all consumer energy of the case
    expect(result.complete).toBe(true);
  });
});
