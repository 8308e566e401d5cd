import { randomBytes } from "node:crypto";
import {
  c4eTokenAbi,
  certificateIdFor,
  type Deployment,
  greenCertificatesAbi,
  rewardMinterAbi,
} from "@c4e/contracts";
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import type { PublicClient } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount, devPrivateKey } from "@c4e/stack/dev-accounts";
import { createTestDatabase, startTestChain, type TestDatabase } from "@c4e/stack/testing/index";
import { createIngest, type Ingest, type IngestConfig, REJECTED_PAYLOAD_KEPT_BYTES } from "../src/index.ts";
import { processBatch, type ReceivedMessage } from "../src/process-batch.ts";
import { createGatewayKeyCache } from "../src/verify-signature.ts";
import {
  baseConfig,
  deployOnTestChain,
  type Fixture,
  insertFixture,
  query,
  signedMessage,
  testClock,
} from "./fixtures.ts";

/**
 * The reward path's proofs of concept from the security review (issue 11), written as tests on the
 * project's own chain and ingest. Each one failed before its fix:
 * - a reading back-dated before a meter's first reading paid the meter's lifetime register;
 * - the same with both readings in one message;
 * - one recipient that cannot receive ERC-1155 certificates made the whole period revert, forever;
 * - a period with more recipients than one transaction can hold could never be minted;
 * - a batch whose amounts did not match its leaves was minted as stored;
 * - a mint reorganised away stayed "minted" in the database;
 * - unauthenticated rejected payloads were stored whole and kept forever.
 */

const WH = 10n ** 15n; // base units per Wh (1 C4E per kWh)

/**
 * Settlement and minting only (the consumer is never started): 15-minute periods settled as soon as
 * they end, a 60-minute rewardable gap, mints confirmed at once; dev account 1 mints on the local chain.
 */
function settleConfig(params: {
  databaseUrl: string;
  chain: { url: string; chainId: number };
  deployment: Deployment;
  now: () => Date;
  logs?: string[];
}): IngestConfig {
  return {
    ...baseConfig({
      databaseUrl: params.databaseUrl,
      mqttUrl: "mqtt://127.0.0.1:1",
      topicRoot: "c4e/v1",
      clientId: "unused",
      now: params.now,
      ...(params.logs ? { logs: params.logs } : {}),
      chain: {
        rpcUrl: params.chain.url,
        chainId: params.chain.chainId,
        rewardMinter: params.deployment.rewardMinter,
        minterPrivateKey: devPrivateKey(1),
      },
    }),
    settlementPeriodMinutes: 15,
    settlementMaxWaitSeconds: 0,
    rewardMaxGapMinutes: 60,
    rewardConfirmations: 0,
  };
}
const MINUTE = 60_000;

