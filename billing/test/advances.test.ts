import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billAdvances } from "../src/advance-run.ts";
import { issueBillRun, runBill } from "../src/bill-run.ts";
import { loadInvoices } from "../src/invoice-store.ts";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "./fixtures.ts";

let t: BillingTestDb;

beforeAll(async () => {
  t = await createBillingTestDb("advances");
  await seedIntervals(t);
  // Alice: 50 % of her October forecast; Bob: a 15-day share of annual reference / 12
  await t.pool.query(
    `UPDATE contract SET advance_mode = 'percentage', advance_basis = 'forecast', advance_percent = 50 WHERE id = 'ctr-alice'`,
  );
  await t.pool.query(
    `UPDATE contract SET advance_mode = 'fifteen_day', advance_basis = 'annual_reference' WHERE id = 'ctr-bob'`,
  );
  await t.pool.query(
    `UPDATE pod SET monthly_forecast_kwh = '{300,280,270,250,220,200,200,210,230,310,280,300}' WHERE contract_id = 'ctr-alice'`,
  );
  await t.pool.query(`UPDATE pod SET annual_reference_kwh = 3720 WHERE contract_id = 'ctr-bob'`);
});
afterAll(async () => {
  await t?.close();
});

describe("advance invoices", () => {
  it("issues one ADV invoice per POD and month, idempotently", async () => {
    const first = await billAdvances(t.pool, { period: "2026-10", issue: true, issueDate: "2026-10-01" });
    expect(first).toMatchObject({ drafted: 2, existing: 0, failed: [] });
    expect(first.issued.map((i) => i.number)).toEqual(["ADV-000001", "ADV-000002"]);
    const again = await billAdvances(t.pool, { period: "2026-10", issue: true });
    expect(again).toMatchObject({ drafted: 0, existing: 2, issued: [] });

    const rows = await t.pool.query<{ id: string; pod_id: string }>(
      `SELECT i.id, i.pod_id FROM invoice i WHERE kind = 'advance' ORDER BY number`,
    );
    const [alice, bob] = await loadInvoices(
      t.pool,
      rows.rows.map((r) => r.id),
    );
    // Alice: forecast 310 kWh over 3 TOU bands, × 0.5 → 155 kWh of energy lines
    const energy = alice!.invoice.lines.filter((l) => l.code.startsWith("advance.energy."));
    expect(energy.reduce((a, l) => a + Number(l.quantity), 0)).toBeCloseTo(155, 9);
    expect(alice!.invoice.lines.every((l) => l.breakdown?.advanceShare === "0.5")).toBe(true);
    // Bob: 3720 / 12 = 310 kWh, 15 of October's 31 days
    expect(bob!.invoice.lines[0]?.breakdown?.advanceShare).toMatch(/^0\.4838709677/);
    expect(alice!.invoice.totalMinor > 0n && bob!.invoice.totalMinor > 0n).toBe(true);
  });

  it("the bill run deducts each advance exactly once, also when interrupted, resumed and re-run", async () => {
    const stop = new AbortController();
    const first = await runBill(t.pool, {
      period: "2026-10",
      batchSize: 1,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.done + p.failed >= 1) stop.abort();
      },
    });
    expect(first.status).toBe("interrupted");
    await runBill(t.pool, { period: "2026-10", batchSize: 1 });
    await runBill(t.pool, { period: "2026-10" });
    const run = await runBill(t.pool, { period: "2026-10" });
    await issueBillRun(t.pool, run.billRunId, { issueDate: "2026-11-02" });
    await runBill(t.pool, { period: "2026-10" });

    const adv = await t.pool.query<{ number: string; total_minor: string; pod_id: string }>(
      `SELECT number, total_minor::text, pod_id FROM invoice WHERE kind = 'advance'`,
    );
    const monthly = await t.pool.query<{ id: string; pod_id: string }>(
      `SELECT id, pod_id FROM invoice WHERE kind = 'monthly' ORDER BY pod_id`,
    );
    expect(monthly.rows).toHaveLength(3);
    const stored = await loadInvoices(
      t.pool,
      monthly.rows.map((r) => r.id),
    );
    for (const a of adv.rows) {
      const deducting = stored.filter((s) =>
        s.invoice.advancesDeducted.some((d) => d.reference === a.number),
      );
      expect(deducting).toHaveLength(1);
      const inv = deducting[0]!;
      expect(inv.podId).toBe(a.pod_id);
      expect(inv.invoice.amountDueMinor).toBe(inv.invoice.totalMinor - BigInt(a.total_minor));
    }
    // an advance for a month already billed is refused (it would never be deducted)
    await t.pool.query(
      `UPDATE contract SET advance_mode = 'percentage', advance_percent = 10 WHERE id = 'ctr-carol'`,
    );
    const late = await billAdvances(t.pool, { period: "2026-10" });
    expect(late).toMatchObject({ drafted: 0, existing: 2 });
    expect(late.failed).toEqual([
      { podId: expect.any(String), error: expect.stringMatching(/^the month is already billed/) },
    ]);
    // Carol has no advances
    const carol = stored.find((s) => !adv.rows.some((a) => a.pod_id === s.podId));
    expect(carol?.invoice.advancesDeducted).toEqual([]);
  });
});
