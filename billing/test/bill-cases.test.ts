// c4e-test: needs no machine services (npm run test:integration skips this file)
// Runs every billing case in billing/cases/<name>/case.json and compares the result with the
// hand-computed expected.json beside it (arithmetic written out in each case's README.md).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBillCase } from "../src/bill-case.ts";

const CASES_DIR = join(import.meta.dirname, "..", "cases");
const cases = readdirSync(CASES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("billing cases", () => {
  it("has at least 20 cases, each with expected.json and README.md", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const name of cases) {
      expect(existsSync(join(CASES_DIR, name, "expected.json")), `${name}/expected.json`).toBe(true);
      expect(existsSync(join(CASES_DIR, name, "README.md")), `${name}/README.md`).toBe(true);
    }
  });

  it.each(cases)("%s", async (name) => {
    const actual = await runBillCase(join(CASES_DIR, name, "case.json"));
    const expected: unknown = JSON.parse(readFileSync(join(CASES_DIR, name, "expected.json"), "utf8"));
    expect(actual).toEqual(expected);
  });
});
