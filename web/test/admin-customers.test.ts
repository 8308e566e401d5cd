// The retailer admin's customers and PODs (admin-customers.ts, admin-pods.ts) and the review of
// reported readings (reading-review.ts), against the real test database: search, scoping to the
// session's retailer, keyset paging order, and the review rules.
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@c4e/stack/testing/index";
import { customerFilter, getCustomer, listCustomers } from "@/server/admin/customers.ts";
import { getPod, listPods, podFilter } from "@/server/admin/pods.ts";
import type { StaffScope } from "@/server/core/authz.ts";
import { AppError } from "@/server/core/errors.ts";
import { listMeterReadings, reportMeterReading } from "@/server/prosumer/meter-readings.ts";
import { acceptReadingReport, rejectReadingReport } from "@/server/admin/reading-review.ts";
import { A, B, CHAIN_ID, reading, seedCustomers, TOKEN, transfer, ZERO } from "./fixtures.ts";

const R1: StaffScope = { retailerId: "ret-1", actor: "0xadmin1", role: "retailer_admin" };
const R2: StaffScope = { retailerId: "ret-2", actor: "0xadmin2", role: "retailer_admin" };
const CHAIN = { chainId: CHAIN_ID, tokenAddress: TOKEN } as const;
const TODAY = "2026-11-22";
const NOW = new Date("2026-11-22T10:00:00Z");

let db: pg.Pool;
let drop: () => Promise<void>;
const reports: Record<string, string> = {};

const filter = (f: Record<string, string> = {}) => customerFilter.parse(f);

async function notFound(p: Promise<unknown>) {
  await expect(p).rejects.toBeInstanceOf(AppError);
  await expect(p).rejects.toMatchObject({ code: "not_found" });
}

