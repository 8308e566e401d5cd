// Browser flows against the built app (`next start` on a test database and a local Hardhat chain with
// the C4E contracts deployed and the indexer mirroring them):
// - green certificates issued to prosumer A on chain: A sees them held, claims part of them with the
//   dev wallet, and the page shows the claim once mirrored;
// - prosumer A sees the product version of the contract and reports meter readings (one refused);
// - the retailer admin grants the partner role to a new wallet, then the partner role on the perks
//   contract from the admin's own wallet, and the page shows it held on chain; sets the retailer's
//   time zone (an unknown one refused) and disables the new partner.
import { join } from "node:path";
import { c4ePerksAbi, type Deployment, deployC4E, greenCertificatesAbi } from "@c4e/contracts";
import { createIndexer } from "@c4e/indexer";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { type Browser } from "playwright-core";
import { createPublicClient, createWalletClient, type Hash, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestChain } from "@c4e/stack/testing/index";
import { seedDemo } from "./demo-seed.ts";
import { account, CHAIN_ID, TOKEN } from "./fixtures.ts";
import { type BrowserApp, signIn, startBrowserApp } from "./browser-harness.ts";

/** C4E_SCREENSHOTS=1 also writes docs/img/admin-users.png and docs/img/prosumer-meter-readings.png. */
const SCREENSHOTS = process.env.C4E_SCREENSHOTS === "1";
const IMG_DIR = join(import.meta.dirname, "..", "..", "docs", "img");
/** The reward batch the certificates belong to; A receives 5000 Wh of it, B 700 Wh. */
const BATCH = `0x${"c3".repeat(32)}` as const;

let db: pg.Pool;
let web: BrowserApp["web"];
let browser: Browser;
let deployment: Deployment;
let publicClient: PublicClient;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const [database, chain] = await Promise.all([createTestDatabase("web_browser_certs"), startTestChain()]);
  cleanup.push(database.drop, chain.stop);
  db = createPool({ url: database.url, max: 4 });
  cleanup.push(() => db.end());
  await seedDemo(db);
  deployment = await deployWithCertificates(chain.url);
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
 * Deploys the contracts (account 0 is admin of all of them) and issues certificates of one batch to
 * prosumers A (account 2) and B (account 3) as the RewardMinter would: account 0 takes ISSUER_ROLE and
 * calls `GreenCertificates.issueBatch`.
 */
async function deployWithCertificates(rpcUrl: string): Promise<Deployment> {
  const transport = http(rpcUrl);
  publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 100 });
  const admin = createWalletClient({ account: account(0), chain: hardhat, transport });
  const deployed = await deployC4E({
    publicClient,
    walletClient: admin,
    minter: account(1).address,
    periodSeconds: 900,
    periodMintCap: 10n ** 24n,
  });
  expect(deployed.token.toLowerCase()).toBe(TOKEN);
  const confirm = async (hash: Hash) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
  };
  const certificates = { address: deployed.greenCertificates, abi: greenCertificatesAbi } as const;
  const issuer = await publicClient.readContract({ ...certificates, functionName: "ISSUER_ROLE" });
  await confirm(
    await admin.writeContract({
      ...certificates,
      functionName: "grantRole",
      args: [issuer, account(0).address],
    }),
  );
  await confirm(
    await admin.writeContract({
      ...certificates,
      functionName: "issueBatch",
      args: [BATCH, [account(2).address, account(3).address], [5_000n, 700n]],
    }),
  );
  return deployed;
}

