// Fault case 1 (issue 15): kill -9 of the platform process that holds ingest (npm start's process:
// `tsx stack/src/cli.ts start --no-web`, with its embedded PostgreSQL and embedded broker in their own
// processes and data under a temporary C4E_DATA_DIR) in the middle of a burst of signed gateway
// messages, and once more while reward batches are being minted; the platform is started again on the
// same data each time. The chain is a Hardhat node of this script's own (RPC_URL), so it outlives the
// kills. Afterwards: every message a gateway got a PUBACK for is stored, every reading exactly once,
// and every reward batch is minted exactly once on the chain.
// Usage: npx tsx bench/faults/1-ingest-kill.ts [--small] [--gateways 500] [--steps 8]
// Prints JSON; exits 1 on a failure.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { getAddress } from "viem";
import { demoFleet, seedFleet } from "@c4e/stack/demo/fleet";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { LOCAL_CHAIN_ID } from "@c4e/stack/dev-accounts";
import { REPO_ROOT, startLocalChain } from "@c4e/stack/embedded/chain";
import { freePort } from "@c4e/stack/embedded/ports";
import { capacityMintCap, syncMintCap } from "@c4e/stack/mint-cap";
import {
  batchStatus,
  key,
  loadAverage,
  mintAudit,
  publishBurst,
  report,
  signBurst,
  sleep,
  storedCounts,
  storedMessages,
  waitFor,
} from "./lib/common.ts";

const { values } = parseArgs({
  options: {
    small: { type: "boolean", default: false },
    gateways: { type: "string" },
    steps: { type: "string", default: "8" },
    rate: { type: "string" },
  },
});
const gateways = Number(values.gateways ?? (values.small ? 50 : 500));
const steps = Number(values.steps);
const households = 2;
const rate = Number(values.rate ?? (values.small ? 40 : 150));
const PERIOD_MINUTES = 15;
const MAX_GAP_MINUTES = 60;

const t0 = Date.now();
const dir = mkdtempSync(join(tmpdir(), "c4e-fault1-"));
chmodSync(dir, 0o755);
const cleanups: (() => Promise<void>)[] = [];
const timeline: { atMs: number; event: string }[] = [];
const mark = (event: string) => timeline.push({ atMs: Date.now() - t0, event });

