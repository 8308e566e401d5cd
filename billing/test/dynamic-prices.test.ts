import { computeInvoice, type IntervalReading, type Tariff } from "@c4e/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { whToKwh } from "../src/aggregate-intervals.ts";
import { runBill } from "../src/bill-run.ts";
import { loadInvoices } from "../src/invoice-store.ts";
import { importMarketPrices } from "../src/market-prices.ts";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "./fixtures.ts";

let t: BillingTestDb;

const DYNAMIC: Tariff = {
  name: "Spot + margin",
  currency: "EUR",
  dynamic: { resolutionMinutes: 60, margin: "0.025" },
  fixedCharges: [{ code: "base", description: "Base charge", per: "month", price: "5.00" }],
  demand: { resolutionMinutes: 15, price: "4.20" },
};

/** Hourly prices 2026-09-30T20:00Z … 2026-11-01T02:00Z (exclusive), varying by hour, some negative. */
function priceCsv(): string {
  const lines = ["start,price"];
  for (let ms = Date.parse("2026-09-30T20:00Z"); ms < Date.parse("2026-11-01T02:00Z"); ms += 3_600_000) {
    const h = new Date(ms).getUTCHours();
    const d = new Date(ms).getUTCDate();
    lines.push(`${new Date(ms).toISOString()},${((((h * 7 + d * 3) % 41) - 5) / 137).toFixed(8)}`);
  }
  return lines.join("\n");
}

beforeAll(async () => {
  t = await createBillingTestDb("dynamic");
  await seedIntervals(t);
  await t.pool.query(`UPDATE contract SET energy_tariff = $1 WHERE id = 'ctr-carol'`, [
    JSON.stringify(DYNAMIC),
  ]);
});
afterAll(async () => {
  await t?.close();
});

describe("dynamic tariffs in bill runs", () => {
  it("fails the POD with market_price_missing until prices are stored", async () => {
    const run = await runBill(t.pool, { period: "2026-10" });
    expect(run).toMatchObject({ drafted: 2, failed: 1 });
    const item = await t.pool.query(`SELECT error FROM bill_run_item WHERE status = 'failed'`);
    expect(item.rows[0].error).toMatch(
      /^market_price_missing: 2980 intervals without a 60-minute EUR price in zone DE-LU/,
    );
  });

  it("refuses a bad CSV whole, imports a good one", async () => {
    await expect(
      importMarketPrices(t.pool, "start,price\n2026-10-01T00:15:00Z,0.1\n2026-10-01T01:00:00Z,abc\n", {
        zone: "DE-LU",
        currency: "EUR",
        resolutionMinutes: 60,
      }),
    ).rejects.toThrow(/line 2: start: not on the 60-minute grid; line 3: price/);
    const n = await t.pool.query(`SELECT count(*)::int AS n FROM market_price`);
    expect(n.rows[0].n).toBe(0);
    const res = await importMarketPrices(t.pool, priceCsv(), {
      zone: "DE-LU",
      currency: "EUR",
      resolutionMinutes: 60,
    });
    // 2026-09-30T20:00Z … 2026-11-01T01:00Z: 31 days + 6 h = 750 hours
    expect(res.rows).toBe(750);
  });

  it("bills Σ kWh × price per interval in SQL, equal to the domain on the raw intervals", async () => {
    const run = await runBill(t.pool, { period: "2026-10" });
    expect(run).toMatchObject({ drafted: 3, failed: 0 });
    const row = await t.pool.query<{ id: string; meter_id: string }>(
      `SELECT i.id, m.id AS meter_id FROM invoice i JOIN pod p ON p.id = i.pod_id
       JOIN meter m ON m.site_id = p.site_id AND m.kind = 'grid' WHERE i.contract_id = 'ctr-carol'`,
    );
    const [stored] = await loadInvoices(t.pool, [row.rows[0]!.id]);
    const raw = await t.pool.query<{ start_at: Date; import_wh: string; export_wh: string }>(
      `SELECT start_at, max(energy_wh) FILTER (WHERE register = 'import')::text AS import_wh,
         max(energy_wh) FILTER (WHERE register = 'export')::text AS export_wh
       FROM reading_interval WHERE meter_id = $1 GROUP BY start_at ORDER BY start_at`,
      [row.rows[0]!.meter_id],
    );
    const intervals: IntervalReading[] = raw.rows.map((r) => ({
      start: r.start_at.toISOString(),
      importKwh: whToKwh(BigInt(r.import_wh)),
      exportKwh: whToKwh(BigInt(r.export_wh)),
    }));
    const prices = await t.pool.query<{ start_at: Date; price: string }>(
      `SELECT start_at, price::text FROM market_price ORDER BY start_at`,
    );
    const billingInput = (
      await t.pool.query(`SELECT billing_input FROM invoice WHERE id = $1`, [row.rows[0]!.id])
    ).rows[0].billing_input;
    const expected = computeInvoice({
      tariff: DYNAMIC,
      terms: billingInput.terms,
      period: { start: "2026-10-01", end: "2026-11-01" },
      timeZone: "Europe/Berlin",
      consumption: { kind: "intervals", intervals },
      marketPrices: prices.rows.map((p) => ({ start: p.start_at.toISOString(), price: p.price })),
    });
    expect(stored!.invoice.lines.map((l) => [l.code, l.quantity, l.preciseAmount, l.amountMinor])).toEqual(
      expected.lines.map((l) => [l.code, l.quantity, l.preciseAmount, l.amountMinor]),
    );
    expect(stored!.invoice.totalMinor).toBe(expected.totalMinor);
    expect(stored!.invoice.lines.map((l) => l.code)).toContain("energy.spot");
  });
});
