// Fault case 3 (issue 15): the chain's RPC goes down while a reward batch mints, then comes back. Ingest
// (in this process) reaches its Hardhat node through a TCP proxy that cuts the connection exactly when
// the mint transaction is sent: once before the node gets it, once after (mined, answer lost), in
// turns, each time staying down for a while. Afterwards every reward batch must be minted exactly once
// on the chain (RewardBatchMinted events per batch id) and recorded as minted.
// Usage: npx tsx bench/faults/3-rpc-down.ts [--small] [--gateways 100] [--steps 8] [--down-seconds 10]
// Prints JSON; exits 1 on a failure.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createIngest } from "@c4e/ingest";
import pg from "pg";
import { demoFleet, seedFleet } from "@c4e/stack/demo/fleet";
import { ensureDeployment } from "@c4e/stack/deployment";
import { DEV_ACCOUNT_INDEX, devAccount, devPrivateKey, LOCAL_CHAIN_ID } from "@c4e/stack/dev-accounts";
import { startEmbeddedBroker } from "@c4e/stack/embedded/broker";
import { startLocalChain } from "@c4e/stack/embedded/chain";
import { freePort } from "@c4e/stack/embedded/ports";
import { startEmbeddedPostgres } from "@c4e/stack/embedded/postgres";
import { capacityMintCap, syncMintCap } from "@c4e/stack/mint-cap";
import { migrateDatabase } from "@c4e/stack/services";
import {
  batchStatus,
  loadAverage,
  mintAudit,
  publishBurst,
  report,
  signBurst,
  sleep,
  storedCounts,
  waitFor,
} from "./lib/common.ts";
import { type CutMode, startRpcProxy } from "./lib/rpc-proxy.ts";

const { values } = parseArgs({
  options: {
    small: { type: "boolean", default: false },
    gateways: { type: "string" },
    steps: { type: "string", default: "8" },
    "down-seconds": { type: "string" },
    cuts: { type: "string" },
  },
});
const gateways = Number(values.gateways ?? (values.small ? 20 : 100));
const steps = Number(values.steps);
const downMs = Number(values["down-seconds"] ?? (values.small ? 4 : 10)) * 1000;
const cutsWanted = Number(values.cuts ?? (values.small ? 2 : 4));
const households = 2;
const PERIOD_MINUTES = 15;
const MAX_GAP_MINUTES = 60;

