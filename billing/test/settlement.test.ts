import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueBillRun, runBill } from "../src/bill-run.ts";
import { loadInvoices } from "../src/invoice-store.ts";
import { billSettlements, parseSettlementCsv, recordSettlementReadings } from "../src/settlement.ts";
import { type BillingTestDb, createBillingTestDb } from "./fixtures.ts";

let t: BillingTestDb;

beforeAll(async () => {
  t = await createBillingTestDb("settlement");
  // An SLP POD on a single-rate contract: 1200 kWh a year → 100 kWh billed per month.
  await t.pool.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, energy_tariff)
     VALUES ('ctr-slp', 'C-SLP', 'cust-carol', 'trader-demo', '2026-01-01', 'EUR',
       '{"name":"Single","currency":"EUR","single":{"price":"0.30"}}')`,
  );
  await t.pool.query(
    `INSERT INTO pod (id, identifier, name, address, contract_id, metering, annual_reference_kwh, profile_type_code,
       distributor_id, trader_id, sign_in_date, time_zone, network_tariff_id)
     VALUES ('DE-SLP-1', 'DE-SLP-1', 'Flat', 'Hof 1', 'ctr-slp', 'slp', 1200, 'H25', 'dso-demo', 'trader-demo',
       '2026-01-01', 'Europe/Berlin', 'nt-demo-h0-2026')`,
  );
  for (const m of ["2026-01", "2026-02", "2026-03", "2026-04"]) {
    const run = await runBill(t.pool, { period: m });
    await issueBillRun(t.pool, run.billRunId, { issueDate: `${m}-28` });
  }
});
afterAll(async () => {
  await t?.close();
});

describe("annual settlement", () => {
  it("records readings idempotently and refuses a changed one", async () => {
    expect(
      await recordSettlementReadings(t.pool, [
        { podId: "DE-SLP-1", date: "2026-01-01", kwh: "1000" },
        { podId: "DE-SLP-1", date: "2026-04-01", kwh: "1350" },
      ]),
    ).toEqual({ recorded: 2, unchanged: 0 });
    const csv = "pod_id,date,kwh\nDE-SLP-1,2026-04-01,1350\nDE-SLP-1,2026-05-01,1400\n";
    expect(await recordSettlementReadings(t.pool, parseSettlementCsv(csv))).toEqual({
      recorded: 1,
      unchanged: 1,
    });
    await expect(
      recordSettlementReadings(t.pool, [{ podId: "DE-SLP-1", date: "2026-05-01", kwh: "1401" }]),
    ).rejects.toThrow(/already has a reading of 1400/);
  });

  it("invoices the difference between the reading and what was billed, once", async () => {
    // 1350 − 1000 = 350 kWh measured; Jan–Mar billed 3 × 100 = 300 → +50 kWh
    const res = await billSettlements(t.pool, { podIds: ["DE-SLP-1"], date: "2026-04-01", issue: true });
    expect(res).toMatchObject({ drafted: 1, existing: 0, failed: [] });
    expect(res.issued).toHaveLength(1);
    const again = await billSettlements(t.pool, { date: "2026-04-01", issue: true });
    expect(again).toMatchObject({ drafted: 0, existing: 1, issued: [] });

    const [s] = await loadInvoices(t.pool, [res.issued[0]!.id]);
    expect(s!.invoice.kind).toBe("settlement");
    // energy 50 × 0.30 = 15.00; network 50 × 0.085 = 4.25; levy 50 × 0.025 = 1.25 → net 20.50, VAT 19 % 3.90
    expect(s!.invoice.lines.map((l) => [l.code, l.quantity, l.amountMinor])).toEqual([
      ["settlement.energy", "50", 1500n],
      ["settlement.network_energy", "50", 425n],
      ["settlement.levy", "50", 125n],
    ]);
    expect(s!.invoice.lines[0]?.breakdown).toMatchObject({ measuredKwh: "350", billedKwh: "300" });
    expect(s!.invoice.totalMinor).toBe(2050n + 390n);
  });

  it("credits when less was used than billed (all SLP PODs with a reading on the date)", async () => {
    // 1400 − 1350 = 50 kWh measured; April billed 100 → −50 kWh
    const res = await billSettlements(t.pool, { date: "2026-05-01", issue: true });
    expect(res).toMatchObject({ drafted: 1, failed: [] });
    const [s] = await loadInvoices(t.pool, [res.issued[0]!.id]);
    expect(s!.invoice.totalMinor).toBe(-2440n);
    expect(s!.invoice.amountDueMinor).toBe(-2440n);
  });
});
