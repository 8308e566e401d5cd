// Browser flow of the retailer admin's customers and PODs, against the built app on a test database:
// the admin (dev account 0) finds customer A by a POD identifier, opens the customer, opens the POD,
// accepts the reading the customer reported, and the settlement reading appears (and is in the
// database with source 'customer', audited). C4E_SCREENSHOTS=1 also writes docs/img/admin-customer.png and
// docs/img/admin-pod.png.
import { join } from "node:path";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestChain } from "@c4e/stack/testing/index";
import { seedDemo } from "./demo-seed.ts";
import { A } from "./fixtures.ts";
import { type BrowserApp, signIn, startBrowserApp } from "./browser-harness.ts";

const SCREENSHOTS = process.env.C4E_SCREENSHOTS === "1";
const IMG_DIR = join(import.meta.dirname, "..", "..", "docs", "img");
const POD_IDENTIFIER = "DE0001234567890000000000000ALICE";

let db: pg.Pool;
let web: BrowserApp["web"];
let browser: Browser;
let reportId = "";
const cleanup: (() => Promise<unknown>)[] = [];

/** Customer A's contract with an SLP POD on A's site, the distributor's reading at sign-in and A's own report. */
async function seedPod(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-1', '9900000000002', 'Green Retail', 'ret-1')`,
  );
  await pool.query(`INSERT INTO distributor (id, code, name) VALUES ('dso-1', '9900000000009', 'Grid Co')`);
  await pool.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency)
     VALUES ('ctr-a', 'C-ALICE', $1, 'tr-1', '2026-01-01', 'EUR')`,
    [A.customer],
  );
  await pool.query(
    `INSERT INTO pod (id, identifier, name, address, site_id, contract_id, metering, annual_reference_kwh,
       distributor_id, trader_id, sign_in_date, time_zone)
     VALUES ('pod-a', $1, 'Home A', 'Sunny Street 1', $2, 'ctr-a', 'slp', 3650, 'dso-1', 'tr-1', '2026-01-01', 'Europe/Berlin')`,
    [POD_IDENTIFIER, A.site],
  );
  await pool.query(
    `INSERT INTO settlement_reading (pod_id, read_on, kwh, source) VALUES ('pod-a', '2026-01-01', 1000, 'manual')`,
  );
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO meter_reading_report (pod_id, customer_id, read_on, kwh, reported_by)
     VALUES ('pod-a', $1, '2026-06-30', 2500.25, $2) RETURNING id::text`,
    [A.customer, A.wallet],
  );
  reportId = rows[0]?.id ?? "";
}

beforeAll(async () => {
  const [database, chain] = await Promise.all([
    createTestDatabase("web_customers_browser"),
    startTestChain(),
  ]);
  cleanup.push(database.drop, chain.stop);
  db = createPool({ url: database.url, max: 4 });
  cleanup.push(() => db.end());
  await seedDemo(db);
  await seedPod(db);
  const app = await startBrowserApp(database.url, chain.url, {
    PERKS_ADDRESS: "0x00000000000000000000000000000000000000b1",
    GREEN_CERTIFICATES_ADDRESS: "0x00000000000000000000000000000000000000c1",
    PUBLIC_RETAILER_ID: "ret-1",
  });
  ({ web, browser } = app);
  cleanup.push(app.stop);
}, 300_000);

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
});

describe("admin customers and PODs", () => {
  it("finds a customer by POD identifier, opens the POD and accepts the reported reading", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/customers", 0);
    const search = page.getByTestId("customer-search");
    await search.waitFor({ timeout: 30_000 });
    await search
      .getByLabel("Name, e-mail, POD identifier or wallet address")
      .fill(POD_IDENTIFIER.toLowerCase());
    await search.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/q=/, { timeout: 15_000 });
    const rows = page.getByTestId("customer-row");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain(POD_IDENTIFIER);

    await rows.first().getByRole("link", { name: "Alice Sun" }).click();
    await page.getByTestId("customer-name").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("customer-name").textContent()).toBe("Alice Sun");
    const pod = page.getByTestId("customer-pod");
    expect(await pod.textContent()).toContain("Sunny Street 1");
    expect(await pod.textContent()).toContain("m-a-grid");
    expect(await page.getByTestId("customer-reports").textContent()).toContain("Awaiting review");
    if (SCREENSHOTS) await page.screenshot({ path: join(IMG_DIR, "admin-customer.png"), fullPage: true });

    await pod.getByRole("link", { name: POD_IDENTIFIER }).click();
    await page.getByTestId("pod-identifier").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("settlement-readings").textContent()).not.toContain("2,500.25");
    expect(await page.getByTestId("pod-energy").locator("tbody tr").count()).toBe(14);

    if (SCREENSHOTS) await page.screenshot({ path: join(IMG_DIR, "admin-pod.png"), fullPage: true });
    await page.getByTestId(`review-${reportId}`).getByTestId("review-accept").click();
    const accepted = page.getByTestId("settlement-row").filter({ hasText: "customer" });
    await accepted.waitFor({ timeout: 15_000 });
    expect(await accepted.textContent()).toContain("2,500.25");
    await expect
      .poll(() => page.getByTestId("pod-report-status").first().textContent(), { timeout: 15_000 })
      .toBe("Accepted");

    const stored = await db.query(
      "SELECT read_on::text, kwh::text, source FROM settlement_reading WHERE pod_id = 'pod-a' ORDER BY read_on",
    );
    expect(stored.rows).toEqual([
      { read_on: "2026-01-01", kwh: "1000.000", source: "manual" },
      { read_on: "2026-06-30", kwh: "2500.250", source: "customer" },
    ]);
    const audit = await db.query(
      "SELECT action, target_id FROM audit_log WHERE action LIKE 'meter_reading.%'",
    );
    expect(audit.rows).toEqual([{ action: "meter_reading.accept", target_id: reportId }]);
    await page.close();
  });
});
