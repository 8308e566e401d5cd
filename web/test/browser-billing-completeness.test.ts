// Browser flow of a bill run that finds a gap in the interval data (docs/billing-runs.md,
// "Completeness"), against the built app on a test database: customer A's grid meter misses three
// hours across the DST change of 25 October 2026 (shown as "02:00 GMT+2 – 04:00 GMT+1"), B's October is complete. The admin (dev account 0)
// bills October: the run shows one incomplete item, A's draft is held with "12 of 2,980 intervals
// missing" and the range, "Issue all drafts" issues only B's. The agent (dev account 6) sees the hold
// but has no override. The admin issues A's draft with a reason (refused without one), audited.
// C4E_SCREENSHOTS=1 writes docs/img/admin-billing-incomplete.png.
import { join } from "node:path";
import { seedBillingDemo } from "@c4e/billing/seed-demo";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestChain } from "@c4e/stack/testing/index";
import { formatInstantRange } from "@/lib/format.ts";
import { seedDemo } from "./demo-seed.ts";
import { type BrowserApp, signIn, startBrowserApp } from "./browser-harness.ts";

const SCREENSHOTS = process.env.C4E_SCREENSHOTS === "1";
const IMG_DIR = join(import.meta.dirname, "..", "..", "docs", "img");
/** A's gap: 02:00 CEST … 04:00 CET local on 25 October = 00:00 … 03:00 UTC, 12 quarter hours */
const GAP = { start: "2026-10-25T00:00:00.000Z", end: "2026-10-25T03:00:00.000Z" };

let db: pg.Pool;
let web: BrowserApp["web"];
let browser: Browser;
const cleanup: (() => Promise<unknown>)[] = [];

/** ret-1's trader and a one-price product; A and B each with a contract and an AMR POD on their site. */
async function seedBilling(pool: pg.Pool): Promise<void> {
  await seedBillingDemo(pool);
  await pool.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-1', '9900000000009', 'Green Retail', 'ret-1')`,
  );
  const tariff = {
    name: "Green Fix",
    currency: "EUR",
    single: { price: "0.30" },
    fixedCharges: [{ code: "base", description: "Base charge", per: "month", price: "5.00" }],
  };
  await pool.query(
    `INSERT INTO product (id, code, retailer_id, name, description, currency, tariff)
     VALUES ('prod-green', 'GREEN-FIX', 'ret-1', 'Green Fix', 'One price all day', 'EUR', $1)`,
    [JSON.stringify(tariff)],
  );
  await pool.query(
    `INSERT INTO product_version (product_id, version, name, description, tariff, status, published_at)
     VALUES ('prod-green', 1, 'Green Fix', 'One price all day', $1, 'published', '2026-01-01')`,
    [JSON.stringify(tariff)],
  );
  for (const [who, customer] of [
    ["a", "cust-a"],
    ["b", "cust-b"],
  ] as const) {
    await pool.query(
      `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, payment_terms_days,
         advance_mode, product_id, product_version, price_includes_levy)
       VALUES ($1, $2, $3, 'tr-1', '2026-01-01', 'EUR', 14, 'none', 'prod-green', 1, false)`,
      [`ctr-${who}`, `C-${who.toUpperCase()}`, customer],
    );
    await pool.query(
      `INSERT INTO pod (id, identifier, name, address, site_id, contract_id, metering, monthly_forecast_kwh,
         annual_reference_kwh, profile_type_code, distributor_id, trader_id, balance_group_id,
         network_charges_payer, network_tariff_id, sign_in_date, time_zone)
       VALUES ($1, $1, 'Home', 'Street 1', $2, $3, 'amr', array_fill(300::numeric, ARRAY[12]), 3600, 'H25',
         'dso-demo', 'tr-1', 'bg-demo', 'customer', 'nt-demo-h0-2026', '2026-01-01', 'Europe/Berlin')`,
      [`POD-${who.toUpperCase()}`, `site-${who}`, `ctr-${who}`],
    );
  }
  // October in Berlin (2026-09-30T22:00Z … 2026-10-31T23:00Z), A without the gap
  await pool.query(
    `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
     SELECT m, 'import', s, s + interval '15 minutes', 100
     FROM unnest(ARRAY['m-a-grid', 'm-b-grid']) AS m,
          generate_series('2026-09-30T22:00Z'::timestamptz, '2026-10-31T22:45Z', interval '15 minutes') AS s
     WHERE NOT (m = 'm-a-grid' AND s >= $1::timestamptz AND s < $2::timestamptz)`,
    [GAP.start, GAP.end],
  );
}

