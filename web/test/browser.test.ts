// Browser flows against the built app (`next start` on a test database and a local Hardhat chain for
// the development wallet, with the C4E contracts deployed and the indexer mirroring them): admin
// registers a gateway; prosumer switches the dashboard period; prosumer redeems a perk (permit signed
// by the dev wallet) and sees the coupon once mirrored.
// C4E_SCREENSHOTS=1 also writes docs/img/prosumer.png and docs/img/admin-rewards.png.
import { join } from "node:path";
import { c4ePerksAbi, c4eTokenAbi, type Deployment, deployC4E } from "@c4e/contracts";
import { createDraftInvoice } from "@c4e/billing/invoice-store";
import { createIndexer } from "@c4e/indexer";
import type { Invoice } from "@c4e/domain";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { type Browser } from "playwright-core";
import { createPublicClient, createWalletClient, type Hash, http, parseUnits } from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestChain } from "@c4e/stack/testing/index";
import { seedDemo } from "./demo-seed.ts";
import { account, CHAIN_ID, TOKEN } from "./fixtures.ts";
import { type BrowserApp, signIn, startBrowserApp } from "./browser-harness.ts";

const SCREENSHOTS = process.env.C4E_SCREENSHOTS === "1";
const IMG_DIR = join(import.meta.dirname, "..", "..", "docs", "img");

let db: pg.Pool;
let web: BrowserApp["web"];
let browser: Browser;
let deployment: Deployment;
const PERK_NAME = "Bike repair −15 %";
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const [database, chain] = await Promise.all([createTestDatabase("web_browser"), startTestChain()]);
  cleanup.push(database.drop, chain.stop);
  db = createPool({ url: database.url, max: 4 });
  cleanup.push(() => db.end());
  await seedDemo(db);
  deployment = await deployWithPerk(chain.url);
  const indexer = createIndexer({
    databaseUrl: database.url,
    rpcUrl: chain.url,
    chainId: CHAIN_ID,
    deployment,
    pollIntervalMs: 300,
    maxBlockRange: 2_000,
    log: () => {},
  });
  await indexer.start();
  cleanup.push(() => indexer.stop());
  const app = await startBrowserApp(database.url, chain.url, {
    REWARD_MINTER_ADDRESS: deployment.rewardMinter,
    PERKS_ADDRESS: deployment.perks,
    GREEN_CERTIFICATES_ADDRESS: deployment.greenCertificates,
  });
  ({ web, browser } = app);
  cleanup.push(app.stop);
}, 300_000);

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
});

/**
 * Deploys the contracts (account 0; the token lands at the fixtures' TOKEN address on a fresh chain),
 * gives prosumer A (account 2) 100 C4E and lists one perk of the demo partner (account 5).
 */
async function deployWithPerk(rpcUrl: string): Promise<Deployment> {
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 100 });
  const wallet = (index: number) =>
    createWalletClient({ account: account(index), chain: hardhat, transport });
  const deployed = await deployC4E({
    publicClient,
    walletClient: wallet(0),
    minter: account(1).address,
    periodSeconds: 900,
    periodMintCap: 10n ** 24n,
  });
  expect(deployed.token.toLowerCase()).toBe(TOKEN);
  const confirm = async (hash: Hash) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
  };
  const token = { address: deployed.token, abi: c4eTokenAbi } as const;
  const perks = { address: deployed.perks, abi: c4ePerksAbi } as const;
  const minterRole = await publicClient.readContract({ ...token, functionName: "MINTER_ROLE" });
  await confirm(
    await wallet(0).writeContract({
      ...token,
      functionName: "grantRole",
      args: [minterRole, account(0).address],
    }),
  );
  await confirm(
    await wallet(0).writeContract({
      ...token,
      functionName: "mint",
      args: [account(2).address, parseUnits("100", 18)],
    }),
  );
  const partnerRole = await publicClient.readContract({ ...perks, functionName: "PARTNER_ROLE" });
  await confirm(
    await wallet(0).writeContract({
      ...perks,
      functionName: "grantRole",
      args: [partnerRole, account(5).address],
    }),
  );
  const now = (await publicClient.getBlock()).timestamp;
  await confirm(
    await wallet(5).writeContract({
      ...perks,
      functionName: "createPerk",
      args: [PERK_NAME, parseUnits("5", 18), 10n, now, now + 86_400n * 30n, false],
    }),
  );
  return deployed;
}