const [pgPort, mqttPort] = [await freePort(), await freePort()];
const databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${pgPort}/c4e`;
const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
let platformLog = "";
// keys of our own (the platform refuses the public development keys on an RPC_URL), funded below
const deployerKey = generatePrivateKey();
const minterKey = generatePrivateKey();
const deployer = privateKeyToAccount(deployerKey);
const minter = privateKeyToAccount(minterKey);

async function fund(rpcUrl: string, address: string): Promise<void> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "hardhat_setBalance",
      params: [address, "0x56BC75E2D63100000"],
    }),
  });
  if (!res.ok) throw new Error(`hardhat_setBalance: ${res.status}`);
}

/** Starts the platform process and resolves once it reports that it runs. */
async function startPlatformProcess(rpcUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "stack/src/cli.ts", "start", "--no-web"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      C4E_DATA_DIR: join(dir, "data"),
      PG_PORT: String(pgPort),
      MQTT_PORT: String(mqttPort),
      RPC_URL: rpcUrl,
      ALLOW_DEV_CHAIN: "1",
      DEPLOYER_PRIVATE_KEY: deployerKey,
      MINTER_PRIVATE_KEY: minterKey,
      SETTLEMENT_PERIOD_MINUTES: String(PERIOD_MINUTES),
      REWARD_MAX_GAP_MINUTES: String(MAX_GAP_MINUTES),
      REWARD_CONFIRMATIONS: "0",
      SEED_DEMO: "0",
      SIMULATOR: "0",
    },
  });
  let out = "";
  const onData = (c: Buffer) => {
    out += c.toString();
    platformLog = (platformLog + c.toString()).slice(-20_000);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let exited: string | null = null;
  child.once("exit", (code, signal) => (exited = `${signal ?? code}`));
  await waitFor(
    "the platform to start",
    () => {
      if (exited !== null) throw new Error(`the platform exited (${exited}):\n${out.slice(-4000)}`);
      return out.includes("C4E is running");
    },
    180_000,
    50,
  );
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

let platform: ChildProcess | null = null;
try {
  const chain = await startLocalChain({ port: await freePort() });
  cleanups.push(chain.stop);
  await fund(chain.url, deployer.address);
  await fund(chain.url, minter.address);
  mark("chain started");
  platform = await startPlatformProcess(chain.url);
  cleanups.push(async () => {
    if (platform && platform.exitCode === null && platform.signalCode === null) {
      await new Promise<void>((resolve) => {
        platform?.once("exit", () => resolve());
        platform?.kill("SIGTERM");
      });
    }
  });
  mark("platform started");

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on("error", () => {});
  cleanups.push(() => pool.end());
  const fleet = demoFleet({ gateways, meters: households });
  await seedFleet(pool, fleet, { chainId: LOCAL_CHAIN_ID });
  const { rows } = await pool.query<{ reward_minter: string }>(
    "SELECT reward_minter FROM chain_deployment WHERE chain_id = $1",
    [LOCAL_CHAIN_ID],
  );
  const rewardMinter = getAddress(String(rows[0]?.reward_minter));
  await syncMintCap({
    rpcUrl: chain.url,
    chainId: LOCAL_CHAIN_ID,
    rewardMinter,
    admin: deployer,
    cap: await capacityMintCap(pool, PERIOD_MINUTES, MAX_GAP_MINUTES),
    periodSeconds: PERIOD_MINUTES * 60,
    log: () => {},
  });
  mark("fleet seeded");

  const messages = signBurst(fleet, steps, "c4e/v1", "f1");
  const expectedRows = messages.length * households * 2 * 2;
  const burst = await publishBurst(mqttUrl, messages, { ratePerSecond: rate });
  cleanups.push(burst.close);
  mark("burst started");

  // kill 1: half of the burst acknowledged by the broker
  await waitFor("half of the burst acknowledged", () => burst.acked.size >= messages.length / 2, 300_000, 5);
  const ackedAtKill1 = burst.acked.size;
  const storedAtKill1 = (await storedCounts(pool)).messages;
  await kill9(platform);
  mark(`kill -9 #1 (acked ${ackedAtKill1}, stored ${storedAtKill1})`);
  platform = await startPlatformProcess(chain.url);
  mark("platform restarted");

  // kill 2: while minting (a batch exists that is not minted yet, and some are), or at 90 % acked
  const kill2 = await waitFor(
    "reward batches being minted",
    async () => {
      const s = await batchStatus(pool).catch(() => ({}) as Record<string, number>);
      const open = (s.pending ?? 0) + (s.submitted ?? 0);
      if (open > 0 && (s.minted ?? 0) > 0) return `minting (${JSON.stringify(s)})`;
      if (burst.acked.size >= messages.length * 0.9 && open > 0) return `batches open (${JSON.stringify(s)})`;
      return null;
    },
    300_000,
    20,
  ).catch(() => null);
  if (kill2) {
    await kill9(platform);
    mark(`kill -9 #2: ${kill2}`);
    platform = await startPlatformProcess(chain.url);
    mark("platform restarted");
  } else mark("no second kill: no batch was open while minting");

  await Promise.race([burst.done, sleep(300_000)]);
  mark("every publish acknowledged");
  const acked = new Set(burst.acked);
  // settlement creates batches period by period: wait until all are minted and none was added for 20 s
  let lastBatches = -1;
  let stableSince = Date.now();
  await waitFor(
    "every message stored and every batch minted",
    async () => {
      const c = await storedCounts(pool);
      const s = await batchStatus(pool);
      const total = Object.values(s).reduce((a, n) => a + n, 0);
      if (total !== lastBatches) [lastBatches, stableSince] = [total, Date.now()];
      const open = (s.pending ?? 0) + (s.submitted ?? 0);
      return c.messages === messages.length && open === 0 && total > 0 && Date.now() - stableSince > 20_000;
    },
    300_000,
    250,
  ).catch(() => {});
  await sleep(5_000); // a settlement round after the last batch: nothing may be minted again
  mark("settled");
  const stored = await storedMessages(pool);
  const counts = await storedCounts(pool);
  const audit = await mintAudit(pool, chain.url, LOCAL_CHAIN_ID, rewardMinter, minter.address);
  const status = await batchStatus(pool);
  const lostAcknowledged = [...acked].filter((k) => !stored.has(k));
  // when each status's batches were created, relative to the start (a batch left pending is a finding)
  const { rows: batchTimes } = await pool.query<{
    status: string;
    n: string;
    first: Date;
    last: Date;
    periods: string;
  }>(
    `SELECT status::text AS status, count(*) AS n, min(created_at) AS first, max(created_at) AS last,
            count(DISTINCT period_start) AS periods
       FROM reward_batch GROUP BY status`,
  );
  const ok =
    lostAcknowledged.length === 0 &&
    acked.size === messages.length &&
    messages.every((m) => stored.has(key(m))) &&
    counts.messages === messages.length &&
    counts.readingRows === expectedRows &&
    counts.rejected === 0 &&
    audit.batches > 0 &&
    audit.mintedTwice === 0 &&
    audit.mintedWithoutEvent === 0 &&
    audit.eventsForUnknownBatch === 0 &&
    audit.mintEvents === audit.batches &&
    audit.mintedBatches === audit.batches;
  report(ok, {
    case: "1-ingest-kill",
    small: values.small,
    killed:
      "the platform process (npm start: ingest, indexer; embedded broker and Postgres in own processes)",
    gateways,
    households,
    steps,
    ratePerSecond: rate,
    messages: messages.length,
    acknowledgedToGateways: acked.size,
    lostAcknowledged: lostAcknowledged.length,
    storedMessages: counts.messages,
    redeliveriesCounted: counts.redeliveries,
    readingRows: counts.readingRows,
    expectedReadingRows: expectedRows,
    duplicatedReadings: counts.readingRows - expectedRows,
    rejected: counts.rejected,
    rewardBatches: status,
    rewardBatchesCreated: batchTimes.map((r) => ({
      status: r.status,
      batches: Number(r.n),
      periods: Number(r.periods),
      firstAtMs: r.first.getTime() - t0,
      lastAtMs: r.last.getTime() - t0,
    })),
    mints: audit,
    timeline,
    seconds: +((Date.now() - t0) / 1000).toFixed(1),
    loadAverage: loadAverage(),
  });
} catch (error) {
  report(false, {
    case: "1-ingest-kill",
    error: (error as Error).stack,
    timeline,
    platformLog: platformLog.slice(-3000),
  });
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