beforeAll(async () => {
  const [database, chain] = await Promise.all([
    createTestDatabase("web_completeness_browser"),
    startTestChain(),
  ]);
  cleanup.push(database.drop, chain.stop);
  db = createPool({ url: database.url, max: 4 });
  cleanup.push(() => db.end());
  await seedDemo(db);
  await seedBilling(db);
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

const heldRow = (page: Page) =>
  page.locator('[data-testid="admin-invoice-row"][data-held="true"]').filter({ hasText: "POD-A" });

describe("bill run with missing interval data", () => {
  it("holds the incomplete draft with its missing range; Issue all skips it", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/billing", 0);
    await page.getByTestId("start-run-form").waitFor({ timeout: 30_000 });
    await page.getByLabel("Month").fill("2026-10");
    await page.getByTestId("start-run-submit").click();
    const run = page.locator('[data-testid="bill-run-row"][data-period="2026-10"]');
    await run.getByTestId("bill-run-incomplete").waitFor({ timeout: 60_000 });
    expect(await run.getByTestId("bill-run-incomplete").textContent()).toContain("1 draft(s) held");
    expect(await run.getByTestId("bill-run-progress").textContent()).toContain(
      "2 of 2 PODs · 1 drafted · 1 incomplete · 0 failed",
    );

    const held = heldRow(page);
    await held.waitFor({ timeout: 30_000 });
    expect(await held.getByTestId("hold-summary").textContent()).toBe("Held: 12 of 2,980 intervals missing");
    // Node's and Chromium's ICU may differ in the spaces they put around the dash
    const spaces = (text: string | null) => (text ?? "").replace(/\s+/g, " ");
    expect(spaces(await held.getByTestId("hold-ranges").textContent())).toContain(
      spaces(`${formatInstantRange(GAP.start, GAP.end, "Europe/Berlin")} (12 intervals)`),
    );
    expect(spaces(await held.getByTestId("hold-ranges").textContent())).toContain(
      "02:00 GMT+2 – 04:00 GMT+1",
    );
    expect(await held.getByTestId("issue-invoice").count()).toBe(0);

    await run.getByTestId("issue-run").click();
    await expect
      .poll(() => page.locator('[data-testid="admin-invoice-row"][data-status="issued"]').count(), {
        timeout: 30_000,
      })
      .toBe(1);
    const issued = await db.query<{ pod_id: string; number: string }>(
      `SELECT pod_id, number FROM invoice WHERE status = 'issued'`,
    );
    expect(issued.rows).toEqual([{ pod_id: "POD-B", number: "INV-000001" }]);
    expect(await held.getAttribute("data-status")).toBe("draft");
    if (SCREENSHOTS) {
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(IMG_DIR, "admin-billing-incomplete.png"), fullPage: true });
    }
    await page.close();
  });

  it("the agent sees the hold but no override", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/billing", 6);
    const held = heldRow(page);
    await held.waitFor({ timeout: 30_000 });
    expect(await held.getByTestId("hold-summary").textContent()).toContain("12 of 2,980");
    expect(await held.textContent()).toContain("A retailer admin can issue it with a reason.");
    expect(await page.getByTestId("override-open").count()).toBe(0);
    await page.close();
  });

  it("the admin issues it with a reason; refused without one; audited", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/billing", 0);
    const held = heldRow(page);
    await held.waitFor({ timeout: 30_000 });
    await held.getByTestId("override-open").click();
    await held.getByTestId("override-submit").click();
    await held.getByText("Give a reason (3 to 500 characters).").waitFor({ timeout: 15_000 });
    await held.getByLabel("Reason for issuing with missing data").fill("gateway replaced, data lost");
    await held.getByTestId("override-submit").click();
    const done = page
      .locator('[data-testid="admin-invoice-row"][data-status="issued"]')
      .filter({ hasText: "INV-000002" });
    await done.waitFor({ timeout: 30_000 });
    expect(await done.getByTestId("hold-released").textContent()).toBe(
      "Issued although 12 of 2,980 intervals were missing",
    );
    const audit = await db.query<{ action: string; detail: { reason: string; missingIntervals: number } }>(
      `SELECT action, detail FROM audit_log WHERE action = 'billing.invoice.issue_incomplete'`,
    );
    expect(audit.rows).toMatchObject([
      {
        action: "billing.invoice.issue_incomplete",
        detail: { reason: "gateway replaced, data lost", missingIntervals: 12, number: "INV-000002" },
      },
    ]);
    await page.close();
  });
});