/** A monthly invoice of one line, no VAT. */
function sampleInvoice(amountMinor: bigint): Invoice {
  const amount = (Number(amountMinor) / 100).toString();
  return {
    kind: "monthly",
    currency: "EUR",
    minorUnitDigits: 2,
    period: { start: "2026-09-01", end: "2026-10-01", timeZone: "Europe/Berlin" },
    lines: [
      {
        group: "energy",
        code: "energy.single",
        description: "Energy",
        quantity: "1",
        unit: "kWh",
        unitPrice: amount,
        amountMinor,
        preciseAmount: amount,
        vatRate: "0",
        period: { start: "2026-08-31T22:00:00.000Z", end: "2026-09-30T22:00:00.000Z" },
      },
    ],
    vatSummary: [{ vatRate: "0", netMinor: amountMinor, vatMinor: 0n }],
    netMinor: amountMinor,
    vatMinor: 0n,
    totalMinor: amountMinor,
    advancesDeducted: [],
    amountDueMinor: amountMinor,
  };
}

describe("browser flows", () => {
  it("admin signs in, registers a gateway and sees it listed; a bad key is refused at its field", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/gateways", 0);
    await page.getByTestId("gateway-table").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("gateway-row").count()).toBe(1);

    await page.getByLabel("Gateway id").fill("gw-browser-1");
    await page.getByLabel("Ed25519 public key").fill("not-a-key");
    await page.getByTestId("register-gateway-submit").click();
    await page.getByTestId("error-publicKey").waitFor();

    await page.getByLabel("Ed25519 public key").fill("5GFzDEsB+UZYAT9toAnR3ld/hmErZPSB46lMrG1nyEU=");
    await page.getByTestId("register-gateway-submit").click();
    await page.getByTestId("gateway-row").filter({ hasText: "gw-browser-1" }).waitFor({ timeout: 15_000 });
    const audit = await db.query("SELECT action, target_id FROM audit_log WHERE action = 'gateway.register'");
    expect(audit.rows).toEqual([{ action: "gateway.register", target_id: "gw-browser-1" }]);

    await page.getByTestId("nav-rewards").click();
    await page.getByTestId("admin-batches").waitFor();
    expect(await page.getByTestId("admin-batch-row").count()).toBe(6);
    if (SCREENSHOTS) await page.screenshot({ path: join(IMG_DIR, "admin-rewards.png"), fullPage: true });
    await page.close();
  });

  it("a prosumer signs in and switches the dashboard period", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/prosumer", 2);
    await page.getByTestId("c4e-balance").waitFor({ timeout: 30_000 });
    await page.getByTestId("reward-row").first().waitFor();
    const range = page.getByTestId("energy-range").first();
    await range.waitFor();
    const day = await range.textContent();
    await page.getByTestId("period-month").click();
    await expect.poll(() => range.textContent(), { timeout: 15_000 }).not.toBe(day);
    expect(await range.textContent()).toMatch(/–/); // a range of dates
    expect(await page.getByTestId("period-month").getAttribute("aria-pressed")).toBe("true");
    await page.getByTestId("period-day").click();
    await expect.poll(() => range.textContent(), { timeout: 15_000 }).toBe(day);
    if (SCREENSHOTS) {
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(IMG_DIR, "prosumer.png"), fullPage: true });
    }
    await page.close();
  });

  it("a prosumer redeems a perk with the dev wallet and sees the coupon", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/prosumer", 2);
    const row = page.getByTestId("perk-row").filter({ hasText: PERK_NAME });
    await row.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("coupon-row").count()).toBe(0);
    await row.getByRole("button", { name: /Redeem/ }).click();
    await expect
      .poll(() => page.getByTestId("redeem-status").textContent(), { timeout: 30_000 })
      .toContain("Redeemed");
    const coupon = page.getByTestId("coupon-row").filter({ hasText: PERK_NAME });
    await coupon.waitFor({ timeout: 30_000 });
    expect(await coupon.getByTestId("coupon-count").textContent()).toBe("1");
    // paid 5 C4E to the partner (mirrored redemption from A's wallet)
    const redeemed = await db.query<{ account: string; price: string }>(
      "SELECT account, price::text FROM perk_redeemed",
    );
    expect(redeemed.rows).toEqual([
      { account: account(2).address.toLowerCase(), price: parseUnits("5", 18).toString() },
    ]);
    await page.close();
  });

  it("the partner lists a perk and marks the prosumer's coupon as used", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/partner", 5);
    await page.getByTestId("partner-perks").waitFor({ timeout: 30_000 });
    await page.getByTestId("partner-perk-row").filter({ hasText: PERK_NAME }).waitFor({ timeout: 30_000 });

    await page.getByLabel("Name").fill("Garden tools −20 %");
    await page.getByLabel("Price (C4E)").fill("not a price");
    await page.getByLabel("Coupons available").fill("50");
    await page.getByTestId("perk-submit").click();
    await page.getByTestId("error-price").waitFor();
    await page.getByLabel("Price (C4E)").fill("2.5");
    await page.getByTestId("perk-submit").click();
    const listed = page.getByTestId("partner-perk-row").filter({ hasText: "Garden tools −20 %" });
    await listed.waitFor({ timeout: 30_000 });
    expect(await listed.textContent()).toContain("2.5 C4E");

    // the coupon prosumer A redeemed in the previous test (perk 1)
    await page.getByLabel("Coupon number (perk)").fill("1");
    await page.getByLabel("Customer wallet").fill(account(2).address);
    await page.getByLabel(/Your reference/).fill("order-42");
    await page.getByTestId("consume-submit").click();
    await expect
      .poll(() => page.getByTestId("consume-status").textContent(), { timeout: 30_000 })
      .toContain("marked as used");
    await page.getByTestId("consumption-row").first().waitFor({ timeout: 30_000 });
    // a second use of the same (now spent) coupon is refused before any transaction
    await page.getByLabel("Coupon number (perk)").fill("1");
    await page.getByLabel("Customer wallet").fill(account(2).address);
    await page.getByTestId("consume-submit").click();
    await expect
      .poll(() => page.getByTestId("consume-status").textContent(), { timeout: 15_000 })
      .toContain("holds no coupon");
    const consumed = await db.query<{ holder: string }>("SELECT holder FROM coupon_consumed");
    expect(consumed.rows).toEqual([{ holder: account(2).address.toLowerCase() }]);
    await page.close();
  });

  it("the admin starts a bill run, issues a draft, credits and voids it, and downloads its PDF", async () => {
    // A's contract with one draft (a bill run needs PODs and interval data; the draft stands in for one)
    await db.query(
      `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-1', '9900000000002', 'Green Retail', 'ret-1')`,
    );
    await db.query(
      `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, energy_tariff)
       VALUES ('ctr-a', 'C-ALICE', 'cust-a', 'tr-1', '2026-01-01', 'EUR', '{}')`,
    );
    await createDraftInvoice(db, {
      invoice: sampleInvoice(1234n),
      contractId: "ctr-a",
      seriesId: "INV",
      buyer: {
        customerId: "cust-a",
        customerName: "Alice Sun",
        customerAddress: "Street 1",
        contractNumber: "C-ALICE",
      },
      paymentTermsDays: 14,
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/billing", 0);
    await page.getByTestId("start-run-form").waitFor({ timeout: 30_000 });
    await page.getByLabel("Month").fill("2026-09");
    await page.getByTestId("start-run-submit").click();
    const run = page.locator('[data-testid="bill-run-row"][data-period="2026-09"]');
    await run.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => run.getByTestId("bill-run-status").textContent(), { timeout: 30_000 })
      .toBe("Completed");
    // the bill run ran as a job of the worker process; the jobs list shows it done
    const job = page.locator('[data-testid="job-row"][data-kind="bill-run"]').first();
    await expect.poll(() => job.getAttribute("data-state"), { timeout: 15_000 }).toBe("completed");
    expect(await job.getByTestId("job-state").textContent()).toBe("Done");

    const invoice = page.getByTestId("admin-invoice-row").filter({ hasText: "Alice Sun" }).first();
    await expect.poll(() => invoice.getAttribute("data-status"), { timeout: 15_000 }).toBe("draft");
    await invoice.getByTestId("issue-invoice").click();
    const issued = page.locator('[data-testid="admin-invoice-row"][data-status="issued"]');
    await issued.waitFor({ timeout: 15_000 });
    expect(await issued.textContent()).toContain("INV-000001");
    const pdf = await page.request.get(
      `${web.url}${await issued.getByTestId("admin-invoice-pdf").getAttribute("href")}`,
    );
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 4).toString()).toBe("%PDF");

    await issued.getByTestId("credit-note").click();
    await page
      .locator('[data-testid="admin-invoice-row"][data-status="draft"]')
      .filter({ hasText: "INV-000001" })
      .waitFor({ timeout: 15_000 });
    await issued.getByTestId("void-open").click();
    await page.getByLabel("Reason for voiding").fill("wrong meter");
    await page.getByTestId("void-submit").click();
    await page
      .locator('[data-testid="admin-invoice-row"][data-status="voided"]')
      .waitFor({ timeout: 15_000 });

    const audit = await db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action LIKE 'billing.%' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      "billing.run.start",
      "billing.invoice.issue",
      "billing.credit_note.create",
      "billing.invoice.void",
    ]);
    await page.close();
  });

  it("the customer sees the invoice, its credit note's absence (a draft) and downloads the PDF", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/prosumer", 2);
    const row = page.getByTestId("invoice-row").filter({ hasText: "INV-000001" });
    await row.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("invoice-row").count()).toBe(1); // the credit note is still a draft
    expect(await row.textContent()).toContain("Voided");
    expect(await page.getByTestId("contract-row").textContent()).toContain("C-ALICE");
    const pdf = await page.request.get(
      `${web.url}${await row.getByTestId("invoice-pdf").getAttribute("href")}`,
    );
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 4).toString()).toBe("%PDF");
    await page.close();
  });
});
