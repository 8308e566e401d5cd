// End to end: signed readings over MQTT → ingest → Postgres → reward batches minted on a real chain →
// indexer mirror → the prosumer page in headless Chromium.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { c4eTokenAbi, rewardMinterAbi } from "@c4e/contracts";
import mqtt from "mqtt";
import { chromium } from "playwright-core";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFleet } from "../src/demo/fleet.ts";
import { demoGatewayKeyPair } from "../src/demo/keys.ts";
import { DEV_ACCOUNT_INDEX, devAccount } from "../src/dev-accounts.ts";
import { freePort } from "../src/embedded/ports.ts";
import { loadConfig } from "../src/env.ts";
import { type Platform, startPlatform } from "../src/platform.ts";
import { encodeGatewayMessage, type SimulatedReading } from "../src/simulator/gateway-message.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

const QUARTER = 15 * 60_000;
const alice = demoFleet({ gateways: 3, meters: 1 }).gateways[0]?.households[0];
if (!alice) throw new Error("demo fleet has no first household");
const aliceWallet = devAccount(DEV_ACCOUNT_INDEX.prosumers[0]).address;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("a meter reading travels to the wallet", () => {
  let platform: Platform;
  let publisher: mqtt.MqttClient;
  let dataDir: string;
  let db: TestDatabase | undefined;
  const topicRoot = `e2e${Date.now()}/c4e/v1`;
  // yesterday 09:00 UTC, aligned to the quarter hour
  const t0 = Math.floor((Date.now() - 24 * 3_600_000) / 86_400_000) * 86_400_000 + 9 * 3_600_000;
  const instant = (i: number) => new Date(t0 + i * QUARTER);

  /** Alice's grid meter exports 500 Wh and her PV meter produces 800 Wh every quarter hour. */
  function aliceMessage(i: number, patch: (r: SimulatedReading[]) => SimulatedReading[] = (r) => r): string {
    const readings: SimulatedReading[] = [
      {
        meterId: alice?.gridMeterId ?? "",
        at: instant(i),
        importWh: 10_000n,
        exportWh: 20_000n + BigInt(i) * 500n,
      },
      { meterId: alice?.pvMeterId ?? "", at: instant(i), importWh: 0n, exportWh: 50_000n + BigInt(i) * 800n },
    ];
    return encodeGatewayMessage({
      gatewayId: "gw-0001",
      messageId: `e2e-${i}`,
      sentAt: instant(i),
      readings: patch(readings),
      privateKey: demoGatewayKeyPair("gw-0001").privateKey,
    });
  }
  const publish = (payload: string, gatewayId = "gw-0001") =>
    publisher.publishAsync(`${topicRoot}/gateways/${gatewayId}/readings`, payload, { qos: 1 });
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await platform.pool.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "c4e-e2e-"));
    const env: Record<string, string> = {
      C4E_DATA_DIR: dataDir,
      PG_PORT: String(await freePort()),
      MQTT_PORT: String(await freePort()),
      CHAIN_PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
      MQTT_TOPIC_ROOT: topicRoot,
      SIMULATOR: "0",
      INDEXER_POLL_MS: "300",
    };
    if (process.env.TEST_DATABASE_URL) {
      db = await createTestDatabase("e2e", { migrate: false });
      env.DATABASE_URL = db.url;
    }
    if (process.env.TEST_MQTT_URL) env.MQTT_URL = process.env.TEST_MQTT_URL;
    platform = await startPlatform(loadConfig(env));
    publisher = await mqtt.connectAsync(platform.mqttUrl);
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await platform?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores readings, records rejects with reasons and keeps going", async () => {
    for (let i = 0; i <= 4; i++) await publish(aliceMessage(i));
    await publish("{not json");
    await publish(aliceMessage(99).replace(/"sig":"[A-Za-z0-9+/]{4}/, '"sig":"AAAA'));
    await publish(aliceMessage(98), "gw-unknown");
    await publish(
      aliceMessage(5, (rs) => [
        ...rs,
        {
          meterId: alice.gridMeterId,
          at: new Date(Date.now() + 3_600_000),
          importWh: 10_000n,
          exportWh: 90_000n,
        },
      ]),
    );
    await waitFor(
      "readings of five instants plus one",
      async () =>
        (await count("SELECT count(DISTINCT at) AS n FROM reading WHERE meter_id = $1", [
          alice.gridMeterId,
        ])) === 6,
    );
    const reasons = await waitFor("four rejects", async () => {
      const { rows } = await platform.pool.query<{ reason: string }>(
        "SELECT reason FROM rejected_input ORDER BY id",
      );
      return rows.length >= 4 ? rows.map((r) => r.reason) : undefined;
    });
    expect(reasons.sort()).toEqual(["bad_signature", "future_instant", "malformed_json", "unknown_gateway"]);
  });

  it("mints exactly one batch per period across an ingest restart and redelivered messages", async () => {
    await platform.ingest.settleAndMint();
    const before = await count("SELECT count(*) AS n FROM reward_batch");
    expect(before).toBeGreaterThan(0);

    await platform.restartIngest();
    for (let i = 0; i <= 8; i++) await publish(aliceMessage(i)); // 0–5 are redelivered duplicates
    await waitFor(
      "readings up to instant 8",
      async () =>
        (await count("SELECT count(DISTINCT at) AS n FROM reading WHERE meter_id = $1", [
          alice.gridMeterId,
        ])) === 9,
    );
    await platform.ingest.settleAndMint();
    await platform.restartIngest();
    await platform.ingest.settleAndMint();

    // deltas at instants 1..8 (instant 0 has no predecessor): 8 periods of 500 Wh each
    const { rows } = await platform.pool.query<{ period_start: Date; export_wh: string; status: string }>(
      "SELECT period_start, export_wh, status FROM reward_batch ORDER BY period_start",
    );
    expect(rows.map((r) => [r.period_start.getTime(), r.export_wh, r.status])).toEqual(
      Array.from({ length: 8 }, (_, k) => [instant(k).getTime(), "500", "minted"]),
    );

    const client = createPublicClient({ transport: http(platform.rpcUrl) });
    const minted = await client.getContractEvents({
      address: platform.deployment.rewardMinter,
      abi: rewardMinterAbi,
      eventName: "RewardBatchMinted",
      fromBlock: 0n,
    });
    expect(minted).toHaveLength(8);
    const onChain = await client.readContract({
      address: platform.deployment.token,
      abi: c4eTokenAbi,
      functionName: "balanceOf",
      args: [aliceWallet],
    });
    expect(onChain).toBe(8n * 500n * 10n ** 15n); // 1 C4E per kWh: 4 kWh → 4 C4E
  });

  it("mirrors the balance the chain holds", async () => {
    const client = createPublicClient({ transport: http(platform.rpcUrl) });
    const onChain = await client.readContract({
      address: platform.deployment.token,
      abi: c4eTokenAbi,
      functionName: "balanceOf",
      args: [aliceWallet],
    });
    const mirrored = await waitFor("the mirror to catch up", async () => {
      const { rows } = await platform.pool.query<{ balance: string }>(
        "SELECT balance FROM token_balance WHERE chain_id = $1 AND token = $2 AND address = $3",
        [platform.chainId, platform.deployment.token.toLowerCase(), aliceWallet.toLowerCase()],
      );
      return rows[0] && BigInt(rows[0].balance) === onChain ? BigInt(rows[0].balance) : undefined;
    });
    expect(mirrored).toBe(onChain);
  });

  it("shows the balance on the prosumer page in headless Chromium", async () => {
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${platform.webUrl}/prosumer`);
      await page.getByTestId("dev-account-2").click();
      await page.getByTestId("sign-in").click();
      const balance = page.getByTestId("c4e-balance");
      await balance.waitFor({ timeout: 30_000 });
      await expect.poll(async () => balance.textContent(), { timeout: 30_000 }).toMatch(/\b4(\.0+)?\b/);
      await page.getByTestId("reward-history").waitFor();
      expect(await page.getByTestId("reward-history").textContent()).toContain("0.5");
    } finally {
      await browser.close();
    }
  });
});
