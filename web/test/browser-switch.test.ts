// Browser flow of the supplier switch against the built app (`next start` on a test database and a
// local Hardhat chain whose node signs for the development wallet): a prospect opens /switch/<code>,
// gets a field error for a bad POD, corrects it, previews the contract (PDF), signs it with the dev
// wallet (EIP-712) and, signed in with the same wallet, sees the request "signed"; the retailer admin
// finds it in the switch queue. C4E_SCREENSHOTS=1 also writes docs/img/switch-*.png.
import { join } from "node:path";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestChain } from "@c4e/stack/testing/index";
import { seedStaff } from "./demo-seed.ts";
import { account, seedCustomers } from "./fixtures.ts";
import { type BrowserApp, startBrowserApp } from "./browser-harness.ts";
import { PODS, SWITCH_PRODUCT, seedSwitchCatalogue } from "./switch-fixtures.ts";

const SCREENSHOTS = process.env.C4E_SCREENSHOTS === "1";
const IMG_DIR = join(import.meta.dirname, "..", "..", "docs", "img");

let db: pg.Pool;
let web: BrowserApp["web"];
let browser: Browser;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const [database, chain] = await Promise.all([createTestDatabase("web_browser_switch"), startTestChain()]);
  cleanup.push(database.drop, chain.stop);
  db = createPool({ url: database.url, max: 4 });
  cleanup.push(() => db.end());
  await seedCustomers(db);
  await seedStaff(db);
  await seedSwitchCatalogue(db);
  const app = await startBrowserApp(database.url, chain.url, {
    PUBLIC_RETAILER_ID: "ret-1",
  });
  ({ web, browser } = app);
  cleanup.push(app.stop);
}, 400_000);

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
});

/** A local date `days` from today (UTC date is close enough: the test's dates are weeks apart). */
const dayFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe("supplier switch in the browser", () => {
  it("a prospect fixes a bad POD, previews, signs with the dev wallet and sees the request signed", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 900 } }); // a phone
    await page.goto(`${web.url}/switch/${SWITCH_PRODUCT.code}`);
    await page.getByTestId("switch-form").waitFor({ timeout: 30_000 });
    await page.getByLabel("Point of delivery (MaLo-ID or Zählpunkt)").fill("12345");
    await page.getByLabel("Supply address").fill("Hauptstraße 1, 10115 Berlin");
    await page.getByLabel("Current supplier").fill("Stadtwerke Alt");
    await page.getByLabel("Meter number").fill("1ESY1160123456");
    await page.getByLabel("Meter reading (kWh)").fill("12345.6");
    await page.getByLabel("Date of the reading").fill(dayFromToday(-2));
    await page.getByLabel("Annual consumption (kWh)").fill("3500");
    await page.getByLabel("Kind of meter").selectOption("amr");
    await page.getByLabel("Desired start of supply").fill(dayFromToday(40));
    await page.getByLabel("Full name").fill("Erika Mustermann");
    await page.getByLabel("E-mail").fill("erika@example.org");
    await page.getByTestId("switch-submit").click();
    const podError = page.getByTestId("error-podIdentifier");
    await podError.waitFor({ timeout: 30_000 });
    expect(await podError.textContent()).toContain("Unknown format");
    if (SCREENSHOTS) await page.screenshot({ path: join(IMG_DIR, "switch-form.png"), fullPage: true });
    // nothing else was lost
    expect(await page.getByLabel("Full name").inputValue()).toBe("Erika Mustermann");
    expect(await page.getByLabel("Supply address").inputValue()).toBe("Hauptstraße 1, 10115 Berlin");
    expect(await page.getByLabel("Kind of meter").inputValue()).toBe("amr");

    await page.getByLabel("Point of delivery (MaLo-ID or Zählpunkt)").fill(PODS.malo1);
    await page.getByTestId("switch-submit").click();
    await page.waitForURL(/\/switch\/review\//, { timeout: 30_000 });
    const hash = await page.getByTestId("contract-hash").textContent();
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await page.getByTestId("metering-kind").textContent()).toBe("Smart meter with interval data");
    const pdf = await page.request.get(
      `${web.url}${await page.getByTestId("contract-pdf").getAttribute("href")}`,
    );
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 4).toString()).toBe("%PDF");

    if (SCREENSHOTS) await page.screenshot({ path: join(IMG_DIR, "switch-review.png"), fullPage: true });
    // a wrong name is refused at its field; the right one signs
    await page.getByTestId("dev-account-4").click();
    await page.getByLabel("Type your full name to sign").fill("Max Mustermann");
    await page.getByTestId("sign-submit").click();
    await page.getByTestId("error-fullName").waitFor({ timeout: 30_000 });
    await page.getByLabel("Type your full name to sign").fill("Erika Mustermann");
    await page.getByTestId("sign-submit").click();
    await page.waitForURL(/\/switch\/requests\?signed=SW-/, { timeout: 30_000 });
    await page.getByTestId("signed-notice").waitFor();

    // the status page: sign in with the wallet that signed (a guest: no customer account yet)
    await page.getByTestId("dev-account-4").click();
    await page.getByTestId("sign-in").click();
    const request = page.getByTestId("switch-request");
    await request.waitFor({ timeout: 30_000 });
    expect(await request.getByTestId("switch-status").textContent()).toBe("signed");
    expect(await request.getByTestId("switch-timeline").textContent()).toContain("Contract signed");
    await page.getByTestId("withdraw").waitFor();
    // the last minute of the 14th day after signing, in the retailer's time zone
    expect(await request.getByTestId("withdraw-until").textContent()).toMatch(/, 23:59 \(Europe\/Berlin\)$/);
    if (SCREENSHOTS) await page.screenshot({ path: join(IMG_DIR, "switch-status.png"), fullPage: true });

    const stored = await db.query<{
      status: string;
      signer_address: string;
      contract_hash: string;
      reference: string;
    }>(
      `SELECT status::text, signer_address, contract_hash, reference FROM switch_request WHERE status <> 'draft'`,
    );
    expect(stored.rows).toEqual([
      {
        status: "signed",
        signer_address: account(4).address.toLowerCase(),
        contract_hash: hash,
        reference: expect.stringMatching(/^SW-/),
      },
    ]);
    expect(await request.getAttribute("data-reference")).toBe(stored.rows[0]?.reference);
    await page.close();

    // the retailer admin sees it in the switch queue and opens its audit trail
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await admin.goto(`${web.url}/admin/switching`);
    await admin.getByTestId("dev-account-0").click();
    await admin.getByTestId("sign-in").click();
    const row = admin.getByTestId("switch-row").filter({ hasText: stored.rows[0]?.reference ?? "?" });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute("data-status")).toBe("signed");
    await row.getByRole("link").click();
    await admin.getByTestId("switch-trail").waitFor({ timeout: 30_000 });
    expect(await admin.getByTestId("switch-trail").textContent()).toContain("signed");
    await admin.getByTestId("switch-validate").click();
    await expect
      .poll(() => admin.getByTestId("switch-status").textContent(), { timeout: 30_000 })
      .toBe("validated");
    if (SCREENSHOTS) await admin.screenshot({ path: join(IMG_DIR, "admin-switching.png"), fullPage: true });
    await admin.close();
  });
});
