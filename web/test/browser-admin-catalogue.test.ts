// Browser flow of the product catalogue and the bill run, against the built app on a test database:
// the retailer admin (dev account 0) starts a new version of a product, is told where its tariff is
// wrong, saves and publishes it; a new contract is signed on the new version (what the switch does)
// while the existing one stays on version 1; the admin starts the October bill run, which drafts the
// invoices from the 15-minute readings in the database, and issues them. The issued numbers and
// totals shown are checked against the database, and the energy lines against the readings × the
// version's price. C4E_SCREENSHOTS=1 also writes docs/img/admin-product.png (the draft with a
// tariff error at its field) and docs/img/admin-billing.png (the issued run).
import { join } from "node:path";
import { seedBillingDemo } from "@c4e/billing/seed-demo";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestChain } from "@c4e/stack/testing/index";
import { formatMinorAmount } from "@/lib/format.ts";
import { seedDemo } from "./demo-seed.ts";
import { type BrowserApp, signIn, startBrowserApp } from "./browser-harness.ts";

const SCREENSHOTS = process.env.C4E_SCREENSHOTS === "1";
const IMG_DIR = join(import.meta.dirname, "..", "..", "docs", "img");

/** Grid import per 15 minutes in October 2026 (Wh): A on version 1, B on the new version 2. */
const IMPORT_WH = { a: 100, b: 60 };
/** October 2026 in Berlin has 31 days and one 25-hour day: 745 hours of 4 intervals. */
const OCTOBER_INTERVALS = 745 * 4;

let db: pg.Pool;
let web: BrowserApp["web"];
let browser: Browser;
const cleanup: (() => Promise<unknown>)[] = [];

/**
 * Retailer ret-1's product GREEN-FIX (version 1 published: 0.30 per kWh and a base charge), its
 * trader, customer A's contract on version 1 with an AMR POD, the billing master data of the demo
 * (network tariff, billing items, monthly parameters) and October's 15-minute grid readings of A and B.
 */
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
  await contractWithPod(pool, {
    customer: "cust-a",
    contract: "ctr-a",
    number: "C-ALICE",
    site: "site-a",
    pod: "POD-A",
    version: 1,
  });
  await pool.query(
    `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
     SELECT m.meter, 'import', s, s + interval '15 minutes', m.wh
     FROM (VALUES ('m-a-grid', $1::int), ('m-b-grid', $2::int)) AS m(meter, wh),
          generate_series('2026-09-30T22:00Z'::timestamptz, '2026-10-31T22:45Z', interval '15 minutes') AS s`,
    [IMPORT_WH.a, IMPORT_WH.b],
  );
}

