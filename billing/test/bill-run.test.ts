import { computeInvoice, type ContractTerms, type IntervalReading } from "@c4e/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { whToKwh } from "../src/aggregate-intervals.ts";
import { issueBillRun, runBill } from "../src/bill-run.ts";
import { loadInvoices } from "../src/invoice-store.ts";
import { DEMO_NETWORK_CHARGES, DEMO_TOU_DEMAND_TARIFF } from "../src/seed-demo.ts";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "./fixtures.ts";

let t: BillingTestDb;

const TERMS: ContractTerms = {
  vatRate: "19",
  priceIncludesLevy: false,
  levy: { code: "levy", description: "Renewable levy", price: "0.025" },
  network: { paidBy: "customer", charges: DEMO_NETWORK_CHARGES.charges as never },
  paymentTermsDays: 14,
};

beforeAll(async () => {
  t = await createBillingTestDb("bill_run");
  await seedIntervals(t);
  // an AMR POD without a site: no meter data, must fail with a reason and not stop the run
  await t.pool.query(
    `INSERT INTO pod (id, identifier, name, address, contract_id, metering, annual_reference_kwh, distributor_id,
       trader_id, sign_in_date, time_zone, network_tariff_id)
     VALUES ('DE-NO-METER', 'DE-NO-METER', 'No meter', 'Nowhere 1', 'ctr-bob', 'amr', 1000, 'dso-demo', 'trader-demo',
       '2026-01-01', 'Europe/Berlin', 'nt-demo-h0-2026')`,
  );
});
afterAll(async () => {
  await t?.close();
});

describe("bill run", () => {
  it("refuses a month that has not ended in every POD's zone, and creates no run for it", async () => {
    // 2026-12 ends at 2027-01-01 00:00 Europe/Berlin = 2026-12-31T23:00Z
    await expect(
      runBill(t.pool, { period: "2026-12", now: new Date("2026-12-03T10:00:00Z") }),
    ).rejects.toThrow(
      /^2026-12 has not ended: it ends 2027-01-01 00:00 in Europe\/Berlin \(2026-12-31T23:00:00.000Z\)/,
    );
    await expect(
      runBill(t.pool, { period: "2026-12", now: new Date("2026-12-31T22:59:59Z") }),
    ).rejects.toMatchObject({
      code: "PERIOD_NOT_ENDED",
    });
    const runs = await t.pool.query(
      `SELECT count(*)::int AS n FROM bill_run WHERE period_start = '2026-12-01'`,
    );
    expect(runs.rows[0].n).toBe(0);
  });

  it("is interrupted, resumed, and creates no duplicates when run again", async () => {
    const stop = new AbortController();
    const first = await runBill(t.pool, {
      period: "2026-10",
      batchSize: 1,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.done + p.failed >= 1) stop.abort();
      },
    });
    expect(first).toMatchObject({ status: "interrupted", total: 4 });
    const afterFirst = await t.pool.query(`SELECT count(*)::int AS n FROM invoice`);
    expect(afterFirst.rows[0].n).toBe(1);

    const second = await runBill(t.pool, { period: "2026-10", batchSize: 2 });
    expect(second).toMatchObject({ status: "completed", total: 4, drafted: 3, failed: 1 });
    const items = await t.pool.query(
      `SELECT pod_id, status::text, error, intervals, expected_intervals FROM bill_run_item ORDER BY pod_id`,
    );
    expect(items.rows.find((r) => r.pod_id === "DE-NO-METER")).toMatchObject({
      status: "failed",
      error: "AMR POD without a grid meter (no linked site)",
    });
    // October 2026 in Berlin: 31 days, one of them 25 h → 745 h → 2980 quarter hours
    for (const r of items.rows.filter((r) => r.status === "drafted")) {
      expect(r).toMatchObject({ intervals: 2980, expected_intervals: 2980 });
    }

    const third = await runBill(t.pool, { period: "2026-10" });
    expect(third).toMatchObject({ drafted: 3, failed: 1 });
    const count = await t.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT pod_id)::int AS pods FROM invoice`,
    );
    expect(count.rows[0]).toEqual({ n: 3, pods: 3 });
    const runs = await t.pool.query(`SELECT count(*)::int AS n FROM bill_run`);
    expect(runs.rows[0].n).toBe(1);
  });

  it("issues the drafts; totals equal the domain's computation from the raw intervals", async () => {
    const run = await t.pool.query<{ id: string }>(
      `SELECT id FROM bill_run WHERE period_start = '2026-10-01'`,
    );
    const runId = run.rows[0]?.id as string;
    const issued = await issueBillRun(t.pool, runId, { issueDate: "2026-11-03", chunk: 2 });
    expect(issued).toMatchObject({ issued: 3, first: "INV-000001", last: "INV-000003" });
    expect((await issueBillRun(t.pool, runId)).issued).toBe(0);

    const ids = await t.pool.query<{ id: string; pod_id: string; meter_id: string }>(
      `SELECT i.id, i.pod_id, m.id AS meter_id FROM invoice i JOIN pod p ON p.id = i.pod_id
       JOIN meter m ON m.site_id = p.site_id AND m.kind = 'grid' ORDER BY i.number`,
    );
    const stored = await loadInvoices(
      t.pool,
      ids.rows.map((r) => r.id),
    );
    for (const [k, s] of stored.entries()) {
      expect(s.status).toBe("issued");
      // the reference: the domain aggregates the raw intervals itself
      const raw = await t.pool.query<{ start_at: Date; import_wh: string; export_wh: string }>(
        `SELECT start_at, max(energy_wh) FILTER (WHERE register = 'import')::text AS import_wh,
           max(energy_wh) FILTER (WHERE register = 'export')::text AS export_wh
         FROM reading_interval WHERE meter_id = $1 GROUP BY start_at ORDER BY start_at`,
        [ids.rows[k]?.meter_id],
      );
      const intervals: IntervalReading[] = raw.rows.map((r) => ({
        start: r.start_at.toISOString(),
        importKwh: whToKwh(BigInt(r.import_wh)),
        exportKwh: whToKwh(BigInt(r.export_wh)),
      }));
      const expected = computeInvoice({
        tariff: DEMO_TOU_DEMAND_TARIFF,
        terms: TERMS,
        period: { start: "2026-10-01", end: "2026-11-01" },
        timeZone: "Europe/Berlin",
        consumption: { kind: "intervals", intervals },
      });
      expect(s.invoice.totalMinor).toBe(expected.totalMinor);
      expect(s.invoice.amountDueMinor).toBe(expected.amountDueMinor);
      expect(s.invoice.lines.map((l) => [l.code, l.quantity, l.amountMinor])).toEqual(
        expected.lines.map((l) => [l.code, l.quantity, l.amountMinor]),
      );
      expect(s.invoice.vatSummary).toEqual(expected.vatSummary);
    }
  });
});