describe("ingest: rewards that cannot be gamed, jammed or capped out", () => {
  let db: TestDatabase;
  let chainHandle: Awaited<ReturnType<typeof startTestChain>>;
  let publicClient: PublicClient;
  let deployment: Deployment;
  let fixture: Fixture;
  let pool: pg.Pool;
  const clock = testClock("2026-11-01T12:00:00Z");
  const logs: string[] = [];
  const topicRoot = "c4e/v1";

  const wallets = {
    alice: devAccount(2).address.toLowerCase() as `0x${string}`,
    bob: devAccount(3).address.toLowerCase() as `0x${string}`,
    carol: devAccount(4).address.toLowerCase() as `0x${string}`,
    dave: devAccount(5).address.toLowerCase() as `0x${string}`,
    // an account with code that does not implement the ERC-1155 receiver hook (like an EOA with an
    // EIP-7702 delegation to such a contract)
    delegated: `0x${"7702".repeat(10)}` as `0x${string}`,
  };

  let sent = 0;
  const gatewayKeys = () => createGatewayKeyCache({ pool, ttlMs: 60_000, now: clock.now });
  /** Stores one signed message of gw-1 through ingest's batch path (signature, gate, storage). */
  async function report(readings: { meterId: string; at: string; importWh: number; exportWh: number }[]) {
    const key = fixture.gateways["gw-1"]?.privateKey;
    if (!key) throw new Error("no key");
    sent++;
    const payload = signedMessage({ gatewayId: "gw-1", messageId: `msg-${sent}`, readings }, key);
    return await processBatch(
      {
        pool,
        gatewayKeys: gatewayKeys(),
        topicRoot,
        clockSkewMs: 300_000,
        rewardMaxGapMinutes: 60,
        log: () => {},
      },
      [
        {
          topic: `${topicRoot}/gateways/gw-1/readings`,
          payload: Buffer.from(payload),
          receivedAt: clock.now(),
        },
      ],
    );
  }

  const ingestWith = (overrides: Partial<IngestConfig> = {}): Ingest =>
    createIngest({
      ...settleConfig({ databaseUrl: db.url, chain: chainHandle, deployment, now: clock.now, logs }),
      ...overrides,
    });

  async function settle(overrides: Partial<IngestConfig> = {}) {
    const ingest = ingestWith(overrides);
    try {
      return await ingest.settleAndMint();
    } finally {
      await ingest.stop();
    }
  }

  const balanceOf = (address: `0x${string}`) =>
    publicClient.readContract({
      address: deployment.token,
      abi: c4eTokenAbi,
      functionName: "balanceOf",
      args: [address],
    });

  beforeAll(async () => {
    [db, chainHandle] = await Promise.all([createTestDatabase("ingest_reward_hardening"), startTestChain()]);
    ({ publicClient, deployment } = await deployOnTestChain(chainHandle.url, 900));
    await publicClient.request({
      method: "hardhat_setCode" as never,
      params: [wallets.delegated, "0xfe"] as never,
    });
    fixture = await insertFixture(db.url, {
      customers: [
        { id: "c-alice", wallet: wallets.alice },
        { id: "c-bob", wallet: wallets.bob },
        { id: "c-carol", wallet: wallets.carol },
        { id: "c-dave", wallet: wallets.dave },
        { id: "c-delegated", wallet: wallets.delegated },
      ],
      gateways: [{ id: "gw-1" }],
      meters: [
        { id: "m-alice", gatewayId: "gw-1", customerId: "c-alice", ratedPowerW: 10_000 },
        { id: "m-bob", gatewayId: "gw-1", customerId: "c-bob", ratedPowerW: 10_000 },
        { id: "m-carol", gatewayId: "gw-1", customerId: "c-carol", ratedPowerW: 10_000 },
        { id: "m-dave", gatewayId: "gw-1", customerId: "c-dave", ratedPowerW: 10_000 },
        { id: "m-delegated", gatewayId: "gw-1", customerId: "c-delegated", ratedPowerW: 10_000 },
      ],
    });
    pool = createPool({ url: db.url });
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await chainHandle?.stop();
    await db?.drop();
  });

  it("a reading back-dated before a meter's first reading pays nothing of its lifetime register", async () => {
    // Alice's meter shows up with 40,000 kWh on its export register, then exports 500 Wh in 15 minutes.
    await report([{ meterId: "m-alice", at: "2026-11-01T10:00:00Z", importWh: 0, exportWh: 40_000_000 }]);
    await report([{ meterId: "m-alice", at: "2026-11-01T10:15:00Z", importWh: 0, exportWh: 40_000_500 }]);
    // The forged reading: a year earlier, register zero (plausible: 40 MWh in a year is < 10 kW).
    const forged = await report([
      { meterId: "m-alice", at: "2025-11-01T10:00:00Z", importWh: 0, exportWh: 0 },
    ]);
    expect(forged.acceptedReadings).toBe(1); // stored for the record …
    const baseline = await query<{ delta_wh: string; reward_eligible: boolean }>(
      db.url,
      "SELECT delta_wh::text, reward_eligible FROM reading WHERE meter_id = 'm-alice' AND register = 'export' AND at = '2026-11-01T10:00:00Z'",
    );
    expect(baseline).toEqual([{ delta_wh: "40000000", reward_eligible: false }]); // … and never rewardable

    // Both readings in one message: Bob's meter, never seen before.
    await report([
      { meterId: "m-bob", at: "2025-11-01T10:00:00Z", importWh: 0, exportWh: 0 },
      { meterId: "m-bob", at: "2026-11-01T10:00:00Z", importWh: 0, exportWh: 40_000_000 },
      { meterId: "m-bob", at: "2026-11-01T10:15:00Z", importWh: 0, exportWh: 40_000_700 },
    ]);

    const result = await settle();
    expect(result.minted.map((m) => m.status)).toEqual(["minted"]);
    expect(await balanceOf(wallets.alice)).toBe(500n * WH); // was 40,000,500 Wh before the fix
    expect(await balanceOf(wallets.bob)).toBe(700n * WH);
    const batchId = result.created[0]?.id;
    if (!batchId) throw new Error("no batch");
    expect(
      await publicClient.readContract({
        address: deployment.greenCertificates,
        abi: greenCertificatesAbi,
        functionName: "issuedEnergyWh",
        args: [certificateIdFor(batchId)],
      }),
    ).toBe(1200n);
  });

  it("refuses a delta above what the meter's rated power can produce, with the reason", async () => {
    // 10 kW for 15 minutes is at most 2,500 Wh.
    const result = await report([
      { meterId: "m-alice", at: "2026-11-01T10:30:00Z", importWh: 0, exportWh: 40_010_000 },
    ]);
    expect(result.rejectedByReason).toEqual({ power_exceeds_rating: 1 });
  });

  it("pays nothing for the first reading after a gap longer than the rewardable gap", async () => {
    // Alice is silent from 10:15 to 12:15 (two hours), then reports +5,000 Wh: only the baseline moves.
    clock.set("2026-11-01T13:00:00Z");
    await report([{ meterId: "m-alice", at: "2026-11-01T12:15:00Z", importWh: 0, exportWh: 40_005_500 }]);
    await report([{ meterId: "m-alice", at: "2026-11-01T12:30:00Z", importWh: 0, exportWh: 40_005_600 }]);
    const before = await balanceOf(wallets.alice);
    await settle();
    expect((await balanceOf(wallets.alice)) - before).toBe(100n * WH);
  });

  it("a recipient that cannot receive certificates does not block the others, and is reported", async () => {
    clock.set("2026-11-01T14:00:00Z");
    await report([
      { meterId: "m-carol", at: "2026-11-01T13:00:00Z", importWh: 0, exportWh: 1000 },
      { meterId: "m-delegated", at: "2026-11-01T13:00:00Z", importWh: 0, exportWh: 1000 },
    ]);
    await report([
      { meterId: "m-carol", at: "2026-11-01T13:15:00Z", importWh: 0, exportWh: 1300 },
      { meterId: "m-delegated", at: "2026-11-01T13:15:00Z", importWh: 0, exportWh: 1400 },
    ]);
    const result = await settle();
    // Before the fix: ERC1155InvalidReceiver reverted the whole batch on every tick.
    expect(result.minted).toEqual([
      {
        batchId: expect.any(String),
        status: "minted",
        txHash: expect.any(String),
        certificatesHeld: [wallets.delegated],
      },
    ]);
    const batchId = result.minted[0]?.batchId as `0x${string}`;
    expect(await balanceOf(wallets.carol)).toBe(300n * WH);
    expect(await balanceOf(wallets.delegated)).toBe(400n * WH); // the reward is paid all the same
    const id = certificateIdFor(batchId);
    const certificates = (fn: "balanceOf" | "pendingCertificates", holder: `0x${string}`) =>
      publicClient.readContract({
        address: deployment.greenCertificates,
        abi: greenCertificatesAbi,
        functionName: fn,
        args: [holder, id],
      });
    expect(await certificates("balanceOf", wallets.carol)).toBe(300n);
    expect(await certificates("balanceOf", wallets.delegated)).toBe(0n);
    expect(await certificates("pendingCertificates", wallets.delegated)).toBe(400n);
    expect(
      await query(
        db.url,
        "SELECT wallet, certificates_held FROM reward_allocation WHERE batch_id = $1 ORDER BY wallet",
        [batchId],
      ),
    ).toEqual(
      [
        { wallet: wallets.carol, certificates_held: false },
        { wallet: wallets.delegated, certificates_held: true },
      ].sort((a, b) => (a.wallet < b.wallet ? -1 : 1)),
    );
  });

  it("holds a batch whose amounts do not match its leaves, and mints the others", async () => {
    // (Carol's last reading was 13:15: 14:30 follows a gap and only moves her reference.)
    clock.set("2026-11-01T15:30:00Z");
    await report([
      { meterId: "m-carol", at: "2026-11-01T14:30:00Z", importWh: 0, exportWh: 2000 },
      { meterId: "m-dave", at: "2026-11-01T14:30:00Z", importWh: 0, exportWh: 0 },
    ]);
    await report([
      { meterId: "m-carol", at: "2026-11-01T14:45:00Z", importWh: 0, exportWh: 2100 },
      { meterId: "m-dave", at: "2026-11-01T14:45:00Z", importWh: 0, exportWh: 50 },
    ]);
    await report([
      { meterId: "m-carol", at: "2026-11-01T15:00:00Z", importWh: 0, exportWh: 2200 },
      { meterId: "m-dave", at: "2026-11-01T15:00:00Z", importWh: 0, exportWh: 100 },
    ]);
    // Settle without a chain, then tamper with the first period's allocation (a compromised database
    // or a bug): Dave's amount inflated a thousandfold.
    const stored = await settle({ chain: null });
    expect(stored.created).toHaveLength(2);
    const [tampered, clean] = stored.created;
    if (!tampered || !clean) throw new Error("no batches");
    await query(
      db.url,
      "UPDATE reward_allocation SET amount = amount * 1000 WHERE batch_id = $1 AND wallet = $2",
      [tampered.id, wallets.dave],
    );
    const daveBefore = await balanceOf(wallets.dave);
    const result = await settle();
    expect(result.minted.map((m) => [m.batchId, m.status])).toEqual([
      [tampered.id, "held"],
      [clean.id, "minted"],
    ]);
    expect(result.minted[0]?.error).toContain(`recipient ${wallets.dave}: amount ${50n * WH * 1000n}`);
    expect(await balanceOf(wallets.dave)).toBe(daveBefore + 50n * WH); // the clean period only
    expect(
      await publicClient.readContract({
        address: deployment.rewardMinter,
        abi: rewardMinterAbi,
        functionName: "isBatchMinted",
        args: [tampered.id],
      }),
    ).toBe(false);
    expect(
      await query(
        db.url,
        "SELECT status, hold_reason IS NOT NULL AS has_reason FROM reward_batch WHERE id = $1",
        [tampered.id],
      ),
    ).toEqual([{ status: "held", has_reason: true }]);
    // A held batch stays held: the next run does not send it.
    expect((await settle()).minted).toEqual([]);
  });

  it("re-mints a batch whose mint was reorganised away, once, and confirms it after the confirmations", async () => {
    clock.set("2026-11-01T17:00:00Z");
    await report([{ meterId: "m-carol", at: "2026-11-01T16:30:00Z", importWh: 0, exportWh: 3000 }]);
    await report([{ meterId: "m-carol", at: "2026-11-01T16:45:00Z", importWh: 0, exportWh: 3250 }]);
    const carolBefore = await balanceOf(wallets.carol);
    const snapshot = await publicClient.request({ method: "evm_snapshot" as never, params: [] as never });
    const first = await settle({ rewardConfirmations: 3 });
    const batchId = first.created[0]?.id;
    expect(first.minted).toEqual([{ batchId, status: "minted", txHash: expect.any(String) }]);
    expect(first.reconciled).toEqual([]); // not yet 3 blocks deep
    expect(await balanceOf(wallets.carol)).toBe(carolBefore + 250n * WH);

    // The block with the mint is reorganised away; the chain moves on.
    await publicClient.request({ method: "evm_revert" as never, params: [snapshot] as never });
    await publicClient.request({ method: "hardhat_mine" as never, params: ["0x5"] as never });
    expect(await balanceOf(wallets.carol)).toBe(carolBefore);

    const second = await settle({ rewardConfirmations: 3 });
    expect(second.reconciled).toEqual([{ batchId, status: "reorged" }]);
    const third = await settle({ rewardConfirmations: 3 });
    expect(third.minted.map((m) => [m.batchId, m.status])).toEqual([[batchId, "minted"]]);
    expect(await balanceOf(wallets.carol)).toBe(carolBefore + 250n * WH);

    await publicClient.request({ method: "hardhat_mine" as never, params: ["0x3"] as never });
    const fourth = await settle({ rewardConfirmations: 3 });
    expect(fourth.reconciled).toEqual([{ batchId, status: "confirmed" }]);
    expect(await balanceOf(wallets.carol)).toBe(carolBefore + 250n * WH); // exactly once
    expect(
      await query(
        db.url,
        "SELECT status, confirmed_at IS NOT NULL AS confirmed FROM reward_batch WHERE id = $1",
        [batchId],
      ),
    ).toEqual([{ status: "minted", confirmed: true }]);
  });

  it("keeps at most 4 KiB of an unauthenticated rejected payload and purges rejected input after its retention", async () => {
    const big = Buffer.from(`{"v":1,"alg":"ed25519","body":"${"x".repeat(200_000)}","sig":"AAAA"}`);
    const message: ReceivedMessage = {
      topic: `${topicRoot}/gateways/gw-unknown/readings`,
      payload: big,
      receivedAt: clock.now(),
    };
    const result = await processBatch(
      {
        pool,
        gatewayKeys: gatewayKeys(),
        topicRoot,
        clockSkewMs: 300_000,
        rewardMaxGapMinutes: 60,
        log: () => {},
      },
      [message],
    );
    expect(result.rejected).toBe(1);
    const [row] = await query<{ bytes: number; detail: string; reason: string }>(
      db.url,
      "SELECT octet_length(payload) AS bytes, detail, reason FROM rejected_input WHERE gateway_id = 'gw-unknown'",
    );
    expect(row?.bytes).toBeLessThanOrEqual(REJECTED_PAYLOAD_KEPT_BYTES); // was 200,047 bytes
    expect(row?.detail).toContain(
      `payload of ${big.length} bytes: first ${REJECTED_PAYLOAD_KEPT_BYTES} kept`,
    );

    const count = async () =>
      (await query<{ n: number }>(db.url, "SELECT count(*)::int AS n FROM rejected_input"))[0]?.n;
    expect(await count()).toBeGreaterThan(0);
    clock.set(new Date(clock.now().getTime() + 31 * 24 * 60 * MINUTE).toISOString());
    await settle({ chain: null, rejectedRetentionDays: 30 });
    expect(await count()).toBe(0);
  });
});

