// Production mode: the platform against a chain that is not the local development chain (RPC_URL, a
// `hardhat node` with chain id 4242) with keys of its own. Nothing of the demo may appear: no demo
// retailer, staff, gateways, customers or wallets, no perks on chain, no simulator, no development
// wallet in the web app, and no development account ever sends a transaction. A chain answering with
// the development chain id 31337 through RPC_URL is refused unless ALLOW_DEV_CHAIN=1 (then still
// without the demo).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { c4ePerksAbi, c4eTokenAbi } from "@c4e/contracts";
import { createPublicClient, getAddress, http, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STAFF } from "../src/demo/staff.ts";
import { DEV_ACCOUNT_INDEX, devAccount } from "../src/dev-accounts.ts";
import { freePort } from "../src/embedded/ports.ts";
import { ConfigError, loadConfig } from "../src/env.ts";
import { type Platform, startPlatform } from "../src/platform.ts";
import { createTestDatabase, startTestChain, type TestDatabase } from "../src/testing/index.ts";

const PRODUCTION_CHAIN_ID = 4242;
const DEV_ACCOUNTS_CHECKED = 20;

/** Fresh keys of our own, funded on the node (never a development account). */
async function fundedKeys(rpcUrl: string) {
  const keys = { minter: generatePrivateKey(), deployer: generatePrivateKey() };
  for (const key of Object.values(keys)) {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "hardhat_setBalance",
        params: [privateKeyToAccount(key).address, "0x56BC75E2D63100000"], // 100 ETH
      }),
    });
    expect(((await res.json()) as { error?: unknown }).error).toBeUndefined();
  }
  return keys;
}

/** The environment of one platform start on free ports, with the run's database when CI gives one. */
async function platformEnv(label: string, dataDir: string, cleanups: (() => Promise<unknown>)[]) {
  const env: Record<string, string> = {
    C4E_DATA_DIR: dataDir,
    PG_PORT: String(await freePort()),
    MQTT_PORT: String(await freePort()),
    WEB_PORT: String(await freePort()),
    MQTT_TOPIC_ROOT: `${label}${Date.now()}/c4e/v1`,
    INDEXER_POLL_MS: "300",
  };
  if (process.env.TEST_DATABASE_URL) {
    const db: TestDatabase = await createTestDatabase(label, { migrate: false });
    cleanups.push(db.drop);
    env.DATABASE_URL = db.url;
  }
  if (process.env.TEST_MQTT_URL) env.MQTT_URL = process.env.TEST_MQTT_URL;
  return env;
}

