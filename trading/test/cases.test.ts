// Runs every worked case in trading/cases (case.json → expected.json; arithmetic in README.md).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCaseDir } from "../src/cases.ts";

const root = join(import.meta.dirname, "..", "cases");
const dirs = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("trading cases", () => {
  it("has the cases issue 19 asks for", () => {
    expect(dirs.length).toBeGreaterThanOrEqual(7);
  });
  for (const dir of dirs)
    it(dir, () => {
      const { actual, expected } = runCaseDir(join(root, dir));
      expect(actual).toEqual(expected);
    });
});
