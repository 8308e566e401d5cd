// `c4e community …` through commander, as stack/src/cli.ts registers it: a case prints its result,
// a missing option is a usage refusal with exit code 1 and a message naming the option.
import { Command } from "commander";
import { join } from "node:path";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { localMidnightUtcMs } from "@c4e/domain";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  addMeters,
  BASE_COMMUNITY,
  createCommunityTestDb,
  fillIntervals,
  TENANT,
} from "./community-fixtures.ts";
import { registerCommunityCommands } from "../src/community/commands.ts";

async function run(argv: string[]): Promise<{ code: number | undefined; out: string; err: string }> {
  let code: number | undefined;
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((s: unknown) => void out.push(String(s)));
  vi.spyOn(console, "error").mockImplementation((s: unknown) => void err.push(String(s)));
  const program = new Command("c4e").exitOverride();
  registerCommunityCommands(program, (c) => {
    code = c;
  });
  await program.parseAsync(argv, { from: "user" });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

afterEach(() => vi.restoreAllMocks());

describe("c4e community", () => {
  it("runs a case and prints its bills", async () => {
    const r = await run([
      "community",
      "case",
      join(import.meta.dirname, "..", "cases", "05-two-plants-two-owners"),
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as { bills: { totalMinor: string }[]; plants: { exportWh: string }[] };
    expect(result.bills.map((b) => b.totalMinor)).toEqual(["642"]);
    expect(result.plants.map((p) => p.exportWh)).toEqual(["2400", "800"]);
  });

  it("refuses a run without --community, naming the option", async () => {
    const r = await run(["community", "run", "--start", "2026-01-01"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("give --community <id>");
  });
});

describe("c4e community against a database", () => {
  it("creates a community, a unit, meters and a tenancy, bills a month and exports it", async () => {
    const t = await createCommunityTestDb("property_community_cli");
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    try {
      await addMeters(t.pool, ["cli-pv", "cli-a"]);
      const dir = mkdtempSync(join(tmpdir(), "c4e-community-"));
      writeFileSync(
        join(dir, "c.json"),
        JSON.stringify({ ...BASE_COMMUNITY, id: "clihaus", name: "CLI Haus" }),
      );
      expect(
        (await run(["community", "create", "--tenant", TENANT, "--json", join(dir, "c.json")])).code,
      ).toBe(0);
      expect(
        (await run(["community", "unit", "--community", "clihaus", "--name", "A", "--area", "70"])).code,
      ).toBe(0);
      const plant = [
        "community",
        "meter",
        "--community",
        "clihaus",
        "--meter",
        "cli-pv",
        "--role",
        "plant",
        "--owner",
        "Owner",
      ];
      expect((await run(plant)).code).toBe(0);
      const apt = [
        "community",
        "meter",
        "--community",
        "clihaus",
        "--meter",
        "cli-a",
        "--role",
        "apartment",
        "--unit",
        "clihaus-a",
      ];
      expect((await run(apt)).code).toBe(0);
      const moved = await run([
        "community",
        "move-in",
        "--community",
        "clihaus",
        "--unit",
        "clihaus-a",
        "--name",
        "Gina",
        "--from",
        "2026-04-01",
      ]);
      expect(moved.code).toBe(0);
      const apr = {
        startMs: localMidnightUtcMs("2026-04-01", "Europe/Zurich"),
        endMs: localMidnightUtcMs("2026-05-01", "Europe/Zurich"),
      };
      await fillIntervals(t.pool, { meterId: "cli-pv", register: "export", ...apr, wh: () => 10 });
      await fillIntervals(t.pool, { meterId: "cli-a", register: "import", ...apr, wh: () => 40 });
      const billed = await run([
        "community",
        "run",
        "--community",
        "clihaus",
        "--start",
        "2026-04-01",
        "--issue",
        "--issue-date",
        "2026-05-02",
      ]);
      expect(billed.code).toBe(0);
      // April: 30 × 96 quarter hours; 10 Wh solar + 30 Wh grid each → 28.8 kWh × 0.20 + 86.4 kWh × 0.30 + 5.00 fee
      const runId = (JSON.parse(billed.out.split('\n{\n  "issued"')[0]!) as { runId: string }).runId;
      expect(billed.out).toContain('"number": "CLIHAUS-000001"');
      const csvFile = join(dir, "april.csv");
      expect((await run(["community", "export", "--run", runId, "--csv", csvFile])).code).toBe(0);
      // 5.76 + 25.92 + 5.00 = 36.68; VAT 8.1 % = 2.97108 → 2.97; total 39.65
      expect(readFileSync(csvFile, "utf8")).toContain(",CLIHAUS-000001,28.8,86.4,25.0,36.68,2.97,39.65,CHF");
      const unknown = await run(["community", "issue", "--run", "00000000-0000-0000-0000-000000000000"]);
      expect(unknown.code).toBe(3);
    } finally {
      process.env.DATABASE_URL = previous;
      await t.close();
    }
  });
});