describe("production mode: RPC_URL to a chain other than 31337", () => {
  let platform: Platform;
  let chain: Awaited<ReturnType<typeof startTestChain>>;
  let client: PublicClient;
  let keys: { minter: `0x${string}`; deployer: `0x${string}` };
  let dataDir: string;
  const cleanups: (() => Promise<unknown>)[] = [];
  const count = async (table: string) =>
    Number((await platform.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

  beforeAll(async () => {
    chain = await startTestChain({ chainId: PRODUCTION_CHAIN_ID });
    cleanups.push(chain.stop);
    client = createPublicClient({ transport: http(chain.url) });
    keys = await fundedKeys(chain.url);
    dataDir = mkdtempSync(join(tmpdir(), "c4e-production-"));
    const env = {
      ...(await platformEnv("production", dataDir, cleanups)),
      RPC_URL: chain.url,
      MINTER_PRIVATE_KEY: keys.minter,
      DEPLOYER_PRIVATE_KEY: keys.deployer,
    };
    platform = await startPlatform(loadConfig(env)); // with the web app, as `npm start` runs it
  });

  afterAll(async () => {
    await platform?.stop();
    for (const c of cleanups.reverse()) await c();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs on the chain with the configured keys: deployer and minter are ours", async () => {
    expect(platform.chainId).toBe(PRODUCTION_CHAIN_ID);
    const token = { address: platform.deployment.token, abi: c4eTokenAbi } as const;
    const admin = await client.readContract({ ...token, functionName: "DEFAULT_ADMIN_ROLE" });
    const deployer = privateKeyToAccount(keys.deployer).address;
    expect(await client.readContract({ ...token, functionName: "hasRole", args: [admin, deployer] })).toBe(
      true,
    );
    expect(platform.summary.join("\n")).toContain(`chain id ${PRODUCTION_CHAIN_ID}`);
  });

  it("seeds no demo: no retailer, staff, gateways, customers, wallets, sites, meters, contracts", async () => {
    for (const table of [
      "retailer",
      "web_user",
      "gateway",
      "customer",
      "wallet",
      "site",
      "meter",
      "product",
      "contract",
      "pod",
      "meter_reading_report",
    ]) {
      expect({ table, rows: await count(table) }).toEqual({ table, rows: 0 });
    }
    // not even one demo staff address, whatever table a later seed might use
    const staff = DEMO_STAFF.map((s) => devAccount(s.accountIndex).address.toLowerCase());
    const { rows } = await platform.pool.query("SELECT address FROM web_user WHERE address = ANY($1)", [
      staff,
    ]);
    expect(rows).toEqual([]);
  });

  it("lists no perks on chain, mints nothing and never sends from a development account", async () => {
    const perks = { address: platform.deployment.perks, abi: c4ePerksAbi } as const;
    expect(await client.readContract({ ...perks, functionName: "perkCount" })).toBe(0n);
    const partnerRole = await client.readContract({ ...perks, functionName: "PARTNER_ROLE" });
    const token = { address: platform.deployment.token, abi: c4eTokenAbi } as const;
    const admin = await client.readContract({ ...token, functionName: "DEFAULT_ADMIN_ROLE" });
    for (let i = 0; i < DEV_ACCOUNTS_CHECKED; i++) {
      const address = devAccount(i).address;
      expect({ i, sent: await client.getTransactionCount({ address }) }).toEqual({ i, sent: 0 });
      expect(
        await client.readContract({ ...perks, functionName: "hasRole", args: [partnerRole, address] }),
      ).toBe(false);
      expect(await client.readContract({ ...token, functionName: "hasRole", args: [admin, address] })).toBe(
        false,
      );
    }
    expect(await client.readContract({ ...token, functionName: "totalSupply" })).toBe(0n);
  });

  it("runs no simulator: no gateway publishes, nothing is ingested", async () => {
    expect(platform.simulator).toBeNull();
    expect(platform.summary.join("\n")).not.toMatch(/simulator/);
    await new Promise((r) => setTimeout(r, 3000)); // the simulator would backfill a day within this
    expect(await count("ingest_message")).toBe(0);
    expect(await count("reading")).toBe(0);
  });

  it("starts the web app without the development wallet", async () => {
    const webUrl = platform.webUrl;
    if (!webUrl) throw new Error("the web app did not start");
    const page = await (await fetch(`${webUrl}/prosumer`)).text();
    expect(page).toMatch(/devWallet\\?":false/);
    expect(page).not.toMatch(/devWallet\\?":true/);
    const alice = devAccount(DEV_ACCOUNT_INDEX.prosumers[0]).address;
    expect(page.toLowerCase()).not.toContain(alice.toLowerCase());
    // the RPC proxy signs for nobody (with the development wallet the node would sign for Alice)
    const res = await fetch(`${webUrl}/api/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: webUrl },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "personal_sign", params: ["0x68690a", alice] }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    expect(body.result).toBeUndefined();
    expect(body.error?.message).toMatch(/development wallet/);
  });
});

describe("RPC_URL to a chain with the development chain id 31337", () => {
  let chain: Awaited<ReturnType<typeof startTestChain>>;
  let dataDir: string;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    chain = await startTestChain();
    cleanups.push(chain.stop);
    dataDir = mkdtempSync(join(tmpdir(), "c4e-devchain-"));
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("is refused naming RPC_URL; with ALLOW_DEV_CHAIN=1 it runs, still without the demo", async () => {
    const keys = await fundedKeys(chain.url);
    const env = {
      ...(await platformEnv("devchain", dataDir, cleanups)),
      RPC_URL: chain.url,
      MINTER_PRIVATE_KEY: keys.minter,
      DEPLOYER_PRIVATE_KEY: keys.deployer,
    };
    const refused = await startPlatform(loadConfig(env), { web: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).issues).toEqual([
      { variable: "RPC_URL", message: expect.stringMatching(/chain id 31337.*ALLOW_DEV_CHAIN=1/) },
    ]);

    const platform = await startPlatform(loadConfig({ ...env, ALLOW_DEV_CHAIN: "1" }), { web: false });
    try {
      expect(platform.chainId).toBe(31337);
      expect(platform.simulator).toBeNull();
      const { rows } = await platform.pool.query<{ n: string }>(
        "SELECT (SELECT count(*) FROM retailer) + (SELECT count(*) FROM web_user) + (SELECT count(*) FROM wallet) AS n",
      );
      expect(Number(rows[0]?.n)).toBe(0);
      const perks = { address: getAddress(platform.deployment.perks), abi: c4ePerksAbi } as const;
      const client = createPublicClient({ transport: http(chain.url) });
      expect(await client.readContract({ ...perks, functionName: "perkCount" })).toBe(0n);
      // the operator registers a fleet of its own (its capacity raises the period mint cap)
      await platform.pool.query(`
        INSERT INTO retailer (id, name) VALUES ('ret-own', 'Own Energy');
        INSERT INTO customer (id, retailer_id, name) VALUES ('cust-own', 'ret-own', 'Own Customer');
        INSERT INTO site (id, customer_id, name, address, pod_id, time_zone)
          VALUES ('site-own', 'cust-own', 'Home', 'Street 1', 'POD-OWN', 'Europe/Berlin');
        INSERT INTO gateway (id, retailer_id, public_key) VALUES ('gw-own', 'ret-own', 'pk');
        INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w)
          VALUES ('m-own', 'site-own', 'gw-own', 'grid', 500000)`);
    } finally {
      await platform.stop();
    }
    // a restart on the recorded contracts needs no deployer key, and none of the node's funded
    // development accounts may stand in for it (e.g. to adjust the mint cap to the new fleet)
    const again = await startPlatform(
      loadConfig({ ...env, ALLOW_DEV_CHAIN: "1", DEPLOYER_PRIVATE_KEY: "" }),
      { web: false },
    );
    await again.stop();
    const client = createPublicClient({ transport: http(chain.url) });
    for (let i = 0; i < DEV_ACCOUNTS_CHECKED; i++) {
      const address = devAccount(i).address;
      expect({ i, sent: await client.getTransactionCount({ address }) }).toEqual({ i, sent: 0 });
    }
  });
});
