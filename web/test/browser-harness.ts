// The part every browser test shares: the built app started with `next start` on a free port for a
// test database and chain (development wallet on), the job worker beside it (bill runs are jobs),
// Chromium launched headless, and the development wallet's sign-in.
import { type Browser, chromium, type Page } from "playwright-core";
import { freePort } from "@c4e/stack/embedded/ports";
import { createLog } from "@c4e/stack/log";
import { startWorkerProcess } from "@c4e/stack/worker/process";
import { CHAIN_ID, TOKEN } from "./fixtures.ts";
import { ensureBuilt, startNext } from "./next-server.ts";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export type BrowserApp = {
  web: Awaited<ReturnType<typeof startNext>>;
  browser: Browser;
  /** closes the browser, then stops the app */
  stop: () => Promise<void>;
};

/**
 * Builds the app when stale, starts it on the database and chain (the fixtures' token, a placeholder
 * reward minter, an unreachable broker, `WEB_ORIGIN` = its own localhost address, `DEV_WALLET=1`; `env`
 * adds to or overrides these) and launches Chromium.
 */
export async function startBrowserApp(
  databaseUrl: string,
  rpcUrl: string,
  env: Record<string, string> = {},
): Promise<BrowserApp> {
  await ensureBuilt();
  const port = await freePort();
  const web = await startNext(port, {
    DATABASE_URL: databaseUrl,
    RPC_URL: rpcUrl,
    CHAIN_ID: String(CHAIN_ID),
    TOKEN_ADDRESS: TOKEN,
    REWARD_MINTER_ADDRESS: "0x00000000000000000000000000000000000000aa",
    MQTT_URL: "mqtt://127.0.0.1:9",
    WEB_ORIGIN: `http://localhost:${port}`,
    DEV_WALLET: "1",
    ...env,
  });
  let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
  let browser: Browser;
  try {
    worker = await startWorkerProcess({
      env: { DATABASE_URL: databaseUrl, SWITCH_ACTIVATION_MINUTES: "0" },
      log: createLog("worker"),
    });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  } catch (error) {
    await worker?.stop();
    await web.stop();
    throw error;
  }
  return {
    web,
    browser,
    stop: async () => {
      await browser.close().catch(() => {});
      await worker?.stop();
      await web.stop();
    },
  };
}

/** Opens `path` of the app and signs in with development account `devAccount`. */
export async function signIn(page: Page, webUrl: string, path: string, devAccount: number): Promise<void> {
  await page.goto(`${webUrl}${path}`);
  await page.getByTestId(`dev-account-${devAccount}`).click();
  await page.getByTestId("sign-in").click();
}
