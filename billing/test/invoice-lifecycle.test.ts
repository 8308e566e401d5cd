import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "@c4e/prisma";
import {
  createCreditNote,
  createDraftInvoice,
  issueInvoices,
  issueInvoicesIn,
  loadInvoice,
  voidInvoice,
} from "../src/invoice-store.ts";
import { type BillingTestDb, createBillingTestDb, SAMPLE_BUYER, sampleInvoice } from "./fixtures.ts";

let t: BillingTestDb;
beforeAll(async () => {
  t = await createBillingTestDb("inv_lifecycle");
});
afterAll(async () => {
  await t?.close();
});

async function draft(seriesId = "INV"): Promise<string> {
  return createDraftInvoice(t.pool, {
    invoice: sampleInvoice(),
    contractId: "ctr-alice",
    seriesId,
    buyer: SAMPLE_BUYER,
    paymentTermsDays: 14,
  });
}

async function sqlError(sql: string, params: unknown[] = []): Promise<string> {
  try {
    await t.pool.query(sql, params);
  } catch (err) {
    return (err as Error).message;
  }
  return "no error";
}

describe("invoice lifecycle", () => {
  it("stores a draft and reads back the same invoice; numbers it at issue", async () => {
    await t.pool.query(`INSERT INTO invoice_series (id, prefix) VALUES ('T1', 'T1-')`);
    const id = await draft("T1");
    const stored = await loadInvoice(t.pool, id);
    expect(stored?.status).toBe("draft");
    expect(stored?.number).toBeNull();
    expect(stored?.invoice).toEqual(sampleInvoice());
    const { issued } = await issueInvoices(t.pool, { invoiceIds: [id] }, { issueDate: "2026-11-02" });
    expect(issued).toEqual([{ id, number: "T1-000001", sequence: 1n }]);
    const after = await loadInvoice(t.pool, id);
    expect(after).toMatchObject({ status: "issued", issueDate: "2026-11-02", dueDate: "2026-11-16" });
    // issuing again is a no-op
    expect((await issueInvoices(t.pool, { invoiceIds: [id] })).issued).toEqual([]);
  });

  it("numbers are gapless per series when many issue at once, and a rollback gives its number back", async () => {
    await t.pool.query(`INSERT INTO invoice_series (id, prefix) VALUES ('T2', 'T2-')`);
    const ids = await Promise.all(Array.from({ length: 40 }, () => draft("T2")));
    // a transaction that issues one and then fails: its number must be reused
    await expect(
      withTransaction(t.pool, async (c) => {
        await issueInvoicesIn(c, { invoiceIds: [ids[0] as string] });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    // 40 single issues plus 4 overlapping batch issues, all concurrent
    const batches = [ids.slice(0, 20), ids.slice(10, 30), ids.slice(25), ids];
    await Promise.all([
      ...ids.map((id) => issueInvoices(t.pool, { invoiceIds: [id] })),
      ...batches.map((b) => issueInvoices(t.pool, { invoiceIds: b })),
    ]);
    const rows = await t.pool.query<{ seq: string; number: string }>(
      `SELECT sequence::text AS seq, number FROM invoice WHERE series_id = 'T2' ORDER BY invoice.sequence`,
    );
    expect(rows.rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(rows.rows.map((r) => r.number)).size).toBe(40);
    const counter = await t.pool.query(`SELECT next_number::int AS n FROM invoice_series WHERE id = 'T2'`);
    expect(counter.rows[0].n).toBe(41);
  });

  it("the database refuses any change to an issued invoice or its lines (raw SQL)", async () => {
    const id = await draft();
    // a draft may change
    await t.pool.query(
      `UPDATE invoice_line SET description = 'Energy (peak)' WHERE invoice_id = $1 AND position = 1`,
      [id],
    );
    await issueInvoices(t.pool, { invoiceIds: [id] });
    const refused = /cannot be (changed|deleted)|its lines cannot be changed/;
    expect(
      await sqlError(
        `UPDATE invoice SET total_minor = total_minor + 1, net_minor = net_minor + 1 WHERE id = $1`,
        [id],
      ),
    ).toMatch(refused);
    expect(await sqlError(`UPDATE invoice SET buyer = '{}' WHERE id = $1`, [id])).toMatch(refused);
    expect(await sqlError(`UPDATE invoice SET status = 'draft' WHERE id = $1`, [id])).toMatch(refused);
    expect(await sqlError(`DELETE FROM invoice WHERE id = $1`, [id])).toMatch(refused);
    expect(await sqlError(`UPDATE invoice_line SET amount_minor = 1 WHERE invoice_id = $1`, [id])).toMatch(
      refused,
    );
    expect(await sqlError(`DELETE FROM invoice_line WHERE invoice_id = $1`, [id])).toMatch(refused);
    expect(
      await sqlError(
        `INSERT INTO invoice_line (invoice_id, position, "group", code, description, quantity, unit, unit_price,
           amount_minor, precise_amount, vat_rate, period_start, period_end)
         VALUES ($1, 99, 'fee', 'x', 'x', 1, 'item', 1, 100, 1, 19, now(), now())`,
        [id],
      ),
    ).toMatch(refused);
    expect(await sqlError(`TRUNCATE invoice_line`)).toMatch(/TRUNCATE/);
    // voiding may not smuggle in other changes
    expect(
      await sqlError(
        `UPDATE invoice SET status = 'voided', voided_at = now(), net_minor = 0, total_minor = vat_minor WHERE id = $1`,
        [id],
      ),
    ).toMatch(refused);
    // the one allowed transition
    await voidInvoice(t.pool, id, "wrong customer");
    const voided = await loadInvoice(t.pool, id);
    expect(voided).toMatchObject({ status: "voided", voidReason: "wrong customer" });
    expect(await sqlError(`UPDATE invoice SET void_reason = 'x' WHERE id = $1`, [id])).toMatch(refused);
    expect(
      await sqlError(`UPDATE invoice SET status = 'issued', voided_at = NULL WHERE id = $1`, [id]),
    ).toMatch(refused);
  });

  it("the database refuses an issued invoice without a number and a total that is not net + VAT", async () => {
    const id = await draft();
    expect(await sqlError(`UPDATE invoice SET status = 'issued' WHERE id = $1`, [id])).toMatch(
      /needs number/,
    );
    expect(await sqlError(`UPDATE invoice SET total_minor = 1 WHERE id = $1`, [id])).toMatch(
      /net_minor \+ vat_minor/,
    );
  });

  it("corrects an issued invoice only by a credit note that references it", async () => {
    const id = await draft();
    const [original] = (await issueInvoices(t.pool, { invoiceIds: [id] })).issued;
    const cn = await createCreditNote(t.pool, { originalInvoiceId: id });
    await issueInvoices(t.pool, { invoiceIds: [cn] });
    const credit = await loadInvoice(t.pool, cn);
    expect(credit?.number).toMatch(/^CN-\d{6}$/);
    expect(credit?.originalInvoiceId).toBe(id);
    expect(credit?.invoice).toMatchObject({
      kind: "credit_note",
      totalMinor: -5244n,
      amountDueMinor: -5244n,
      references: { originalInvoiceNumber: original?.number },
    });
    expect(credit?.invoice.lines.map((l) => l.amountMinor)).toEqual([-3417n, -990n]);
    // a credit note without an original is refused by the database
    expect(await sqlError(`UPDATE invoice SET original_invoice_id = NULL WHERE id = $1`, [cn])).toMatch(
      /cannot be changed/,
    );
  });
});
