import { BillingDecimal, computeInvoice } from "@c4e/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueBillRun, runBill } from "../src/bill-run.ts";
import { billCorrections } from "../src/corrections.ts";
import { setTariffPrice } from "../src/product-price.ts";
import { loadInvoices } from "../src/invoice-store.ts";
import { DEMO_TOU_DEMAND_TARIFF } from "../src/seed-demo.ts";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "./fixtures.ts";

let t: BillingTestDb;

/**
 * A new peak price row of the demo product, valid from 16 October 2026, as a new published version
 * with the contracts moved onto it (`c4e product-price --move-contracts`).
 */
async function correctPeakPrice(price: string) {
  return setTariffPrice(t.pool, {
    target: "product:DEMO-TOU",
    price: "tou.peak",
    from: "2026-10-16",
    value: price,
    moveContracts: true,
  });
}

beforeAll(async () => {
  t = await createBillingTestDb("corrections");
  await seedIntervals(t);
  const run = await runBill(t.pool, { period: "2026-10" });
  await issueBillRun(t.pool, run.billRunId, { issueDate: "2026-11-02" });
});
afterAll(async () => {
  await t?.close();
});

describe("retroactive price corrections", () => {
  it("creates nothing while prices are unchanged", async () => {
    const res = await billCorrections(t.pool, { from: "2026-09", to: "2026-11" });
    expect(res).toMatchObject({ checked: 3, created: [], skipped: [] });
  });

  it("a lower past price: one credit note per issued invoice, referencing it; originals untouched", async () => {
    const before = await t.pool.query(`SELECT id, total_minor, status FROM invoice ORDER BY id`);
    const change = await correctPeakPrice("0.3000");
    expect(change).toMatchObject({ version: 2, basedOn: 1, unchanged: [] });
    expect("moved" in change && change.moved).toHaveLength(3);
    const res = await billCorrections(t.pool, {
      from: "2026-10",
      to: "2026-10",
      issue: true,
      issueDate: "2026-12-01",
    });
    expect(res.created.map((c) => c.kind)).toEqual(["credit_note", "credit_note", "credit_note"]);
    expect(res.issued.map((i) => i.number)).toEqual(["CN-000001", "CN-000002", "CN-000003"]);
    const after = await t.pool.query(
      `SELECT id, total_minor, status FROM invoice WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [before.rows.map((r) => r.id)],
    );
    expect(after.rows).toEqual(before.rows);
    const cn = await loadInvoices(t.pool, [res.created[0]!.id]);
    expect(cn[0]!.invoice.references?.originalInvoiceNumber).toBe(res.created[0]!.originalNumber);
    expect(cn[0]!.invoice.lines.every((l) => l.code.startsWith("energy.peak"))).toBe(true);

    // re-running creates nothing
    expect((await billCorrections(t.pool, { from: "2026-10", to: "2026-10", issue: true })).created).toEqual(
      [],
    );
  });

  it("product-price keeps a schedule and refuses unknown prices", async () => {
    const row = await t.pool.query(`SELECT tariff -> 'tou' -> 'bands' -> 0 -> 'price' AS price FROM product`);
    expect(row.rows[0].price).toEqual([
      { from: "1970-01-01", price: "0.3400" },
      { from: "2026-10-16", price: "0.3000" },
    ]);
    await expect(
      setTariffPrice(t.pool, {
        target: "product:DEMO-TOU",
        price: "tou.nope",
        from: "2026-10-16",
        value: "1",
      }),
    ).rejects.toThrow(/no price tou.nope/);
    await expect(
      setTariffPrice(t.pool, {
        target: "product:DEMO-TOU",
        price: "demand",
        from: "2026-10-16",
        value: "-1",
      }),
    ).rejects.toThrow(/demand\.price/);
  });

  it("a second change corrects from the last correction; original + corrections = a fresh bill (± 1 cent a line)", async () => {
    expect(await correctPeakPrice("0.3600")).toMatchObject({ version: 3, basedOn: 2 });
    const res = await billCorrections(t.pool, { from: "2026-10", to: "2026-10", issue: true });
    expect(res.created.map((c) => c.kind)).toEqual(["difference", "difference", "difference"]);
    expect(res.issued.map((i) => i.number)).toEqual(["INV-000004", "INV-000005", "INV-000006"]);
    expect((await billCorrections(t.pool, { from: "2026-10", to: "2026-10" })).created).toEqual([]);

    const rows = await t.pool.query<{ id: string; billing_input: Parameters<typeof computeInvoice>[0] }>(
      `SELECT id, billing_input FROM invoice WHERE kind = 'monthly' ORDER BY number`,
    );
    for (const row of rows.rows) {
      const docs = await t.pool.query<{ net_minor: string; lines: number }>(
        `SELECT net_minor::text, (SELECT count(*)::int FROM invoice_line l WHERE l.invoice_id = i.id) AS lines
         FROM invoice i WHERE i.id = $1 OR i.original_invoice_id = $1`,
        [row.id],
      );
      const net = docs.rows.reduce((a, d) => a + BigInt(d.net_minor), 0n);
      const lines = docs.rows.reduce((a, d) => a + d.lines, 0);
      const tariff = structuredClone(DEMO_TOU_DEMAND_TARIFF);
      tariff.tou!.bands[0]!.price = [
        { from: "2026-01-01", price: "0.3400" },
        { from: "2026-10-16", price: "0.3600" },
      ];
      const fresh = computeInvoice({ ...row.billing_input, tariff });
      const diff = new BillingDecimal((net - fresh.netMinor).toString()).abs();
      expect(diff.lte(lines)).toBe(true);
      expect(net).not.toBe(0n);
    }
  });

  it("without --move-contracts a price change is a new version for new contracts only", async () => {
    const res = await setTariffPrice(t.pool, {
      target: "product:DEMO-TOU",
      price: "tou.peak",
      from: "2026-10-16",
      value: "0.2000",
    });
    expect(res).toMatchObject({ version: 4, basedOn: 3, moved: [] });
    expect("unchanged" in res && res.unchanged.map((c) => c.version)).toEqual([3, 3, 3]);
    expect(res.summary).toMatch(/new contracts get version 4; no existing contract changed/);
    const versions = await t.pool.query(`SELECT version, status::text FROM product_version ORDER BY version`);
    expect(versions.rows.map((r) => `${r.version}:${r.status}`)).toEqual([
      "1:published",
      "2:published",
      "3:published",
      "4:published",
    ]);
    // the product mirrors version 4, the contracts are still billed at version 3: nothing to correct
    const mirror = await t.pool.query(
      `SELECT tariff -> 'tou' -> 'bands' -> 0 -> 'price' -> 1 ->> 'price' AS p FROM product`,
    );
    expect(mirror.rows[0].p).toBe("0.2000");
    expect((await billCorrections(t.pool, { from: "2026-10", to: "2026-10" })).created).toEqual([]);
  });

  it("refuses a price change while the product has a draft, and never edits a published version", async () => {
    await t.pool.query(
      `INSERT INTO product_version (product_id, version, name, tariff)
       SELECT product_id, 5, name, tariff FROM product_version WHERE version = 4`,
    );
    await expect(correctPeakPrice("0.1")).rejects.toThrow(/has a draft \(version 5\)/);
    await expect(t.pool.query(`UPDATE product_version SET tariff = '{}' WHERE version = 4`)).rejects.toThrow(
      /is published and cannot be changed/,
    );
  });
});
