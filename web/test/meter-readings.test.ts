// Meter readings reported by customers (meter-readings.ts, the rules in domain/src/readings): scoped to the
// customer's own PODs, checked against the calendar, the supply period and the neighbouring readings
// (the distributor's and the customer's), exact decimals, listed for the customer only.
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@c4e/stack/testing/index";
import { formatDecimalText } from "@/lib/format.ts";
import { getCustomerBilling } from "@/server/prosumer/invoices.ts";
import { listMeterReadings, reportMeterReading } from "@/server/prosumer/meter-readings.ts";
import { A, B, seedCustomers } from "./fixtures.ts";

// 10:00 UTC on Nov 22 = 11:00 in Berlin; 23:30 UTC on Nov 22 is already Nov 23 in Berlin.
const NOW = new Date("2026-11-22T10:00:00Z");
const scopeA = { customerId: A.customer, address: A.wallet };
const scopeB = { customerId: B.customer, address: B.wallet };

let db: pg.Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabase("web_meter_readings");
  drop = database.drop;
  db = createPool({ url: database.url, max: 2 });
  await seedCustomers(db);
  await db.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-1', '9900000000002', 'Green Retail', 'ret-1')`,
  );
  await db.query(`INSERT INTO distributor (id, code, name) VALUES ('dso-1', '9900000000009', 'Grid Co')`);
  await db.query(
    `INSERT INTO product (id, code, retailer_id, name, currency, tariff) VALUES ('prod-1', 'GREEN', 'ret-1', 'Green Home', 'EUR', '{}')`,
  );
  await db.query(
    `INSERT INTO product_version (product_id, version, name, tariff, status, published_at) VALUES
       ('prod-1', 1, 'Green Home', '{}', 'published', now()), ('prod-1', 2, 'Green Home 2027', '{}', 'published', now())`,
  );
  await db.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, product_id, product_version) VALUES
       ('ctr-a', 'C-ALICE', $1, 'tr-1', '2026-03-01', 'EUR', 'prod-1', 2),
       ('ctr-b', 'C-BOBW', $2, 'tr-1', '2026-01-01', 'EUR', 'prod-1', 1)`,
    [A.customer, B.customer],
  );
  await db.query(
    `INSERT INTO pod (id, identifier, name, address, contract_id, metering, annual_reference_kwh,
       distributor_id, trader_id, sign_in_date, time_zone)
     VALUES ('pod-a', 'DE-POD-A', 'Home A', 'Street 1', 'ctr-a', 'slp', 3650, 'dso-1', 'tr-1', '2026-03-01', 'Europe/Berlin'),
            ('pod-b', 'DE-POD-B', 'Home B', 'Street 2', 'ctr-b', 'slp', 3650, 'dso-1', 'tr-1', '2026-01-01', 'Europe/Berlin')`,
  );
  // The distributor's reading at sign-in and one in the autumn.
  await db.query(
    `INSERT INTO settlement_reading (pod_id, read_on, kwh, source) VALUES
       ('pod-a', '2026-03-01', 1000, 'manual'), ('pod-a', '2026-10-01', 3000, 'manual')`,
  );
});

afterAll(async () => {
  await db?.end();
  await drop?.();
});

const report = (input: Record<string, string>, scope = scopeA, now = NOW) =>
  reportMeterReading(db, scope, input, now);

// the rules themselves are tested in domain/src/readings; here only what web adds around them
describe("meter reading display", () => {
  it("shows a stored reading exactly, grouped", () => {
    expect(formatDecimalText("99999999999.999")).toBe("99,999,999,999.999");
  });
});

describe("reporting a meter reading", () => {
  it("records a valid reading for the customer's own POD and lists it", async () => {
    expect(await report({ podId: "pod-a", date: "2026-11-20", kwh: "3500,25" })).toEqual({
      ok: true,
      value: { podId: "pod-a", date: "2026-11-20", kwh: "3500.25" },
    });
    const stored = await db.query(
      "SELECT customer_id, kwh::text, source, reported_by FROM meter_reading_report",
    );
    expect(stored.rows).toEqual([
      { customer_id: A.customer, kwh: "3500.250", source: "customer", reported_by: A.wallet },
    ]);
    expect(await listMeterReadings(db, scopeA)).toEqual([
      expect.objectContaining({ podIdentifier: "DE-POD-A", date: "2026-11-20", kwh: "3500.25" }),
    ]);
    expect(await listMeterReadings(db, scopeB)).toEqual([]);
    // not a distributor reading: settlement_reading is untouched (no settlement starts from it)
    const settlement = await db.query("SELECT count(*)::int AS n FROM settlement_reading");
    expect(settlement.rows[0]).toEqual({ n: 2 });
  });

  it("refuses another customer's POD (and an unknown one) as not_found", async () => {
    await expect(report({ podId: "pod-b", date: "2026-11-20", kwh: "10" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(report({ podId: "pod-a", date: "2026-11-21", kwh: "3600" }, scopeB)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(report({ podId: "nope", date: "2026-11-21", kwh: "1" })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("refuses bad input and implausible values at their field, recording nothing", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ podId: "", date: "2026-11-21", kwh: "1" }, "podId", "meterReading.error.pod"],
      [{ podId: "pod-a", date: "2026-02-30", kwh: "3600" }, "date", "meterReading.error.date"],
      [{ podId: "pod-a", date: "21.11.2026", kwh: "3600" }, "date", "meterReading.error.date"],
      [{ podId: "pod-a", date: "2026-11-21", kwh: "-5" }, "kwh", "meterReading.error.kwh"],
      [{ podId: "pod-a", date: "2026-11-21", kwh: "1.2345" }, "kwh", "meterReading.error.kwh"],
      [{ podId: "pod-a", date: "2026-11-21", kwh: "1e3" }, "kwh", "meterReading.error.kwh"],
      // Nov 23 is "tomorrow" in Berlin
      [{ podId: "pod-a", date: "2026-11-23", kwh: "3600" }, "date", "meterReading.error.future"],
      [{ podId: "pod-a", date: "2026-02-28", kwh: "900" }, "date", "meterReading.error.beforeSupply"],
      [{ podId: "pod-a", date: "2026-11-20", kwh: "3500.25" }, "date", "meterReading.error.sameDay"],
      [{ podId: "pod-a", date: "2026-10-01", kwh: "3000" }, "date", "meterReading.error.sameDay"],
      // below the customer's own reading of Nov 20
      [{ podId: "pod-a", date: "2026-11-21", kwh: "3500.2" }, "kwh", "meterReading.error.belowPrevious"],
      // between the distributor's Oct 1 (3000) and the customer's Nov 20 (3500.25)
      [{ podId: "pod-a", date: "2026-11-01", kwh: "2999.999" }, "kwh", "meterReading.error.belowPrevious"],
      [{ podId: "pod-a", date: "2026-11-01", kwh: "3500.251" }, "kwh", "meterReading.error.aboveNext"],
      // a digit too many: 35002 kWh two days after 3500.25 kWh (max 2 × 40 kWh)
      [{ podId: "pod-a", date: "2026-11-22", kwh: "35002" }, "kwh", "meterReading.error.implausible"],
    ];
    for (const [input, field, key] of cases) {
      const result = await report(input);
      expect(result, JSON.stringify(input)).toMatchObject({ ok: false, error: "bad_request", status: 400 });
      expect(!result.ok && result.fieldErrors, JSON.stringify(input)).toEqual({ [field]: key });
    }
    expect(await listMeterReadings(db, scopeA)).toHaveLength(1);
  });

  it("uses the POD's local date for 'today' and accepts a reading between two others", async () => {
    // 23:30 UTC on Nov 22 is Nov 23, 00:30 in Berlin: Nov 23 is today there
    expect(
      await report(
        { podId: "pod-a", date: "2026-11-23", kwh: "3520" },
        scopeA,
        new Date("2026-11-22T23:30:00Z"),
      ),
    ).toMatchObject({ ok: true });
    expect(await report({ podId: "pod-a", date: "2026-11-01", kwh: "3200" })).toMatchObject({ ok: true });
    expect((await listMeterReadings(db, scopeA)).map((r) => r.date)).toEqual([
      "2026-11-23",
      "2026-11-20",
      "2026-11-01",
    ]);
  });
});

describe("contract and product details for the customer", () => {
  it("shows the product with the version signed, the PODs with ids and the reported readings", async () => {
    const billing = await getCustomerBilling(db, scopeA);
    expect(billing.contracts).toEqual([
      expect.objectContaining({
        number: "C-ALICE",
        product: { code: "GREEN", name: "Green Home", version: 2, versionName: "Green Home 2027" },
        pods: [expect.objectContaining({ id: "pod-a", identifier: "DE-POD-A", supplyStart: "2026-03-01" })],
      }),
    ]);
    expect(billing.meterReadings).toHaveLength(3);
    const b = await getCustomerBilling(db, scopeB);
    expect(b.contracts.map((c) => c.product?.version)).toEqual([1]);
    expect(JSON.stringify(b)).not.toContain("pod-a");
    expect(b.meterReadings).toEqual([]);
  });
});