/** A contract on a product version with one AMR POD of the customer's site (as the demo seed writes them). */
async function contractWithPod(
  pool: pg.Pool,
  c: { customer: string; contract: string; number: string; site: string; pod: string; version: number },
): Promise<void> {
  await pool.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, payment_terms_days,
       advance_mode, product_id, product_version, price_includes_levy, contracted_capacity_kw)
     VALUES ($1, $2, $3, 'tr-1', '2026-01-01', 'EUR', 14, 'none', 'prod-green', $4, false, 15)`,
    [c.contract, c.number, c.customer, c.version],
  );
  await pool.query(
    `INSERT INTO pod (id, identifier, name, address, site_id, contract_id, metering, monthly_forecast_kwh,
       annual_reference_kwh, profile_type_code, distributor_id, trader_id, balance_group_id,
       network_charges_payer, network_tariff_id, sign_in_date, time_zone)
     VALUES ($1, $1, 'Home', 'Street 1', $2, $3, 'amr', array_fill(300::numeric, ARRAY[12]), 3600, 'H25',
       'dso-demo', 'tr-1', 'bg-demo', 'customer', 'nt-demo-h0-2026', '2026-01-01', 'Europe/Berlin')`,
    [c.pod, c.site, c.contract],
  );
}

beforeAll(async () => {
  const [database, chain] = await Promise.all([
    createTestDatabase("web_catalogue_browser"),
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

describe("admin product catalogue and bill run", () => {
  it("publishes a new product version in the UI; the public catalogue shows it", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/products", 0);
    const row = page.locator('[data-testid="product-row"][data-code="GREEN-FIX"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain("€0.30 per kWh");
    await row.getByRole("link", { name: "GREEN-FIX" }).click();

    await page.getByTestId("start-draft").click();
    const price = page.getByLabel("Price per kWh (EUR)");
    await price.waitFor({ timeout: 15_000 });
    await page.getByLabel("Name", { exact: true }).fill("Green Fix 2027");
    await price.fill("0,39");
    await page.getByTestId("draft-save").click();
    // refused at the field, with the validator's message; nothing else is lost
    await page.getByTestId("tariff-error-single.price").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("tariff-errors").textContent()).toContain("single.price");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Green Fix 2027");
    if (SCREENSHOTS) await page.screenshot({ path: join(IMG_DIR, "admin-product.png"), fullPage: true });

    await price.fill("0.39");
    await page.getByTestId("draft-save").click();
    await expect
      .poll(() => page.getByTestId("draft-status").textContent(), { timeout: 15_000 })
      .toBe("Draft saved.");
    await page.getByTestId("publish-draft").click();
    const v2 = page.locator('[data-testid="version-row"][data-version="2"][data-status="published"]');
    await v2.waitFor({ timeout: 15_000 });
    expect(await v2.getByTestId("version-terms").textContent()).toContain("Energy €0.39 per kWh");
    expect(
      await page
        .locator('[data-testid="version-row"][data-version="1"]')
        .getByTestId("version-contracts")
        .textContent(),
    ).toBe("1");
    expect(await v2.getByTestId("version-contracts").textContent()).toBe("0");

    const versions = await db.query(
      `SELECT version, status::text, name, tariff -> 'single' ->> 'price' AS price FROM product_version
       WHERE product_id = 'prod-green' ORDER BY version`,
    );
    expect(versions.rows).toEqual([
      { version: 1, status: "published", name: "Green Fix", price: "0.30" },
      { version: 2, status: "published", name: "Green Fix 2027", price: "0.39" },
    ]);
    const audit = await db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE target_type = 'product' ORDER BY id`,
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      "product.draft.create",
      "product.draft.save",
      "product.publish",
    ]);

    // the public catalogue (no sign-in) shows the latest version with a switch link
    const visitor = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await visitor.goto(`${web.url}/products`);
    const card = visitor.locator('[data-testid="catalogue-product"][data-code="GREEN-FIX"]');
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toContain("Green Fix 2027");
    expect(await card.textContent()).toContain("Energy €0.39 per kWh");
    expect(await card.getByTestId("switch-link").getAttribute("href")).toBe("/switch/GREEN-FIX");
    await card.getByRole("link", { name: "Green Fix 2027", exact: true }).click();
    await visitor.getByTestId("product-details").waitFor();
    expect(await visitor.getByTestId("product-version").textContent()).toContain("Terms version 2");
    await visitor.close();
    await page.close();
  });

  it("creates a product and builds time-of-use, then dynamic terms in the tariff builder", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/products", 0);
    await page.getByTestId("create-product-form").waitFor({ timeout: 30_000 });
    await page.getByLabel("Code").fill("green-tou");
    await page.getByLabel("Name").fill("Green Time");
    await page.getByTestId("create-product-submit").click();
    await page.getByTestId("created-product-link").click();
    await page.getByTestId("draft-form").waitFor({ timeout: 15_000 });

    // time of use: default bands and an all-year season; a gap in the weekday slots is refused
    await page.getByLabel("How energy is priced").selectOption("tou");
    await page.getByTestId("tariff-tou-bands-0-price").fill("0.36");
    await page.getByTestId("tariff-tou-seasons-0-dayTypes-weekday-1-to").fill("19:00");
    await page.getByTestId("draft-save").click();
    await page.getByTestId("tariff-errors").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("tariff-errors").textContent()).toContain(
      "tou.seasons[0].dayTypes.weekday",
    );
    await page.getByTestId("tariff-tou-seasons-0-dayTypes-weekday-1-to").fill("20:00");
    await page.getByTestId("draft-save").click();
    await expect
      .poll(() => page.getByTestId("draft-status").textContent(), { timeout: 15_000 })
      .toBe("Draft saved.");
    const draft = async () =>
      (
        await db.query<{ tariff: Record<string, unknown> }>(
          `SELECT v.tariff FROM product_version v JOIN product p ON p.id = v.product_id
           WHERE p.code = 'GREEN-TOU' AND v.status = 'draft'`,
        )
      ).rows[0]?.tariff;
    expect(await draft()).toMatchObject({
      name: "Green Time",
      currency: "EUR",
      tou: { bands: [{ code: "peak", price: "0.36" }, { code: "offpeak" }] },
    });

    // dynamic: market price + margin, with a demand charge and a feed-in price
    await page.getByLabel("How energy is priced").selectOption("dynamic");
    await page.getByLabel("Margin per kWh (EUR)").fill("0.025");
    await page.getByTestId("tariff-demand-enable").check();
    await page.getByLabel("Price per kW of peak and month (EUR)").fill("3.10");
    await page.getByTestId("tariff-export-kind").selectOption("feed_in");
    await page.getByLabel("Feed-in price per kWh (EUR)").fill("0.07");
    await page.getByTestId("draft-save").click();
    await expect
      .poll(async () => (await draft())?.dynamic, { timeout: 15_000 })
      .toEqual({ resolutionMinutes: 60, margin: "0.025" });
    const saved = await draft();
    expect(saved).toMatchObject({
      demand: { resolutionMinutes: 15, price: "3.10" },
      export: { kind: "feed_in", price: "0.07" },
    });
    expect(saved?.tou).toBeUndefined();
    await page.close();
  });

  it("bills October from the readings (v1 and v2 prices) and issues the invoices", async () => {
    // B signs on the latest published version (what /switch does); A stays on version 1
    const latest = await db.query<{ version: number }>(
      `SELECT max(version) AS version FROM product_version WHERE product_id = 'prod-green' AND status = 'published'`,
    );
    expect(latest.rows[0]?.version).toBe(2);
    await contractWithPod(db, {
      customer: "cust-b",
      contract: "ctr-b",
      number: "C-BOB",
      site: "site-b",
      pod: "POD-B",
      version: 2,
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/billing", 0);
    await page.getByTestId("start-run-form").waitFor({ timeout: 30_000 });
    await page.getByLabel("Month").fill("2026-10");
    await page.getByTestId("start-run-submit").click();
    const run = page.locator('[data-testid="bill-run-row"][data-period="2026-10"]');
    await run.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => run.getByTestId("bill-run-status").textContent(), { timeout: 60_000 })
      .toBe("Completed");
    await expect
      .poll(() => page.locator('[data-testid="admin-invoice-row"][data-status="draft"]').count(), {
        timeout: 30_000,
      })
      .toBe(2);
    await run.getByTestId("issue-run").click();
    await expect
      .poll(() => page.locator('[data-testid="admin-invoice-row"][data-status="issued"]').count(), {
        timeout: 30_000,
      })
      .toBe(2);

    // the energy lines: the readings × the price of each contract's version
    const energy = await db.query<{ number: string; contract: string; quantity: string; unit_price: string }>(
      `SELECT i.number, c.number AS contract, l.quantity::text, l.unit_price::text
       FROM invoice i JOIN contract c ON c.id = i.contract_id JOIN invoice_line l ON l.invoice_id = i.id
       WHERE l.code LIKE 'energy%' ORDER BY i.number`,
    );
    expect(energy.rows.map((r) => [r.contract, Number(r.quantity), Number(r.unit_price)]).sort()).toEqual(
      [
        ["C-ALICE", (IMPORT_WH.a * OCTOBER_INTERVALS) / 1000, 0.3],
        ["C-BOB", (IMPORT_WH.b * OCTOBER_INTERVALS) / 1000, 0.39],
      ].sort(),
    );
    const issued = await db.query<{
      number: string;
      customer: string;
      total_minor: string;
      currency: string;
    }>(
      `SELECT i.number, cu.name AS customer, i.total_minor::text, i.currency FROM invoice i
       JOIN contract c ON c.id = i.contract_id JOIN customer cu ON cu.id = c.customer_id
       WHERE i.status = 'issued' ORDER BY i.number`,
    );
    expect(issued.rows.map((r) => r.number)).toEqual(["INV-000001", "INV-000002"]);
    for (const inv of issued.rows) {
      const shown = page
        .locator('[data-testid="admin-invoice-row"][data-status="issued"]')
        .filter({ hasText: inv.number });
      const text = (await shown.textContent()) ?? "";
      expect(text).toContain(inv.customer);
      expect(text).toContain(formatMinorAmount(inv.total_minor, 2, inv.currency));
      // the energy line is part of it; the base charge, network charges, levy and VAT come on top
      const line = energy.rows.find((r) => r.number === inv.number);
      expect(Number(inv.total_minor)).toBeGreaterThan(
        Number(line?.quantity) * Number(line?.unit_price) * 100,
      );
    }
    if (SCREENSHOTS) {
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(IMG_DIR, "admin-billing.png"), fullPage: true });
    }
    await page.close();
  });
});