async function addReport(podId: string, customerId: string, date: string, kwh: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO meter_reading_report (pod_id, customer_id, read_on, kwh, reported_by)
     VALUES ($1, $2, $3, $4, '0xcustomer') RETURNING id::text`,
    [podId, customerId, date, kwh],
  );
  return rows[0]?.id ?? "";
}

beforeAll(async () => {
  const database = await createTestDatabase("web_admin_customers");
  drop = database.drop;
  db = createPool({ url: database.url, max: 4 });
  await seedCustomers(db);
  await db.query(`UPDATE customer SET email = 'alice@example.org', kind = 'retail' WHERE id = $1`, [
    A.customer,
  ]);
  await db.query(`UPDATE customer SET email = 'bob@wind.example', kind = 'b2b' WHERE id = $1`, [B.customer]);
  await db.query(`INSERT INTO retailer (id, name) VALUES ('ret-2', 'Other Retail')`);
  await db.query(
    `INSERT INTO customer (id, retailer_id, name, email) VALUES ('cust-c', 'ret-2', 'Alice Other', 'c@x.org')`,
  );
  await db.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES
       ('tr-1', '9900000000002', 'Green Retail', 'ret-1'), ('tr-2', '9900000000003', 'Other Retail', 'ret-2')`,
  );
  await db.query(`INSERT INTO distributor (id, code, name) VALUES ('dso-1', '9900000000009', 'Grid Co')`);
  await db.query(
    `INSERT INTO product (id, code, retailer_id, name, currency, tariff) VALUES ('prod-1', 'GREEN', 'ret-1', 'Green Home', 'EUR', '{}')`,
  );
  await db.query(
    `INSERT INTO product_version (product_id, version, name, tariff, status, published_at) VALUES
       ('prod-1', 1, 'Green Home', '{}', 'published', now()), ('prod-1', 2, 'Green Home 2027', '{}', 'published', now())`,
  );
  // A: active contract; B: ended contract; C (retailer 2): active contract
  await db.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, valid_to, currency, product_id, product_version, advance_mode) VALUES
       ('ctr-a', 'C-ALICE', $1, 'tr-1', '2026-03-01', NULL, 'EUR', 'prod-1', 2, 'percentage'),
       ('ctr-b', 'C-BOBW', $2, 'tr-1', '2025-01-01', '2026-01-01', 'EUR', NULL, NULL, 'none'),
       ('ctr-c', 'C-CARL', 'cust-c', 'tr-2', '2026-01-01', NULL, 'EUR', NULL, NULL, 'none')`,
    [A.customer, B.customer],
  );
  await db.query(
    `INSERT INTO pod (id, identifier, name, address, contract_id, site_id, metering, annual_reference_kwh,
       distributor_id, trader_id, sign_in_date, sign_out_date, time_zone) VALUES
     ('pod-a', 'DE-POD-A', 'Home A', 'Sunny Street 1', 'ctr-a', $1, 'slp', 3650, 'dso-1', 'tr-1', '2026-03-01', NULL, 'Europe/Berlin'),
     ('pod-b', 'DE-POD-B', 'Home B', 'Windy Road 2', 'ctr-b', $2, 'amr', 3650, 'dso-1', 'tr-1', '2025-01-01', '2026-01-01', 'Europe/Berlin'),
     ('pod-free', 'DE-POD-FREE', 'Vacant flat', 'Empty Lane 3', NULL, NULL, 'slp', 2000, 'dso-1', 'tr-1', '2026-01-01', NULL, 'Europe/Berlin'),
     ('pod-c', 'DE-POD-C', 'Home C', 'Far Away 9', 'ctr-c', NULL, 'slp', 3650, 'dso-1', 'tr-2', '2026-01-01', NULL, 'Europe/Berlin')`,
    [A.site, B.site],
  );
  await db.query(
    `INSERT INTO settlement_reading (pod_id, read_on, kwh, source) VALUES
       ('pod-a', '2026-03-01', 1000, 'manual'), ('pod-a', '2026-11-01', 3000, 'manual')`,
  );
  reports.toAccept = await addReport("pod-a", A.customer, "2026-11-20", "3200.5");
  reports.sameDay = await addReport("pod-a", A.customer, "2026-11-01", "3001");
  reports.toReject = await addReport("pod-a", A.customer, "2026-11-10", "3100");
  reports.ofR2 = await addReport("pod-c", "cust-c", "2026-11-15", "500");
  const lead = await db.query<{ id: string }>(
    `INSERT INTO crm_lead (retailer_id, name, email, customer_id, stage) VALUES ('ret-1', 'Alice Sun', 'alice@example.org', $1, 'active')
     RETURNING id::text`,
    [A.customer],
  );
  reports.leadId = lead.rows[0]?.id ?? "";
  await db.query(
    `INSERT INTO crm_activity (lead_id, retailer_id, kind, body, author) VALUES ($1::uuid, 'ret-1', 'call', 'Welcome call', '0xagent')`,
    [reports.leadId],
  );
  // energy of A's meters: yesterday (Berlin) and a reading older than 14 days that must not count
  await reading(db, "m-a-grid", "2026-11-21T12:00:00Z", "import", 1500);
  await reading(db, "m-a-grid", "2026-11-21T13:00:00Z", "export", 700);
  await reading(db, "m-a-pv", "2026-11-21T13:00:00Z", "export", 2200);
  await reading(db, "m-a-grid", "2026-11-01T12:00:00Z", "import", 99999);
  await db.query(
    `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh) VALUES
       ('m-a-grid', 'import', '2026-11-21T12:00:00Z', '2026-11-21T12:15:00Z', 400),
       ('m-a-grid', 'import', '2026-11-21T12:15:00Z', '2026-11-21T12:30:00Z', 350)`,
  );
  await transfer(db, ZERO, A.wallet, 3n * 10n ** 18n);
});

afterAll(async () => {
  await db?.end();
  await drop?.();
});

describe("customer list", () => {
  it("finds a customer by name, e-mail, POD identifier and wallet address", async () => {
    const names = async (q: string, scope = R1) =>
      (await listCustomers(db, scope, filter({ q }), TODAY)).rows.map((r) => r.id);
    expect(await names("alice")).toEqual([A.customer]);
    expect(await names("wind.example")).toEqual([B.customer]);
    expect(await names("DE-POD-B")).toEqual([B.customer]);
    expect(await names("de-pod-b")).toEqual([B.customer]); // identifiers are upper case
    expect(await names(B.wallet.toUpperCase().replace("0X", "0x"))).toEqual([B.customer]);
    expect(await names("100%")).toEqual([]); // wildcards are literal
  });

  it("filters by kind and by an active contract on the retailer's date", async () => {
    const ids = async (f: Record<string, string>) =>
      (await listCustomers(db, R1, filter(f), TODAY)).rows.map((r) => r.id);
    expect(await ids({ kind: "b2b" })).toEqual([B.customer]);
    expect(await ids({ active: "1" })).toEqual([A.customer]);
    // before A's contract started, nobody had one
    expect((await listCustomers(db, R1, filter({ active: "1" }), "2026-02-01")).rows).toEqual([]);
    const alice = (await listCustomers(db, R1, filter({ q: "alice" }), TODAY)).rows[0];
    expect(alice).toMatchObject({ activeContract: true, pods: ["DE-POD-A"], kind: "retail" });
  });

  it("is scoped to the session's retailer", async () => {
    expect((await listCustomers(db, R2, filter({ q: "alice" }), TODAY)).rows.map((r) => r.id)).toEqual([
      "cust-c",
    ]);
    expect((await listCustomers(db, R2, filter({ q: "DE-POD-A" }), TODAY)).rows).toEqual([]);
    expect((await listCustomers(db, R2, filter({ q: A.wallet }), TODAY)).rows).toEqual([]);
    expect((await listCustomers(db, R1, filter({ q: "c@x.org" }), TODAY)).rows).toEqual([]);
  });

  it("pages by (name, id) without gaps or repeats, ties broken by id", async () => {
    // 23 customers, several with the same name, inserted out of order
    const bulk = Array.from({ length: 23 }, (_, i) => ({
      id: `bulk-${String((i * 7) % 23).padStart(2, "0")}`,
      name: `Bulk ${String.fromCharCode(65 + (i % 5))}`,
    }));
    for (const c of bulk)
      await db.query(`INSERT INTO customer (id, retailer_id, name) VALUES ($1, 'ret-1', $2)`, [c.id, c.name]);
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listCustomers(db, R1, filter({ q: "bulk", ...(after ? { after } : {}) }), TODAY, 5);
      seen.push(...page.rows.map((r) => r.id));
      if (!page.nextAfter) break;
      after = page.nextAfter;
    }
    const expected = [...bulk]
      .sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1))
      .map((c) => c.id);
    expect(seen).toEqual(expected);
    // another retailer's id as cursor gives nothing rather than its page
    expect((await listCustomers(db, R2, filter({ after: "bulk-01" }), TODAY)).rows).toEqual([]);
  });

  it("lists customers without a lead for the CRM search", async () => {
    const ids = (await listCustomers(db, R1, filter({ q: "Sun", noLead: "1" }), TODAY)).rows;
    expect(ids).toEqual([]); // Alice Sun has a lead
    expect(
      (await listCustomers(db, R1, filter({ q: "Bob", noLead: "1" }), TODAY)).rows.map((r) => r.id),
    ).toEqual([B.customer]);
  });
});

describe("customer detail", () => {
  it("shows contracts, PODs with meters, reports, the lead and the balance", async () => {
    const c = await getCustomer(db, R1, A.customer, CHAIN);
    expect(c.customer).toMatchObject({ name: "Alice Sun", email: "alice@example.org", kind: "retail" });
    expect(c.wallets).toEqual([{ address: A.wallet, primary: true }]);
    expect(c.contracts).toEqual([
      expect.objectContaining({
        number: "C-ALICE",
        productCode: "GREEN",
        productVersion: 2,
        validFrom: "2026-03-01",
        validTo: null,
        advanceMode: "percentage",
      }),
    ]);
    expect(c.pods).toHaveLength(1);
    expect(c.pods[0]).toMatchObject({ identifier: "DE-POD-A", address: "Sunny Street 1", metering: "slp" });
    const grid = c.pods[0]?.meters.find((m) => m.id === "m-a-grid");
    expect(grid).toMatchObject({
      kind: "grid",
      gatewayId: "gw-1",
      lastReadingAt: "2026-11-21T13:00:00.000Z",
    });
    expect(c.reports.map((r) => r.date)).toContain("2026-11-20");
    expect(c.lead).toMatchObject({ id: reports.leadId, stage: "active" });
    expect(c.lead?.activities.map((a) => a.body)).toEqual(["Welcome call"]);
    expect(c.balance).toBe((3n * 10n ** 18n).toString());
  });

  it("is not found for another retailer's customer or an unknown id", async () => {
    await notFound(getCustomer(db, R2, A.customer, CHAIN));
    await notFound(getCustomer(db, R1, "cust-c", CHAIN));
    await notFound(getCustomer(db, R1, "nope", CHAIN));
  });
});

describe("POD list and detail", () => {
  it("lists the retailer's PODs, including one without contract through its trader", async () => {
    const ids = async (f: Record<string, string>, scope = R1) =>
      (await listPods(db, scope, podFilter.parse(f), TODAY)).rows.map((r) => r.identifier);
    expect(await ids({})).toEqual(["DE-POD-A", "DE-POD-B", "DE-POD-FREE"]);
    expect(await ids({}, R2)).toEqual(["DE-POD-C"]);
    expect(await ids({ state: "supplied" })).toEqual(["DE-POD-A"]);
    expect(await ids({ state: "signed_out" })).toEqual(["DE-POD-B"]);
    expect(await ids({ state: "no_contract" })).toEqual(["DE-POD-FREE"]);
    expect(await ids({ q: "windy" })).toEqual(["DE-POD-B"]);
    expect(await ids({ q: "alice sun" })).toEqual(["DE-POD-A"]);
    expect(await ids({ q: "far away" })).toEqual([]);
    const page = await listPods(db, R1, podFilter.parse({}), TODAY, 2);
    expect(page.nextAfter).toBe("DE-POD-B");
    expect(
      (await listPods(db, R1, podFilter.parse({ after: "DE-POD-B" }), TODAY)).rows.map((r) => r.id),
    ).toEqual(["pod-free"]);
    const a = (await listPods(db, R1, podFilter.parse({ q: "DE-POD-A" }), TODAY)).rows[0];
    expect(a).toMatchObject({ customerId: A.customer, pendingReports: 3 });
  });

  it("shows meters, 14 local days of energy and the readings", async () => {
    const p = await getPod(db, R1, "pod-a", TODAY, NOW);
    expect(p.pod).toMatchObject({ identifier: "DE-POD-A", contractNumber: "C-ALICE", state: "supplied" });
    expect(p.meters.map((m) => m.id).sort()).toEqual(["m-a-grid", "m-a-pv"]);
    expect(p.energy).toHaveLength(14);
    expect(p.energy[0]?.date).toBe("2026-11-22");
    expect(p.energy[13]?.date).toBe("2026-11-09");
    expect(p.energy.find((d) => d.date === "2026-11-21")).toEqual({
      date: "2026-11-21",
      importWh: "1500",
      exportWh: "700",
      productionWh: "2200",
      intervalImportWh: "750",
      intervals: 2,
    });
    expect(p.energy.every((d) => d.importWh !== "99999")).toBe(true);
    expect(p.settlementReadings.map((s) => s.date)).toEqual(["2026-11-01", "2026-03-01"]);
    expect(p.reports.map((r) => r.status)).toEqual(["pending", "pending", "pending"]);
  });

  it("is not found for another retailer's POD", async () => {
    await notFound(getPod(db, R1, "pod-c", TODAY, NOW));
    await notFound(getPod(db, R2, "pod-a", TODAY, NOW));
  });
});

describe("review of reported readings", () => {
  it("refuses another retailer's report as not found and leaves it pending", async () => {
    await notFound(acceptReadingReport(db, R1, { reportId: reports.ofR2 }));
    await notFound(rejectReadingReport(db, R1, { reportId: reports.ofR2, reason: "no" }));
    await notFound(acceptReadingReport(db, R2, { reportId: reports.toAccept }));
    const r = await db.query("SELECT status::text FROM meter_reading_report WHERE id = $1", [reports.ofR2]);
    expect(r.rows[0]).toEqual({ status: "pending" });
  });

  it("accepts a report as settlement reading (source customer), audited, once", async () => {
    expect(await acceptReadingReport(db, R1, { reportId: reports.toAccept })).toEqual({
      ok: true,
      value: { reportId: reports.toAccept, podId: "pod-a", status: "accepted" },
    });
    const s = await db.query(
      "SELECT kwh::text, source FROM settlement_reading WHERE pod_id = 'pod-a' AND read_on = '2026-11-20'",
    );
    expect(s.rows).toEqual([{ kwh: "3200.500", source: "customer" }]);
    const r = await db.query("SELECT status::text, reviewed_by FROM meter_reading_report WHERE id = $1", [
      reports.toAccept,
    ]);
    expect(r.rows[0]).toEqual({ status: "accepted", reviewed_by: "0xadmin1" });
    const audit = await db.query(
      "SELECT actor, action, target_id, retailer_id FROM audit_log WHERE action = 'meter_reading.accept'",
    );
    expect(audit.rows).toEqual([
      {
        actor: "0xadmin1",
        action: "meter_reading.accept",
        target_id: reports.toAccept,
        retailer_id: "ret-1",
      },
    ]);
    expect(await acceptReadingReport(db, R1, { reportId: reports.toAccept })).toMatchObject({
      ok: false,
      error: "conflict",
      fieldErrors: { reportId: "admin.pods.review.error.reviewed" },
    });
  });

  it("refuses to accept a date that already has a settlement reading", async () => {
    expect(await acceptReadingReport(db, R1, { reportId: reports.sameDay })).toMatchObject({
      ok: false,
      error: "conflict",
      status: 409,
      fieldErrors: { reportId: "admin.pods.review.error.settlementExists" },
    });
    const s = await db.query(
      "SELECT kwh::text, source FROM settlement_reading WHERE pod_id = 'pod-a' AND read_on = '2026-11-01'",
    );
    expect(s.rows).toEqual([{ kwh: "3000.000", source: "manual" }]); // the distributor's stays
    const r = await db.query("SELECT status::text FROM meter_reading_report WHERE id = $1", [
      reports.sameDay,
    ]);
    expect(r.rows[0]).toEqual({ status: "pending" });
  });

  it("rejects with a reason (required), audited; the customer sees status and reason", async () => {
    expect(await rejectReadingReport(db, R1, { reportId: reports.toReject, reason: "  " })).toMatchObject({
      ok: false,
      error: "bad_request",
      fieldErrors: { reason: "admin.pods.review.error.reasonRequired" },
    });
    expect(await rejectReadingReport(db, R1, { reportId: "x1", reason: "typo" })).toMatchObject({
      ok: false,
      fieldErrors: { reportId: "admin.pods.review.error.report" },
    });
    expect(
      await rejectReadingReport(db, R1, { reportId: reports.toReject, reason: "Photo shows 3010" }),
    ).toMatchObject({
      ok: true,
      value: { status: "rejected" },
    });
    expect(await acceptReadingReport(db, R1, { reportId: reports.toReject })).toMatchObject({
      ok: false,
      error: "conflict",
    });
    const audit = await db.query("SELECT detail FROM audit_log WHERE action = 'meter_reading.reject'");
    expect(audit.rows[0]?.detail).toMatchObject({ reason: "Photo shows 3010", date: "2026-11-10" });
    const mine = await listMeterReadings(db, { customerId: A.customer });
    expect(mine.find((r) => r.date === "2026-11-10")).toMatchObject({
      status: "rejected",
      rejectReason: "Photo shows 3010",
    });
    expect(mine.find((r) => r.date === "2026-11-20")).toMatchObject({
      status: "accepted",
      rejectReason: null,
    });
  });

  it("a rejected report no longer bounds the customer's next reports, but its date stays taken", async () => {
    // 3050 on Nov 12 is below the rejected 3100 of Nov 10: allowed now that 3100 was rejected
    const scope = { customerId: A.customer, address: A.wallet };
    expect(
      await reportMeterReading(db, scope, { podId: "pod-a", date: "2026-11-12", kwh: "3050" }, NOW),
    ).toMatchObject({ ok: true });
    expect(
      await reportMeterReading(db, scope, { podId: "pod-a", date: "2026-11-10", kwh: "3010" }, NOW),
    ).toMatchObject({ ok: false, fieldErrors: { date: "meterReading.error.sameDay" } });
  });
});
