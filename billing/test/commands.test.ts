// The new commands wired end to end through `runBillingCommand` (arguments → module → exit code).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RefusedInputError } from "@c4e/domain";
import { BILLING_COMMANDS, runBillingCommand } from "../src/commands.ts";
import { type BillingTestDb, createBillingTestDb } from "./fixtures.ts";

let t: BillingTestDb;
const dir = mkdtempSync(join(tmpdir(), "c4e-billing-cli-"));

beforeAll(async () => {
  t = await createBillingTestDb("commands");
  vi.stubEnv("DATABASE_URL", t.db.url);
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await t?.close();
});

describe("billing commands", () => {
  it("lists the new commands", () => {
    for (const c of [
      "bill-advances",
      "settlement-reading",
      "bill-settlement",
      "bill-corrections",
      "market-price-import",
    ])
      expect(BILLING_COMMANDS).toContain(c);
  });

  it("runs them", async () => {
    await t.pool.query(
      `UPDATE contract SET advance_mode = 'percentage', advance_percent = 80 WHERE id = 'ctr-alice'`,
    );
    expect(await runBillingCommand(["bill-advances", "--period", "2026-10", "--issue"])).toBe(0);
    const adv = await t.pool.query(`SELECT number FROM invoice WHERE kind = 'advance'`);
    expect(adv.rows).toEqual([{ number: "ADV-000001" }]);

    const pod = (await t.pool.query<{ id: string }>(`SELECT id FROM pod ORDER BY id LIMIT 1`)).rows[0]!.id;
    expect(
      await runBillingCommand(["settlement-reading", "--pod", pod, "--date", "2026-01-01", "--kwh", "10.5"]),
    ).toBe(0);
    writeFileSync(join(dir, "readings.csv"), `pod_id,date,kwh\n${pod},2026-02-01,20\n`);
    expect(await runBillingCommand(["settlement-reading", "--csv", join(dir, "readings.csv")])).toBe(0);
    const readings = await t.pool.query(`SELECT count(*)::int AS n FROM settlement_reading`);
    expect(readings.rows[0].n).toBe(2);
    // the demo PODs are AMR: not settled, reported as failed (exit 1)
    expect(await runBillingCommand(["bill-settlement", "--pod", pod, "--date", "2026-02-01"])).toBe(1);

    writeFileSync(
      join(dir, "prices.csv"),
      "start,price\n2026-10-01T00:00:00Z,0.091\n2026-10-01T00:15:00Z,0.088\n",
    );
    expect(
      await runBillingCommand([
        "market-price-import",
        join(dir, "prices.csv"),
        "--zone",
        "AT",
        "--currency",
        "EUR",
        "--resolution",
        "15",
      ]),
    ).toBe(0);
    const prices = await t.pool.query(`SELECT count(*)::int AS n FROM market_price WHERE zone = 'AT'`);
    expect(prices.rows[0].n).toBe(2);

    expect(
      await runBillingCommand([
        "product-price",
        "--product",
        "DEMO-TOU",
        "--price",
        "fixed.base",
        "--from",
        "2026-07-01",
        "--value",
        "10.50",
      ]),
    ).toBe(0);
    const base = await t.pool.query(`SELECT tariff -> 'fixedCharges' -> 0 -> 'price' AS price FROM product`);
    expect(base.rows[0].price).toEqual([
      { from: "1970-01-01", price: "9.90" },
      { from: "2026-07-01", price: "10.50" },
    ]);
    // a new published version 2; the contracts keep version 1 (no --move-contracts)
    const versions = await t.pool.query(
      `SELECT (SELECT max(version) FROM product_version) AS latest,
              array_agg(DISTINCT product_version) AS contracts FROM contract WHERE product_id IS NOT NULL`,
    );
    expect(versions.rows[0]).toEqual({ latest: 2, contracts: [1] });
    expect(await runBillingCommand(["bill-corrections", "--from", "2026-01", "--to", "2026-12"])).toBe(0);
    await expect(runBillingCommand(["bill-settlement", "--date", "2026-02-01"])).rejects.toThrow(
      /--pod <id> or --all/,
    );
  });

  it("bill-case: 0 with the invoice, a refusal rejects with every reason as { path, message } (issue 13)", async () => {
    const cases = join(import.meta.dirname, "..", "cases");
    expect(await runBillingCommand(["bill-case", join(cases, "03-tou-two-bands-amr-eur", "case.json")])).toBe(
      0,
    );
    const refused = runBillingCommand(["bill-case", join(cases, "24-impossible-tariff-tou", "case.json")]);
    await expect(refused).rejects.toBeInstanceOf(RefusedInputError);
    await expect(refused).rejects.toMatchObject({
      errors: expect.arrayContaining([{ path: "case.json: tariff.currency", message: expect.any(String) }]),
    });
    await expect(
      runBillingCommand(["bill-case", join(cases, "28-refused-two-hour-gap", "case.json")]),
    ).rejects.toMatchObject({
      errors: [
        { path: "case.json: consumption", message: expect.stringMatching(/^missing_intervals: 8 of 192/) },
      ],
    });
  });
});
