// Browser: the supplier-switch form under its draft limits (`next start` with 1 draft per POD a day and
// 2 per client address an hour): a second draft for the same POD is refused at the POD field, a
// third draft from the same address with a form-level message; every entry stays in the form.
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestChain } from "@c4e/stack/testing/index";
import { seedCustomers } from "./fixtures.ts";
import { type BrowserApp, startBrowserApp } from "./browser-harness.ts";
import { PODS, SWITCH_PRODUCT, seedSwitchCatalogue } from "./switch-fixtures.ts";

let db: pg.Pool;
let web: BrowserApp["web"];
let browser: Browser;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const [database, chain] = await Promise.all([createTestDatabase("web_browser_limits"), startTestChain()]);
  cleanup.push(database.drop, chain.stop);
  db = createPool({ url: database.url, max: 2 });
  cleanup.push(() => db.end());
  await seedCustomers(db);
  await seedSwitchCatalogue(db);
  const app = await startBrowserApp(database.url, chain.url, {
    PUBLIC_RETAILER_ID: "ret-1",
    SWITCH_ACTIVATION_MINUTES: "0",
    SWITCH_DRAFTS_PER_IP_PER_HOUR: "2",
    SWITCH_DRAFTS_PER_POD_PER_DAY: "1",
  });
  ({ web, browser } = app);
  cleanup.push(app.stop);
}, 400_000);

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
});

const dayFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function fillForm(page: Page, pod: string) {
  await page.goto(`${web.url}/switch/${SWITCH_PRODUCT.code}`);
  await page.getByTestId("switch-form").waitFor({ timeout: 30_000 });
  await page.getByLabel("Point of delivery (MaLo-ID or Zählpunkt)").fill(pod);
  await page.getByLabel("Supply address").fill("Hauptstraße 1, 10115 Berlin");
  await page.getByLabel("Current supplier").fill("Stadtwerke Alt");
  await page.getByLabel("Meter number").fill("1ESY1160123456");
  await page.getByLabel("Meter reading (kWh)").fill("12345.6");
  await page.getByLabel("Date of the reading").fill(dayFromToday(-2));
  await page.getByLabel("Annual consumption (kWh)").fill("3500");
  await page.getByLabel("Kind of meter").selectOption("slp");
  await page.getByLabel("Desired start of supply").fill(dayFromToday(40));
  await page.getByLabel("Full name").fill("Erika Mustermann");
  await page.getByLabel("E-mail").fill("erika@example.org");
}

async function expectKept(page: Page) {
  expect(await page.getByLabel("Full name").inputValue()).toBe("Erika Mustermann");
  expect(await page.getByLabel("Meter reading (kWh)").inputValue()).toBe("12345.6");
  expect(await page.getByLabel("Kind of meter").inputValue()).toBe("slp");
}

describe("switch form under its draft limits", () => {
  it("refuses a second draft for a POD at its field and a third from one address on the form", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
    await fillForm(page, PODS.malo1);
    await page.getByTestId("switch-submit").click();
    await page.waitForURL(/\/switch\/review\//, { timeout: 30_000 });

    await fillForm(page, PODS.malo1);
    await page.getByTestId("switch-submit").click();
    const podError = page.getByTestId("error-podIdentifier");
    await podError.waitFor({ timeout: 30_000 });
    expect(await podError.textContent()).toContain("Too many requests for this point of delivery today");
    await expectKept(page);

    // another POD: the second draft from this address passes
    await page.getByLabel("Point of delivery (MaLo-ID or Zählpunkt)").fill(PODS.malo2);
    await page.getByTestId("switch-submit").click();
    await page.waitForURL(/\/switch\/review\//, { timeout: 30_000 });

    await fillForm(page, PODS.malo3);
    await page.getByTestId("switch-submit").click();
    const alert = page.locator("form[data-testid=switch-form] p.error[role=alert]");
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain("Too many attempts in a short time");
    await expectKept(page);
    expect(await page.getByLabel("Point of delivery (MaLo-ID or Zählpunkt)").inputValue()).toBe(PODS.malo3);
    const stored = await db.query(`SELECT pod_identifier FROM switch_request ORDER BY created_at`);
    expect(stored.rows.map((r) => r.pod_identifier)).toEqual([PODS.malo1, PODS.malo2]);
    await page.close();
  });
});
