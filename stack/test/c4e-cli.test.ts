// c4e-test: needs no machine services (npm run test:integration skips this file)
// The one `c4e` command line (issue 10): every workspace's commands behind one parser, `--help` per
// command (each spawn loads the whole CLI: a few seconds, so few of them), usage errors as one line with exit 2, failures as `c4e <command>: message` with exit 1 and
// no stack trace.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

function c4e(...args: string[]) {
  const r = spawnSync(
    join(ROOT, "node_modules", ".bin", "tsx"),
    [join(ROOT, "stack", "src", "cli.ts"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      // nothing listens here: a command that got as far as the database would fail, not hang
      env: { ...process.env, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", C4E_DEBUG: "" },
      timeout: 60_000,
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("c4e", () => {
  it("lists the commands of stack, ingest and billing", () => {
    const r = c4e("--help");
    expect(r.code).toBe(0);
    for (const command of [
      "start",
      "simulate",
      "redeem-perk",
      "faults",
      "partitions",
      "bill-run",
      "bill-case",
      "pod-import",
      "invoice-pdf",
    ])
      expect(r.out).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("has --help for a command, with its options", () => {
    const r = c4e("bill-run", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: c4e bill-run [options]");
    expect(r.out).toContain("--max-missing <n>");
    expect(r.out).toContain("DATABASE_URL");
  });

  it("refuses a usage error with exit 2 and one message", () => {
    const r = c4e("bill-run", "--perod", "2026-11");
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--perod'");
  });

  it("reports a failing command as `c4e <command>: message`, exit 1, no stack trace", () => {
    const r = c4e("bill-case", join(ROOT, "no-such-case.json"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^c4e bill-case: .*no-such-case\.json/m);
    expect(r.err).not.toMatch(/^\s+at /m);
  });

  it("refuses a bill case with exit 1 and one `path: message` line per reason (issue 13)", () => {
    const cases = join(ROOT, "billing", "cases");
    const tariff = c4e("bill-case", join(cases, "24-impossible-tariff-tou", "case.json"));
    expect(tariff.code).toBe(1);
    expect(tariff.out).toBe("");
    expect(tariff.err).toMatch(/^c4e bill-case: case\.json refused \(\d+ errors\)$/m);
    expect(tariff.err).toMatch(/^case\.json: tariff\.currency: /m);
    const csv = c4e("bill-case", join(cases, "34-refused-decimal-comma-csv", "case.json"));
    expect(csv.code).toBe(1);
    expect(csv.err).toMatch(/^meter\.csv:34: 4 columns, expected 3/m);
    expect(csv.err).toMatch(/^meter\.csv:86: import_kwh: /m);
    const period = c4e("bill-case", join(cases, "27-refused-no-period", "case.json"));
    expect(period.code).toBe(1);
    expect(period.err).toMatch(/^case\.json: period: required/m);
    for (const r of [tariff, csv, period]) expect(r.err).not.toMatch(/^\s+at |TypeError/m);
  });
});
