// Browser flows against the built app (`next start` on a test database and a local Hardhat chain for
// the development wallet): admin registers a gateway; prosumer switches the dashboard period.
// C4E_SCREENSHOTS=1 also writes docs/img/prosumer.png and docs/img/admin-rewards.png.
import { join } from "node:path";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../stack/src/embedded/ports.ts";
import { createTestDatabase, startTestChain } from "../../stack/src/testing/index.ts";
import { seedDemo } from "./demo-seed.ts";
import { CHAIN_ID, TOKEN } from "./fixtures.ts";
import { ensureBuilt, startNext } from "./next-server.ts";

const SCREENSHOTS = process.env.C4E_SCREENSHOTS === "1";
const IMG_DIR = join(import.meta.dirname, "..", "..", "docs", "img");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let db: pg.Pool;
let web: Awaited<ReturnType<typeof startNext>>;
let browser: Browser;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const [database, chain] = await Promise.all([createTestDatabase("web_browser"), startTestChain()]);
  cleanup.push(database.drop, chain.stop);
  db = createPool({ url: database.url, max: 4 });
  cleanup.push(() => db.end());
  await seedDemo(db);
  await ensureBuilt();
  const port = await freePort();
  web = await startNext(port, {
    DATABASE_URL: database.url,
    RPC_URL: chain.url,
    CHAIN_ID: String(CHAIN_ID),
    TOKEN_ADDRESS: TOKEN,
    REWARD_MINTER_ADDRESS: "0x00000000000000000000000000000000000000aa",
    MQTT_URL: "mqtt://127.0.0.1:9",
    WEB_ORIGIN: `http://localhost:${port}`,
    DEV_WALLET: "1",
  });
  cleanup.push(web.stop);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  cleanup.push(() => browser.close());
}, 300_000);

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
});

async function signIn(page: Page, path: string, devAccount: number) {
  await page.goto(`${web.url}${path}`);
  await page.getByTestId(`dev-account-${devAccount}`).click();
  await page.getByTestId("sign-in").click();
}

describe("browser flows", () => {
  it("admin signs in, registers a gateway and sees it listed; a bad key is refused at its field", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, "/admin/gateways", 0);
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
    await signIn(page, "/prosumer", 2);
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
});