describe("browser: green certificates and partner roles", () => {
  it("a prosumer sees the certificates held, claims part of them and sees the claim once mirrored", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/prosumer", 2);
    const row = page.getByTestId("certificate-row");
    await row.waitFor({ timeout: 30_000 });
    expect(await row.count()).toBe(1); // only A's own; B's 700 Wh are not shown
    expect(await row.textContent()).toMatch(/Held 5 kWh · Claimed 0 kWh/);
    expect(await page.getByTestId("claim-row").count()).toBe(0);

    // more than held is refused before any transaction
    await row.getByLabel("Beneficiary").fill("Alice Sun household");
    await row.getByLabel("Energy (Wh)").fill("5001");
    await row.getByTestId("claim-submit").click();
    await row.getByTestId("error-energyWh").waitFor();

    await row.getByLabel("Energy (Wh)").fill("2000");
    await row.getByTestId("claim-submit").click();
    await expect
      .poll(() => row.getByTestId("claim-status").textContent(), { timeout: 30_000 })
      .toContain("Claimed 2 kWh for Alice Sun household");
    const claim = page.getByTestId("claim-row").filter({ hasText: "Alice Sun household" });
    await claim.waitFor({ timeout: 30_000 });
    expect(await claim.textContent()).toContain("2 kWh");
    await expect
      .poll(() => page.getByTestId("certificate-row").textContent(), { timeout: 30_000 })
      .toMatch(/Held 3 kWh · Claimed 2 kWh/);

    const mirrored = await db.query<{ holder: string; energy_wh: string; beneficiary: string }>(
      "SELECT holder, energy_wh::text, beneficiary FROM certificates_claimed",
    );
    expect(mirrored.rows).toEqual([
      { holder: account(2).address.toLowerCase(), energy_wh: "2000", beneficiary: "Alice Sun household" },
    ]);
    const id = await publicClient.readContract({
      address: deployment.greenCertificates,
      abi: greenCertificatesAbi,
      functionName: "certificateId",
      args: [BATCH],
    });
    const onChain = await publicClient.readContract({
      address: deployment.greenCertificates,
      abi: greenCertificatesAbi,
      functionName: "balanceOf",
      args: [account(2).address, id],
    });
    expect(onChain).toBe(3_000n);
    await page.close();
  });

  it("the admin grants the partner role to a new wallet, on chain too, sets the time zone and disables the partner", async () => {
    const partner = account(12).address;
    const perks = { address: deployment.perks, abi: c4ePerksAbi } as const;
    const role = await publicClient.readContract({ ...perks, functionName: "PARTNER_ROLE" });
    expect(
      await publicClient.readContract({ ...perks, functionName: "hasRole", args: [role, partner] }),
    ).toBe(false);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, web.url, "/admin/users", 0);
    await page.getByTestId("users-table").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("admin-time-zone").textContent()).toContain("Europe/Berlin");
    // the demo partner (account 5) has no role on this fresh chain yet
    const demoPartner = page.locator(
      `[data-testid="user-row"][data-address="${account(5).address.toLowerCase()}"]`,
    );
    await demoPartner.getByTestId("partner-role-missing").waitFor();

    // a customer's wallet is refused at the address field, and the typed name is kept
    const form = page.getByTestId("grant-role-form");
    await form.getByLabel("Wallet address").fill(account(2).address);
    await form.getByLabel("Name").fill("Nia New");
    await form.getByLabel("Role").selectOption("partner");
    await form.getByTestId("grant-role-submit").click();
    await form.getByTestId("error-address").waitFor();
    expect(await form.getByLabel("Name").inputValue()).toBe("Nia New");

    await form.getByLabel("Wallet address").fill(partner);
    await form.getByTestId("grant-role-submit").click();
    const row = page.locator(`[data-testid="user-row"][data-address="${partner.toLowerCase()}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain("Nia New");
    expect(await row.textContent()).toContain("Partner");
    await row.getByTestId("partner-role-missing").waitFor();

    await row.getByTestId("grant-on-chain").click();
    // once mined the page is rendered again: the button (and its status) make way for "held"
    await row.getByTestId("partner-role-held").waitFor({ timeout: 30_000 });
    expect(
      await publicClient.readContract({ ...perks, functionName: "hasRole", args: [role, partner] }),
    ).toBe(true);
    const audit = await db.query<{ action: string; target_id: string }>(
      "SELECT action, target_id FROM audit_log WHERE action LIKE 'web_user.%' ORDER BY id",
    );
    expect(audit.rows).toEqual([{ action: "web_user.grant", target_id: partner.toLowerCase() }]);

    if (SCREENSHOTS) await page.screenshot({ path: join(IMG_DIR, "admin-users.png"), fullPage: true });
    // the partners overview lists the new partner (no perks yet)
    await page.getByTestId("nav-partners").click();
    const section = page.locator(`[data-testid="admin-partner"][data-address="${partner.toLowerCase()}"]`);
    await section.waitFor({ timeout: 15_000 });
    expect(await section.textContent()).toContain("No perk listed.");

    // the time zone: an unknown zone is refused at its field; a valid one applies to every admin page
    await page.getByTestId("nav-settings").click();
    const zone = page.getByTestId("time-zone-form");
    await zone.waitFor({ timeout: 15_000 });
    await zone.getByLabel("Time zone (IANA name)").fill("Mars/Olympus_Mons");
    await zone.getByTestId("time-zone-submit").click();
    await zone.getByTestId("error-timeZone").waitFor({ timeout: 15_000 });
    await zone.getByLabel("Time zone (IANA name)").fill("America/New_York");
    await zone.getByTestId("time-zone-submit").click();
    await expect
      .poll(() => page.getByTestId("admin-time-zone").textContent(), { timeout: 15_000 })
      .toContain("America/New_York");

    // disabling the new partner from the list
    await page.getByTestId("nav-users").click();
    const nia = page.locator(`[data-testid="user-row"][data-address="${partner.toLowerCase()}"]`);
    await nia.getByTestId("disable-user").click();
    await expect.poll(() => nia.getAttribute("data-disabled"), { timeout: 15_000 }).toBe("true");
    expect(await nia.getByTestId("user-status").textContent()).toMatch(/^Disabled since/);
    expect(await page.getByTestId("admin-time-zone").textContent()).toContain("America/New_York");
    const actions = await db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action IN ('retailer.time_zone', 'web_user.disable') ORDER BY id",
    );
    expect(actions.rows.map((r) => r.action)).toEqual(["retailer.time_zone", "web_user.disable"]);
    await page.close();
  });

  it("a prosumer sees the product version and reports meter readings; a wrong one is refused at its field", async () => {
    await db.query(
      `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-1', '9900000000002', 'Green Retail', 'ret-1')`,
    );
    await db.query(`INSERT INTO distributor (id, code, name) VALUES ('dso-1', '9900000000009', 'Grid Co')`);
    await db.query(
      `INSERT INTO product (id, code, retailer_id, name, currency, tariff) VALUES ('prod-1', 'GREEN', 'ret-1', 'Green Home', 'EUR', '{}')`,
    );
    await db.query(
      `INSERT INTO product_version (product_id, version, name, tariff, status, published_at)
       VALUES ('prod-1', 1, 'Green Home', '{}', 'published', now()), ('prod-1', 2, 'Green Home Plus', '{}', 'published', now())`,
    );
    await db.query(
      `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, product_id, product_version)
       VALUES ('ctr-a', 'C-ALICE', 'cust-a', 'tr-1', current_date - 60, 'EUR', 'prod-1', 2)`,
    );
    await db.query(
      `INSERT INTO pod (id, identifier, name, address, contract_id, metering, annual_reference_kwh,
         distributor_id, trader_id, sign_in_date)
       VALUES ('pod-a', 'DE-POD-A', 'Home A', 'Street 1', 'ctr-a', 'slp', 3500, 'dso-1', 'tr-1', current_date - 60)`,
    );
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
    await signIn(page, web.url, "/prosumer", 2);
    const product = page.getByTestId("contract-product");
    await product.waitFor({ timeout: 30_000 });
    expect(await product.textContent()).toBe("Green Home (GREEN), version 2: Green Home Plus");

    const form = page.getByTestId("meter-reading-form");
    await form.getByLabel("Date read").fill(day(1));
    await form.getByLabel("Meter reading (kWh)").fill("12345,6");
    await form.getByTestId("meter-reading-submit").click();
    await expect
      .poll(() => form.getByTestId("meter-reading-status").textContent(), { timeout: 15_000 })
      .toContain("12,345.6 kWh");
    await page.getByTestId("meter-reading-row").first().waitFor({ timeout: 15_000 });

    // an earlier date with a higher value: refused at the value, the date kept
    await form.getByLabel("Date read").fill(day(2));
    await form.getByLabel("Meter reading (kWh)").fill("12400");
    await form.getByTestId("meter-reading-submit").click();
    await form.getByTestId("error-kwh").waitFor({ timeout: 15_000 });
    expect(await form.getByTestId("error-kwh").textContent()).toContain(
      "Higher than a reading of a later date",
    );
    expect(await form.getByLabel("Date read").inputValue()).toBe(day(2));

    await form.getByLabel("Meter reading (kWh)").fill("12340");
    await form.getByTestId("meter-reading-submit").click();
    await expect.poll(() => page.getByTestId("meter-reading-row").count(), { timeout: 15_000 }).toBe(2);
    if (SCREENSHOTS)
      await page.getByTestId("invoices").screenshot({ path: join(IMG_DIR, "prosumer-meter-readings.png") });
    const stored = await db.query<{ read_on: string; kwh: string; source: string }>(
      "SELECT read_on::text, kwh::text, source FROM meter_reading_report ORDER BY read_on",
    );
    expect(stored.rows).toEqual([
      { read_on: day(2), kwh: "12340.000", source: "customer" },
      { read_on: day(1), kwh: "12345.600", source: "customer" },
    ]);
    await page.close();
  });
});
