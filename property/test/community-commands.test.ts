// `c4e community …` through commander, as stack/src/cli.ts registers it: a case prints its result,
// a missing option is a usage refusal with exit code 1 and a message naming the option.
import { Command } from "commander";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
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
