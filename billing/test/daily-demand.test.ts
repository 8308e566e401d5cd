// Bill runs with a demand charge per day (issue 13): the peak of each local day comes from SQL, from
// either interval store, and the invoice equals the domain's on the raw intervals — October 2026 in
// Europe/Berlin, whose 25 October has 25 hours (its buckets from 22:00Z on the 24th to 23:00Z).
import { type IntervalReading, type Tariff, aggregateIntervals, computeInvoice } from "@c4e/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { whToKwh } from "../src/aggregate-intervals.ts";
import { runBill } from "../src/bill-run.ts";
import { compactIntervals } from "../src/compact-intervals.ts";
import { dailyPeakDemand } from "../src/daily-demand.ts";
import { loadInvoices } from "../src/invoice-store.ts";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "./fixtures.ts";

let t: BillingTestDb;

const DAILY: Tariff = {
  name: "Day-demand",
  currency: "EUR",
  single: { price: "0.28" },
  demand: {
    resolutionMinutes: 15,
    per: "day",
    price: [
      { from: "2026-01-01", price: "0.35" },
      { from: "2026-10-16", price: "0.40" },
    ],
  },
};
const PERIOD = { start: "2026-10-01", end: "2026-11-01" };
const START = new Date("2026-09-30T22:00:00Z");
const END = new Date("2026-10-31T23:00:00Z");

let meter: { podId: string; meterId: string };
let raw: IntervalReading[];

beforeAll(async () => {
  t = await createBillingTestDb("daily_demand");
  await seedIntervals(t);
  await t.pool.query(`UPDATE contract SET energy_tariff = $1 WHERE id = 'ctr-carol'`, [
    JSON.stringify(DAILY),
  ]);
  const m = await t.pool.query<{ pod_id: string; meter_id: string }>(
    `SELECT p.id AS pod_id, m.id AS meter_id FROM pod p JOIN meter m ON m.site_id = p.site_id AND m.kind = 'grid'
     WHERE p.contract_id = 'ctr-carol'`,
  );
  meter = { podId: m.rows[0]!.pod_id, meterId: m.rows[0]!.meter_id };
  const rows = await t.pool.query<{ start_at: Date; import_wh: string; export_wh: string }>(
    `SELECT start_at, coalesce(max(energy_wh) FILTER (WHERE register = 'import'), 0)::text AS import_wh,
       coalesce(max(energy_wh) FILTER (WHERE register = 'export'), 0)::text AS export_wh
     FROM reading_interval WHERE meter_id = $1 AND start_at >= $2 AND start_at < $3
     GROUP BY start_at ORDER BY start_at`,
    [meter.meterId, START, END],
  );
  raw = rows.rows.map((r) => ({
    start: r.start_at.toISOString(),
    importKwh: whToKwh(BigInt(r.import_wh)),
    exportKwh: whToKwh(BigInt(r.export_wh)),
  }));
});
afterAll(async () => {
  await t?.close();
});

describe("demand per day in bill runs", () => {
  it("gives each local day's peak from both stores, equal to the domain's on the raw intervals", async () => {
    await compactIntervals(t.pool, { fromDay: "2026-09-30", toDay: "2026-11-01", meterIds: [meter.meterId] });
    const domain = aggregateIntervals({
      tariff: DAILY,
      period: PERIOD,
      timeZone: "Europe/Berlin",
      consumption: { kind: "intervals", intervals: raw },
    }).dailyPeakDemandKw!;
    expect(Object.keys(domain)).toHaveLength(31);
    for (const source of ["compact", "reading_interval"] as const) {
      const peaks = await dailyPeakDemand(t.pool, {
        meters: [meter],
        start: START,
        end: END,
        timeZone: "Europe/Berlin",
        demandMinutes: 15,
        source,
      });
      const kw = Object.fromEntries([...peaks.get(meter.podId)!].map(([d, wh]) => [d, whToKwh(wh * 4n)]));
      expect(kw, source).toEqual(domain);
    }
  });

  it("bills one demand line per day at that day's price, as the domain does", async () => {
    const run = await runBill(t.pool, { period: "2026-10" });
    expect(run).toMatchObject({ drafted: 3, failed: 0 });
    const id = (await t.pool.query(`SELECT id FROM invoice WHERE contract_id = 'ctr-carol'`)).rows[0].id;
    const [stored] = await loadInvoices(t.pool, [id]);
    const terms = (await t.pool.query(`SELECT billing_input FROM invoice WHERE id = $1`, [id])).rows[0]
      .billing_input.terms;
    const expected = computeInvoice({
      tariff: DAILY,
      terms,
      period: PERIOD,
      timeZone: "Europe/Berlin",
      consumption: { kind: "intervals", intervals: raw },
    });
    // one line per price segment (15 days at 0.35, 16 at 0.40), each listing its days' peaks
    const demand = stored!.invoice.lines.filter((l) => l.code === "demand");
    expect(demand.map((l) => [l.unitPrice, Object.keys(l.breakdown!.dailyPeakKw as object).length])).toEqual([
      ["0.35", 15],
      ["0.4", 16],
    ]);
    expect(stored!.invoice.lines.map((l) => [l.code, l.quantity, l.unitPrice, l.amountMinor])).toEqual(
      expected.lines.map((l) => [l.code, l.quantity, l.unitPrice, l.amountMinor]),
    );
    expect(stored!.invoice.totalMinor).toBe(expected.totalMinor);
  });
});