const t0 = Date.now();
const dir = mkdtempSync(join(tmpdir(), "c4e-fault3-"));
chmodSync(dir, 0o755);
const cleanups: (() => Promise<void>)[] = [];
const mintLog: string[] = [];
/** ingest's mint outcomes, by status (already_minted: the chain had it, nothing was sent again) */
const outcomes: Record<string, number> = {};
try {
  const postgres = await startEmbeddedPostgres({
    dataDir: join(dir, "pg"),
    port: await freePort(),
    database: "faults",
  });
  cleanups.push(postgres.stop);
  await migrateDatabase(postgres.url, () => {});
  const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  pool.on("error", () => {});
  cleanups.push(() => pool.end());
  const broker = await startEmbeddedBroker({ port: await freePort(), dataDir: join(dir, "mqtt") });
  cleanups.push(broker.stop);
  const chain = await startLocalChain({ port: await freePort() });
  cleanups.push(chain.stop);
  const minter = devAccount(DEV_ACCOUNT_INDEX.minter);
  const deployer = devAccount(DEV_ACCOUNT_INDEX.deployer);
  const fleet = demoFleet({ gateways, meters: households });
  await seedFleet(pool, fleet, { chainId: LOCAL_CHAIN_ID });
  const cap = await capacityMintCap(pool, PERIOD_MINUTES, MAX_GAP_MINUTES);
  const deployment = await ensureDeployment({
    pool,
    rpcUrl: chain.url,
    chainId: LOCAL_CHAIN_ID,
    deployer,
    minter: minter.address,
    periodSeconds: PERIOD_MINUTES * 60,
    periodMintCap: cap,
    log: () => {},
  });
  await syncMintCap({
    rpcUrl: chain.url,
    chainId: LOCAL_CHAIN_ID,
    rewardMinter: deployment.rewardMinter,
    admin: deployer,
    cap,
    periodSeconds: PERIOD_MINUTES * 60,
    log: () => {},
  });
  const proxy = await startRpcProxy(Number(new URL(chain.url).port), await freePort());
  cleanups.push(proxy.close);

  const ingest = createIngest({
    databaseUrl: postgres.url,
    mqttUrl: broker.url,
    topicRoot: "c4e/v1",
    clientId: "c4e-ingest-fault3",
    chain: {
      rpcUrl: proxy.url,
      chainId: LOCAL_CHAIN_ID,
      rewardMinter: deployment.rewardMinter,
      minterPrivateKey: devPrivateKey(DEV_ACCOUNT_INDEX.minter),
    },
    settlementPeriodMinutes: PERIOD_MINUTES,
    settlementMaxWaitSeconds: 3600,
    clockSkewSeconds: 120,
    rewardMaxGapMinutes: MAX_GAP_MINUTES,
    rewardConfirmations: 0,
    batch: { maxMessages: 500, maxWaitMs: 200 },
    settleIntervalMs: 1000,
    log: (msg, fields) => {
      for (const o of (fields as { outcomes?: { status: string }[] } | undefined)?.outcomes ?? [])
        outcomes[o.status] = (outcomes[o.status] ?? 0) + 1;
      if (/mint|settle|chain/i.test(msg))
        mintLog.push(`${Date.now() - t0} ms ${msg} ${JSON.stringify(fields ?? {})}`.slice(0, 300));
    },
  });
  await ingest.start();
  cleanups.push(() => ingest.stop());

  // cuts in turns: before the node gets the transaction, after it mined it
  const modes: CutMode[] = Array.from({ length: cutsWanted }, (_, i) =>
    i % 2 === 0 ? "before-send" : "after-send",
  );
  let nextCut = 0;
  const armNext = () => {
    if (nextCut < modes.length && proxy.armed() === null && !proxy.down())
      proxy.arm(modes[nextCut++] as CutMode, downMs);
  };
  armNext();
  const armer = setInterval(armNext, 100);
  cleanups.push(async () => clearInterval(armer));

  const messages = signBurst(fleet, steps, "c4e/v1", "f3");
  const burst = await publishBurst(broker.url, messages);
  cleanups.push(burst.close);
  await Promise.race([burst.done, sleep(120_000)]);
  const settled = await waitFor(
    "every batch minted and every cut done",
    async () => {
      const s = await batchStatus(pool);
      const open = (s.pending ?? 0) + (s.submitted ?? 0);
      const c = await storedCounts(pool);
      return c.messages === messages.length &&
        (s.minted ?? 0) > 0 &&
        open === 0 &&
        !proxy.down() &&
        proxy.armed() === null
        ? true
        : // no more mints to cut: stop waiting for cuts once every batch is minted
          c.messages === messages.length && open === 0 && (s.minted ?? 0) > 0 && nextCut >= modes.length;
    },
    values.small ? 60_000 : 300_000,
    250,
  ).catch((e: Error) => e.message);
  clearInterval(armer);
  await sleep(3_000); // more settlement rounds: nothing may be minted again
  const audit = await mintAudit(pool, chain.url, LOCAL_CHAIN_ID, deployment.rewardMinter, minter.address);
  const status = await batchStatus(pool);
  const counts = await storedCounts(pool);
  const ok =
    settled === true &&
    counts.messages === messages.length &&
    proxy.cuts.length === modes.length &&
    audit.batches > 0 &&
    audit.mintedTwice === 0 &&
    audit.mintedWithoutEvent === 0 &&
    audit.eventsForUnknownBatch === 0 &&
    audit.mintEvents === audit.batches &&
    audit.mintedBatches === audit.batches;
  report(ok, {
    case: "3-rpc-down",
    small: values.small,
    gateways,
    households,
    steps,
    messages: messages.length,
    acknowledgedToGateways: burst.acked.size,
    storedMessages: counts.messages,
    rejected: counts.rejected,
    downSecondsPerCut: downMs / 1000,
    cutsWanted: modes.length,
    cuts: proxy.cuts,
    waited: settled === true ? "every batch minted" : settled,
    rewardBatches: status,
    ingestMintOutcomes: outcomes,
    mints: audit,
    ingestMintLog: mintLog.slice(-12),
    seconds: +((Date.now() - t0) / 1000).toFixed(1),
    loadAverage: loadAverage(),
  });
} catch (error) {
  report(false, { case: "3-rpc-down", error: (error as Error).stack, ingestMintLog: mintLog.slice(-12) });
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
