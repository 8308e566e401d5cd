import { randomBytes } from "node:crypto";
import {
  batchIdFor,
  buildRewardTree,
  c4eTokenAbi,
  certificateIdFor,
  type Deployment,
  deployC4E,
  greenCertificatesAbi,
  rewardMinterAbi,
} from "@c4e/contracts";
import mqtt, { type MqttClient } from "mqtt";
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount, devPrivateKey } from "@c4e/stack/dev-accounts";
import {
  createTestDatabase,
  startTestBroker,
  startTestChain,
  type TestBroker,
  type TestDatabase,
} from "@c4e/stack/testing/index";
import { createIngest, type Ingest, type IngestConfig } from "../src/index.ts";
import {
  baseConfig,
  type Fixture,
  insertFixture,
  purgeSession,
  query,
  signedMessage,
  testClock,
  waitFor,
} from "./fixtures.ts";

const BASE_UNITS_PER_WH = 10n ** 15n; // 1 C4E (10^18) per kWh

describe("ingest: settlement and minting", () => {
  let db: TestDatabase;
  let broker: TestBroker;
  let chainHandle: Awaited<ReturnType<typeof startTestChain>>;
  let publicClient: PublicClient;
  let deployment: Deployment;
  let fixture: Fixture;
  let publisher: MqttClient;
  let config: IngestConfig;
  let ingest: Ingest;
  const clientId = `ingest-${randomBytes(4).toString("hex")}`;
  const clock = testClock("2026-11-01T10:20:00Z");
  const alice = devAccount(2).address.toLowerCase() as `0x${string}`;
  const bob = devAccount(3).address.toLowerCase() as `0x${string}`;
  const topic = () => `${broker.topicRoot}/gateways/gw-1/readings`;
  let sent = 0;

  /** Publishes one signed message per reading list and stores them. */
  async function report(readings: { meterId: string; at: string; importWh: number; exportWh: number }[]) {
    const key = fixture.gateways["gw-1"]?.privateKey;
    if (!key) throw new Error("no key");
    sent++;
    const before = ingest.stats().received;
    await publisher.publishAsync(
      topic(),
      signedMessage({ gatewayId: "gw-1", messageId: `msg-${sent}`, readings }, key),
      {
        qos: 1,
      },
    );
    await waitFor(() => ingest.stats().received > before, `message ${sent}`);
    await ingest.flush();
  }

  const balanceOf = (address: `0x${string}`) =>
    publicClient.readContract({
      address: deployment.token,
      abi: c4eTokenAbi,
      functionName: "balanceOf",
      args: [address],
    });

  const mintEvents = () =>
    publicClient.getContractEvents({
      address: deployment.rewardMinter,
      abi: rewardMinterAbi,
      eventName: "RewardBatchMinted",
      fromBlock: 0n,
    });

  beforeAll(async () => {
    [db, broker, chainHandle] = await Promise.all([
      createTestDatabase("ingest_settlement"),
      startTestBroker(),
      startTestChain(),
    ]);
    const chain = { ...hardhat, rpcUrls: { default: { http: [chainHandle.url] } } };
    publicClient = createPublicClient({ chain, transport: http(chainHandle.url), pollingInterval: 100 });
    const walletClient = createWalletClient({
      chain,
      transport: http(chainHandle.url),
      account: devAccount(0),
    });
    deployment = await deployC4E({
      publicClient,
      walletClient,
      minter: devAccount(1).address,
      periodSeconds: 3600, // baseConfig's settlementPeriodMinutes
      periodMintCap: 10n ** 30n,
    });

    fixture = await insertFixture(db.url, {
      customers: [{ id: "c-alice", wallet: alice }, { id: "c-bob", wallet: bob }, { id: "c-nowallet" }],
      gateways: [{ id: "gw-1" }],
      meters: [
        { id: "m-alice", gatewayId: "gw-1", customerId: "c-alice" },
        { id: "pv-alice", gatewayId: "gw-1", customerId: "c-alice", kind: "pv" },
        { id: "m-bob", gatewayId: "gw-1", customerId: "c-bob" },
        { id: "m-nowallet", gatewayId: "gw-1", customerId: "c-nowallet" },
      ],
    });
    config = baseConfig({
      databaseUrl: db.url,
      mqttUrl: broker.url,
      topicRoot: broker.topicRoot,
      clientId,
      now: clock.now,
      chain: {
        rpcUrl: chainHandle.url,
        chainId: chainHandle.chainId,
        rewardMinter: deployment.rewardMinter,
        minterPrivateKey: devPrivateKey(1),
      },
    });
    // Readings up to two hours apart stay rewardable here (12:00 follows 10:15); reward-hardening.test.ts
    // covers the gap itself.
    config.rewardMaxGapMinutes = 120;
    ingest = createIngest(config);
    await ingest.start();
    publisher = await mqtt.connectAsync(broker.url, { clientId: `pub-${randomBytes(4).toString("hex")}` });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await ingest?.stop();
    if (broker) await purgeSession(broker.url, clientId);
    await Promise.all([broker?.stop(), chainHandle?.stop()]);
    await db?.drop();
  });

  it("settles each closable period once, mints it once, and never again after a restart", async () => {
    // Hourly periods (start, end]. 09:00 opens the registers, 10:00 closes (09:00, 10:00].
    await report([
      { meterId: "m-alice", at: "2026-11-01T09:00:00Z", importWh: 100, exportWh: 1000 },
      { meterId: "pv-alice", at: "2026-11-01T09:00:00Z", importWh: 0, exportWh: 5000 },
      { meterId: "m-bob", at: "2026-11-01T09:00:00Z", importWh: 100, exportWh: 0 },
      { meterId: "m-nowallet", at: "2026-11-01T09:00:00Z", importWh: 100, exportWh: 0 },
    ]);
    await report([
      { meterId: "m-alice", at: "2026-11-01T10:00:00Z", importWh: 200, exportWh: 2500 }, // +1500 Wh
      { meterId: "pv-alice", at: "2026-11-01T10:00:00Z", importWh: 0, exportWh: 8000 }, // pv: not rewarded
      { meterId: "m-bob", at: "2026-11-01T10:00:00Z", importWh: 100, exportWh: 250 }, // +250 Wh
      { meterId: "m-nowallet", at: "2026-11-01T10:00:00Z", importWh: 100, exportWh: 700 }, // no wallet
    ]);

    // now 10:20, every meter reported 10:00: the watermark closes (09:00, 10:00] only.
    const first = await ingest.settleAndMint();
    expect(first.watermark?.toISOString()).toBe("2026-11-01T10:00:00.000Z");
    expect(first.created.map((b) => b.periodStart.toISOString())).toEqual(["2026-11-01T09:00:00.000Z"]);
    const batch1 = first.created[0];
    if (!batch1) throw new Error("no batch");
    expect(batch1.id).toBe(batchIdFor("2026-11-01T09:00:00.000Z", "v1"));
    expect(batch1.exportWh).toBe(1750n);
    expect(batch1.totalAmount).toBe(1750n * BASE_UNITS_PER_WH);
    expect(first.minted).toEqual([
      { batchId: batch1.id, status: "minted", txHash: expect.stringMatching(/^0x/) },
    ]);

    expect(await balanceOf(alice)).toBe(1500n * BASE_UNITS_PER_WH); // 1.5 C4E
    expect(await balanceOf(bob)).toBe(250n * BASE_UNITS_PER_WH);

    const stored = await query<{
      status: string;
      chain_id: number;
      total_amount: string;
      readings_root: string;
    }>(db.url, "SELECT status, chain_id, total_amount::text, readings_root FROM reward_batch");
    expect(stored).toEqual([
      {
        status: "minted",
        chain_id: 31337,
        total_amount: (1750n * BASE_UNITS_PER_WH).toString(),
        readings_root: batch1.readingsRoot,
      },
    ]);
    expect(
      await query(
        db.url,
        "SELECT wallet, customer_id, export_wh::text, amount::text FROM reward_allocation ORDER BY wallet",
      ),
    ).toEqual(
      [
        {
          wallet: alice,
          customer_id: "c-alice",
          export_wh: "1500",
          amount: (1500n * BASE_UNITS_PER_WH).toString(),
        },
        {
          wallet: bob,
          customer_id: "c-bob",
          export_wh: "250",
          amount: (250n * BASE_UNITS_PER_WH).toString(),
        },
      ].sort((a, b) => (a.wallet < b.wallet ? -1 : 1)),
    );
    const leaves = await query<{
      gateway_id: string;
      meter_id: string;
      export_wh: string;
      recipient: `0x${string}`;
    }>(db.url, "SELECT gateway_id, meter_id, export_wh::text, recipient FROM reward_leaf ORDER BY meter_id");
    expect(leaves.map((l) => [l.meter_id, l.export_wh, l.recipient])).toEqual([
      ["m-alice", "1500", alice],
      ["m-bob", "250", bob],
    ]);
    // Rewarded rows carry the batch id; pv, wallet-less and import rows do not.
    expect(
      await query(
        db.url,
        "SELECT meter_id, register FROM reading WHERE reward_batch_id IS NOT NULL ORDER BY 1, 2",
      ),
    ).toEqual([
      { meter_id: "m-alice", register: "export" },
      { meter_id: "m-bob", register: "export" },
    ]);
    // Anyone can prove a rewarded reading against the root on chain.
    const treeLeaves = leaves.map((l) => ({
      gatewayId: l.gateway_id,
      meterId: l.meter_id,
      periodStart: BigInt(Date.parse("2026-11-01T09:00:00Z") / 1000),
      exportWh: BigInt(l.export_wh),
      recipient: l.recipient,
    }));
    const tree = buildRewardTree(treeLeaves);
    expect(tree.root).toBe(batch1.readingsRoot);
    const aliceLeaf = treeLeaves[0];
    if (!aliceLeaf) throw new Error("no leaf");
    expect(
      await publicClient.readContract({
        address: deployment.rewardMinter,
        abi: rewardMinterAbi,
        functionName: "verifyReading",
        args: [
          batch1.id,
          aliceLeaf.gatewayId,
          aliceLeaf.meterId,
          aliceLeaf.periodStart,
          aliceLeaf.exportWh,
          aliceLeaf.recipient,
          tree.proof(0),
        ],
      }),
    ).toBe(true);
    // The same transaction issued the green certificates: one unit per verified Wh, id = the batch id.
    const certificateBalance = (holder: `0x${string}`) =>
      publicClient.readContract({
        address: deployment.greenCertificates,
        abi: greenCertificatesAbi,
        functionName: "balanceOf",
        args: [holder, certificateIdFor(batch1.id)],
      });
    expect(await certificateBalance(alice)).toBe(1500n);
    expect(await certificateBalance(bob)).toBe(250n);
    expect(
      await publicClient.readContract({
        address: deployment.greenCertificates,
        abi: greenCertificatesAbi,
        functionName: "issuedEnergyWh",
        args: [certificateIdFor(batch1.id)],
      }),
    ).toBe(1750n);

    // Alice reports 10:15; Bob is still at 10:00, so (10:00, 11:00] stays open.
    await report([{ meterId: "m-alice", at: "2026-11-01T10:15:00Z", importWh: 200, exportWh: 2800 }]);
    const second = await ingest.settleAndMint();
    expect(second).toMatchObject({ created: [], minted: [] });

    // 11:30 = end + max wait (1800 s): the period closes although Bob is silent.
    clock.set("2026-11-01T11:30:00Z");
    const third = await ingest.settleAndMint();
    expect(third.created.map((b) => [b.periodStart.toISOString(), b.exportWh])).toEqual([
      ["2026-11-01T10:00:00.000Z", 300n],
    ]);
    expect(third.minted.map((m) => m.status)).toEqual(["minted"]);
    expect(await balanceOf(alice)).toBe(1800n * BASE_UNITS_PER_WH);

    // Bob's 10:30 reading arrives after (10:00, 11:00] was settled: stored, counted, not rewarded.
    await report([{ meterId: "m-bob", at: "2026-11-01T10:30:00Z", importWh: 100, exportWh: 400 }]);
    const fourth = await ingest.settleAndMint();
    expect(fourth).toMatchObject({ created: [], minted: [], lateExport: { readings: 1, exportWh: 150n } });
    expect(ingest.stats()).toMatchObject({
      rewardBatchesCreated: 2,
      rewardBatchesMinted: 2,
      lateExportReadings: 1,
    });

    // A restarted ingest finds nothing to settle or mint.
    await ingest.stop();
    ingest = createIngest(config);
    await ingest.start();
    const afterRestart = await ingest.settleAndMint();
    expect(afterRestart).toMatchObject({ created: [], minted: [] });
    expect(await balanceOf(alice)).toBe(1800n * BASE_UNITS_PER_WH);
    expect(await balanceOf(bob)).toBe(250n * BASE_UNITS_PER_WH);
    expect(await mintEvents()).toHaveLength(2);
    expect(await query(db.url, "SELECT status FROM reward_batch ORDER BY period_start")).toEqual([
      { status: "minted" },
      { status: "minted" },
    ]);
  });

  it("marks a pending batch minted without a second mint when its transaction was already mined", async () => {
    // Settle (11:00, 12:00] without a chain: the batch stays pending.
    clock.set("2026-11-01T12:05:00Z");
    await report([
      { meterId: "m-alice", at: "2026-11-01T12:00:00Z", importWh: 300, exportWh: 3000 }, // +200 Wh since 10:15
      { meterId: "m-bob", at: "2026-11-01T12:00:00Z", importWh: 100, exportWh: 400 },
      { meterId: "pv-alice", at: "2026-11-01T12:00:00Z", importWh: 0, exportWh: 9000 },
      { meterId: "m-nowallet", at: "2026-11-01T12:00:00Z", importWh: 100, exportWh: 700 },
    ]);
    const storeOnly = createIngest({ ...config, chain: null, clientId: `${clientId}-store-only` });
    const settled = await storeOnly.settleAndMint();
    await storeOnly.stop();
    const batch = settled.created[0];
    if (!batch) throw new Error("no batch");
    expect(settled.minted).toEqual([]);
    expect(batch.periodStart.toISOString()).toBe("2026-11-01T11:00:00.000Z");
    expect(await query(db.url, "SELECT status FROM reward_batch WHERE id = $1", [batch.id])).toEqual([
      { status: "pending" },
    ]);

    // An unreachable chain: the run reports the failure, keeps the batch pending and does not throw.
    const logs: string[] = [];
    const unreachable = createIngest({
      ...config,
      chain: { ...(config.chain as NonNullable<IngestConfig["chain"]>), rpcUrl: "http://127.0.0.1:9" },
      log: (msg) => logs.push(msg),
    });
    const failed = await unreachable.settleAndMint();
    await unreachable.stop();
    expect(failed.minted).toMatchObject([{ batchId: batch.id, status: "failed" }]);
    expect(logs).toContain("ingest: minting a reward batch failed, retrying on the next tick");
    expect(await query(db.url, "SELECT status FROM reward_batch WHERE id = $1", [batch.id])).toEqual([
      { status: "pending" },
    ]);

    // "A previous run's transaction": mint the batch on chain directly, with the same id and amounts.
    const allocations = await query<{ wallet: `0x${string}`; amount: string }>(
      db.url,
      "SELECT wallet, amount::text FROM reward_allocation WHERE batch_id = $1 ORDER BY wallet",
      [batch.id],
    );
    const minter = createWalletClient({
      chain: { ...hardhat, rpcUrls: { default: { http: [chainHandle.url] } } },
      transport: http(chainHandle.url),
      account: devAccount(1),
    });
    const hash = await minter.writeContract({
      address: deployment.rewardMinter,
      abi: rewardMinterAbi,
      functionName: "mintBatch",
      args: [
        batch.id,
        BigInt(batch.periodStart.getTime() / 1000),
        batch.readingsRoot,
        allocations.map((a) => a.wallet),
        allocations.map((a) => BigInt(a.amount)),
      ],
    });
    await publicClient.waitForTransactionReceipt({ hash });
    const aliceBefore = await balanceOf(alice);

    const result = await ingest.settleAndMint();
    expect(result.minted).toEqual([{ batchId: batch.id, status: "already_minted", txHash: hash }]);
    expect(await balanceOf(alice)).toBe(aliceBefore);
    expect(await mintEvents()).toHaveLength(3);
    expect(
      await query(db.url, "SELECT status, tx_hash, chain_id FROM reward_batch WHERE id = $1", [batch.id]),
    ).toEqual([{ status: "minted", tx_hash: hash, chain_id: 31337 }]);
    // Alice: 1.8 C4E from the first two batches + 0.2 C4E from this one, minted once.
    expect(aliceBefore).toBe(2000n * BASE_UNITS_PER_WH);
  });
});
