// The `c4e trading …` commands end to end on a database of their own: the demo seed, notes, an
// issued invoice, matching, position CSV, nominations, the return as xlsx, a worked case, and a bad
// price file refused with file:line and exit code 1.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerTradingCommands } from "../src/commands.ts";
import { createTradingTestDb, type TradingTestDb } from "./fixtures.ts";

let t: TradingTestDb;
const dir = mkdtempSync(join(tmpdir(), "c4e-trading-cli-"));

async function c4e(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let code = -1;
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((m: unknown) => void out.push(String(m)));
  const error = vi.spyOn(console, "error").mockImplementation((m: unknown) => void err.push(String(m)));
  try {
    const program = new Command("c4e").exitOverride();
    registerTradingCommands(program, (c) => {
      code = c;
    });
    await program.parseAsync(["trading", ...argv], { from: "user" });
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeAll(async () => {
  t = await createTradingTestDb("cli");
  // the demo retailer of the commands' default --retailer, with a trader (billing contracts need one)
  await t.pool.query(`INSERT INTO retailer (id, name) VALUES ('retailer-demo', 'Demo')`);
  await t.pool.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-demo', '9900000000088', 'Demo Supply', 'retailer-demo')`,
  );
  const url = t.pool.options as {
    host?: string;
    port?: number;
    database?: string;
    user?: string;
    password?: string;
  };
  process.env.DATABASE_URL = `postgresql://${url.user}:${url.password ?? ""}@${url.host}:${url.port}/${url.database}`;
  process.env.INIT_CWD = dir;
});
afterAll(async () => {
  delete process.env.DATABASE_URL;
  await t?.close();
});

describe("c4e trading", () => {
  it("seeds the demo book, invoices it, matches, values and reports it", async () => {
    expect(await c4e("seed-demo")).toMatchObject({ code: 0 });
    expect((await c4e("seed-demo")).code).toBe(0); // idempotent
    const invoice = await c4e("invoice", "--month", "2023-03", "--issue");
    expect(invoice.code).toBe(0);
    const issued = JSON.parse(invoice.out) as { number: string; notes: string[] }[];
    expect(issued.map((i) => [i.number, i.notes.length])).toEqual([["INV-000001", 3]]);
    const match = await c4e("match", "--from", "2023-03-01", "--to", "2023-03-02");
    expect(match.code).toBe(0);
    expect(JSON.parse(match.out)).toMatchObject({ saved: 0 });
    expect(
      (
        await c4e(
          "position",
          "--from",
          "2023-03-01",
          "--to",
          "2023-03-02",
          "--zone",
          "BE",
          "--csv",
          "pos.csv",
        )
      ).code,
    ).toBe(0);
    expect(readFileSync(join(dir, "pos.csv"), "utf8").split("\n")).toHaveLength(25);
    expect(
      (await c4e("nominations", "--from", "2023-03-01", "--to", "2023-03-02", "--out", "nom.csv")).code,
    ).toBe(0);
    // three counterparties × 24 hours (the block and peak sales share demo-steel's rows)
    expect(readFileSync(join(dir, "nom.csv"), "utf8").trim().split("\n")).toHaveLength(1 + 24 + 24 + 12);
    expect((await c4e("report", "--month", "2023-03", "--home", "BE", "--out", "v614.xlsx")).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(dir, "v614.xlsx")) as unknown as ArrayBuffer);
    expect(wb.getWorksheet("V614")?.getColumn(2).values.slice(2)).toEqual(["1", "2.NL", "3", "5", "6.NL>BE"]);
  });

  it("checks an incoming invoice: a flagged difference is recorded and exits 1", async () => {
    // demo-wind's March note: 4 MW × 743 h = 2,972 MWh × 92.5 = 274,910.00 EUR
    writeFileSync(
      join(dir, "in.csv"),
      "note_reference,quantity_mwh,amount_minor\nDN-demo-p-wind-20230301,2972,27491000\n",
    );
    const ok = await c4e("incoming-invoice", "in.csv", "--counterparty", "demo-wind", "--number", "W-1");
    expect([ok.code, JSON.parse(ok.out)]).toMatchObject([0, { ok: true, differences: [] }]);
    writeFileSync(
      join(dir, "in2.csv"),
      "note_reference,quantity_mwh,amount_minor\nDN-demo-p-wind-20230301,2972.5,27491000\n",
    );
    const diff = await c4e("incoming-invoice", "in2.csv", "--counterparty", "demo-wind", "--number", "W-2");
    expect(diff.code).toBe(1);
    expect(JSON.parse(diff.out)).toMatchObject({
      ok: false,
      differences: [{ kind: "quantity", expectedMwh: "2972.0000", invoicedMwh: "2972.5000" }],
    });
  });

  it("imports a custom profile from xlsx as a new version; a locked contract refuses it", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("profile");
    ws.addRow(["start", "mwh"]);
    ws.addRow([new Date("2023-03-01T00:00:00Z"), 1.25]);
    ws.addRow(["2023-03-01T01:00:00Z", "0.5"]);
    writeFileSync(join(dir, "profile.xlsx"), Buffer.from(await wb.xlsx.writeBuffer()));
    const ok = await c4e(
      "profile-import",
      "demo-s-block",
      "profile.xlsx",
      "--reason",
      "customer profile",
      "--as-of",
      "2023-02-01",
    );
    expect([ok.code, JSON.parse(ok.out)]).toEqual([0, { version: 2, points: 2 }]);
    const locked = await c4e(
      "profile-import",
      "demo-s-block",
      "profile.xlsx",
      "--reason",
      "again",
      "--as-of",
      "2023-03-01",
    );
    expect(locked.code).toBe(1);
    expect(locked.err).toContain("locked");
  });

  it("runs a worked case and refuses a bad price file with file:line and exit code 1", async () => {
    const ok = await c4e("case", join(import.meta.dirname, "..", "cases", "01-base-dst-spring-month-eur"));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ hours: 743 });
    writeFileSync(
      join(dir, "bad.csv"),
      "start,price_per_mwh\n2023-03-01T00:00:00Z,80\n2023-03-01T01:00:00Z,8O\n",
    );
    const bad = await c4e("prices-import", "--zone", "BE", "bad.csv");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("bad.csv:3: price_per_mwh");
  });
});