describe("ingest: a period with 5,000 recipients", () => {
  let db: TestDatabase;
  let chainHandle: Awaited<ReturnType<typeof startTestChain>>;
  let publicClient: PublicClient;
  let deployment: Deployment;
  const RECIPIENTS = 5_000;

  beforeAll(async () => {
    [db, chainHandle] = await Promise.all([createTestDatabase("ingest_reward_5000"), startTestChain()]);
    ({ publicClient, deployment } = await deployOnTestChain(chainHandle.url, 900));
    // 5,000 households with a wallet and a meter each, and one eligible 15-minute export delta each
    // (the readings path is covered above; here the volume is what matters).
    const ids = Array.from({ length: RECIPIENTS }, (_, i) => String(i).padStart(5, "0"));
    const wallet = (id: string) => `0x${randomBytes(14).toString("hex")}${id.padStart(12, "0")}`;
    await query(db.url, "INSERT INTO retailer (id, name) VALUES ('r-1', 'Retailer')");
    await query(
      db.url,
      "INSERT INTO gateway (id, retailer_id, public_key, active) VALUES ('gw-1', 'r-1', 'AAAA', true)",
    );
    await query(
      db.url,
      `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[]) AS k(id, wallet))
       , c AS (INSERT INTO customer (id, retailer_id, name) SELECT 'c-' || id, 'r-1', 'c-' || id FROM k)
       , s AS (INSERT INTO site (id, customer_id, name, address, pod_id) SELECT 's-' || id, 'c-' || id, id, 'Street', 'pod-' || id FROM k)
       , w AS (INSERT INTO wallet (address, customer_id, "primary") SELECT wallet, 'c-' || id, true FROM k)
       INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w) SELECT 'm-' || id, 's-' || id, 'gw-1', 'grid', 10000 FROM k`,
      [ids, ids.map(wallet)],
    );
    await query(
      db.url,
      `INSERT INTO reading (meter_id, at, register, value_wh, delta_wh, gateway_id, message_id, received_at, reward_eligible)
       SELECT 'm-' || id, at, reg, CASE WHEN at = '2026-11-01T10:00:00Z' THEN 1000 ELSE 1000 + n END,
              CASE WHEN at = '2026-11-01T10:00:00Z' THEN NULL ELSE n END, 'gw-1', 'bulk', now(),
              reg = 'export' AND at = '2026-11-01T10:15:00Z'
         FROM unnest($1::text[]) WITH ORDINALITY AS k(id, n)
        CROSS JOIN unnest(ARRAY['2026-11-01T10:00:00Z', '2026-11-01T10:15:00Z']::timestamptz[]) AS t(at)
        CROSS JOIN unnest(ARRAY['import', 'export']) AS r(reg)`,
      [ids],
    );
  }, 120_000);

  afterAll(async () => {
    await chainHandle?.stop();
    await db?.drop();
  });

  it("splits the period into batches under the gas budget and mints every one exactly once", async () => {
    const clock = testClock("2026-11-01T11:00:00Z");
    const config = settleConfig({
      databaseUrl: db.url,
      chain: chainHandle,
      deployment,
      now: clock.now,
    });
    const ingest = createIngest(config);
    const result = await ingest.settleAndMint();
    await ingest.stop();

    const parts = Math.ceil(RECIPIENTS / 126);
    expect(result.created).toHaveLength(parts);
    expect(result.created.map((b) => b.part)).toEqual(Array.from({ length: parts }, (_, i) => i));
    expect(result.minted.filter((m) => m.status !== "minted").map((m) => m.error)).toEqual([]);
    expect(result.minted.filter((m) => m.status === "minted")).toHaveLength(parts);
    const expectedTotal = ((RECIPIENTS * (RECIPIENTS + 1)) / 2) * 1; // Σ n Wh
    expect(
      await publicClient.readContract({
        address: deployment.token,
        abi: c4eTokenAbi,
        functionName: "totalSupply",
      }),
    ).toBe(BigInt(expectedTotal) * WH);
    // every transaction stayed under the budget (well under the 16,777,216 per-transaction cap)
    for (const m of result.minted) {
      const receipt = await publicClient.getTransactionReceipt({ hash: m.txHash as `0x${string}` });
      expect(receipt.gasUsed).toBeLessThan(8_000_000n);
    }
    const events = await publicClient.getContractEvents({
      address: deployment.rewardMinter,
      abi: rewardMinterAbi,
      eventName: "RewardBatchMinted",
      fromBlock: 0n,
    });
    expect(events.reduce((n, e) => n + Number(e.args.count), 0)).toBe(RECIPIENTS);
    expect(
      await query(
        db.url,
        "SELECT count(*)::int AS n FROM reading WHERE register = 'export' AND reward_batch_id IS NOT NULL",
      ),
    ).toEqual([{ n: RECIPIENTS }]);

    // A second run (or a restart) mints nothing again.
    const again = createIngest(config);
    expect(await again.settleAndMint()).toMatchObject({ created: [], minted: [] });
    await again.stop();
  }, 600_000);
});
