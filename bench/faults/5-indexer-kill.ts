// Fault case 5 (issue 15): kill -9 of an indexer process in the middle of a backfill, again and again,
// then a restart that finishes it. After every kill the mirror must hold exactly the chain's events
// up to its checkpoint and nothing above (compared with a fresh re-index, row by row); the restarted
// indexer continues from that checkpoint; at the end the mirror equals the fresh re-index.
// Prints JSON; exits 1 on a failure.
// Usage: npx tsx bench/faults/5-indexer-kill.ts [--small] [--kills 8] [--transfers 100000] [--anvil PATH]
//          [--port N] [--pg postgresql://postgres@127.0.0.1:5432]
import { parseArgs } from "node:util";
import { createIndexer } from "@c4e/indexer";
import { createPool, dropDatabase } from "@c4e/prisma";
import { freePort } from "@c4e/stack/embedded/ports";
import {
  benchPostgres,
  chainClients,
  deployBench,
  digestDifferences,
  freshDatabase,
  generateTransfers,
  mirrorDigest,
  readCheckpoint,
  startBenchChain,
  startFollower,
} from "../indexer-workload.ts";

const { values } = parseArgs({
  options: {
    small: { type: "boolean", default: false },
    kills: { type: "string" },
    transfers: { type: "string" },
    anvil: { type: "string", default: process.env.ANVIL_BIN },
    port: { type: "string" }, // default: a free one
    pg: { type: "string", default: process.env.FAULTS_PG_URL ?? "postgresql://postgres@127.0.0.1:5432" },
  },
});
const kills = Number(values.kills ?? (values.small ? 3 : 8));
const transfers = Number(values.transfers ?? (values.small ? 20_000 : 100_000));
const started = performance.now();
const results: Record<string, unknown>[] = [];
let failures = 0;

const pg = await benchPostgres(values.pg);
const chain = await startBenchChain({
  port: values.port ? Number(values.port) : await freePort(),
  anvil: values.anvil,
});
const c = chainClients(chain.url, chain.kind);
let follower: ReturnType<typeof startFollower> | undefined;
const names = ["c4e_idx_fault5_killed", "c4e_idx_fault5_fresh"];
try {
  const deployment = await deployBench(c);
  const head = await generateTransfers(c, deployment, { transfers, batch: 500, padding: 64 });
  const killedUrl = await freshDatabase(pg.serverUrl, names[0] as string);
  const freshUrl = await freshDatabase(pg.serverUrl, names[1] as string);
  const pool = createPool({ url: killedUrl, max: 1 });

  // the reference: a fresh re-index of the (static) chain, in this process, never interrupted
  const fresh = createIndexer({
    databaseUrl: freshUrl,
    rpcUrl: chain.url,
    chainId: 31337,
    deployment: {
      token: deployment.token,
      rewardMinter: deployment.rewardMinter,
      blockNumber: deployment.blockNumber,
    },
    pollIntervalMs: 1000,
    maxBlockRange: 2000,
    log: () => {},
  });
  await fresh.syncOnce();
  await fresh.stop();
  const reference = await mirrorDigest(freshUrl, 31337);

  // ranges of 2 blocks (1,000 transfers): a backfill of many bounded transactions to kill in
  const params = {
    databaseUrl: killedUrl,
    rpcUrl: chain.url,
    token: deployment.token,
    rewardMinter: deployment.rewardMinter,
    blockNumber: deployment.blockNumber.toString(),
    pollIntervalMs: 100,
    maxBlockRange: 2,
    initialBlockRange: 2,
  };
  const first = deployment.blockNumber;
  const workEnd = head - 64n; // the last block with transfers
  for (let k = 0; k < kills; k++) {
    const threshold = first + ((workEnd - first) * BigInt(k + 1)) / BigInt(kills + 1);
    const before = await readCheckpoint(pool);
    follower = startFollower(params);
    // wait until the backfill passes the threshold, then a random 0–40 ms more: kills land in reads
    // and in commits alike
    let cp = before;
    for (;;) {
      cp = await readCheckpoint(pool);
      if (cp !== null && cp.number >= threshold) break;
      if (cp !== null && cp.number >= head) throw new Error("the backfill finished before the kill");
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
    const seenBeforeKill = await readCheckpoint(pool);
    const exit = await follower.kill9();
    const after = await readCheckpoint(pool);
    const resumedFrom = follower.lines
      .map((l) => {
        try {
          return JSON.parse(l) as { msg?: string; fromBlock?: string };
        } catch {
          return {};
        }
      })
      .find((l) => l.msg === "indexer: range indexed")?.fromBlock;
    const upTo = after?.number ?? first - 1n;
    // exactly the chain's events up to the checkpoint, nothing above it
    const atCheckpoint = await mirrorDigest(killedUrl, 31337, upTo);
    const whole = await mirrorDigest(killedUrl, 31337);
    const referenceUpTo = await mirrorDigest(freshUrl, 31337, upTo);
    const differences = [
      ...digestDifferences({ ...atCheckpoint, checkpoint: null }, { ...referenceUpTo, checkpoint: null }),
      ...digestDifferences({ ...whole, checkpoint: null }, { ...atCheckpoint, checkpoint: null }).map(
        (t) => `${t} (rows above the checkpoint)`,
      ),
    ];
    const continued =
      before === null || resumedFrom === undefined || BigInt(resumedFrom) === before.number + 1n;
    const ok = differences.length === 0 && exit === "SIGKILL" && continued && upTo < head;
    if (!ok) failures++;
    results.push({
      kill: k + 1,
      checkpointAtStart: before?.number.toString() ?? null,
      resumedFrom: resumedFrom ?? null,
      killedAt: upTo.toString(),
      head: head.toString(),
      lastSeenBeforeKill: seenBeforeKill?.number.toString() ?? null,
      exit,
      exactUpToCheckpoint: differences.length === 0,
      ...(differences.length > 0 ? { differences } : {}),
    });
  }

  // restart: the backfill finishes from the last checkpoint
  const before = await readCheckpoint(pool);
  follower = startFollower(params);
  const t0 = performance.now();
  for (;;) {
    const cp = await readCheckpoint(pool);
    if (cp !== null && cp.number === head) break;
    if (performance.now() - t0 > 300_000) throw new Error(`the restarted indexer did not reach ${head}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await follower.stop();
  const restartedFrom = follower.lines
    .map((l) => {
      try {
        return JSON.parse(l) as { msg?: string; fromBlock?: string };
      } catch {
        return {};
      }
    })
    .find((l) => l.msg === "indexer: range indexed")?.fromBlock;
  const final = await mirrorDigest(killedUrl, 31337);
  const differences = digestDifferences(final, reference);
  if (differences.length > 0) failures++;
  if (before !== null && restartedFrom !== undefined && BigInt(restartedFrom) !== before.number + 1n)
    failures++;
  await pool.end();
  console.log(
    JSON.stringify(
      {
        case: "5-indexer-kill",
        chain: chain.kind,
        small: values.small,
        transfers,
        kills: results.length,
        failures,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        finalCheckpointBeforeRestart: before?.number.toString() ?? null,
        restartedFrom: restartedFrom ?? null,
        equalsFreshReindex: differences.length === 0,
        ...(differences.length > 0 ? { differences } : {}),
        mirroredTransfers: final.tables.token_transfer?.rows,
        results,
      },
      null,
      2,
    ),
  );
} catch (err) {
  failures++;
  console.log(
    JSON.stringify(
      { case: "5-indexer-kill", error: String(err), results, follower: follower?.lines.slice(-20) },
      null,
      2,
    ),
  );
} finally {
  await follower?.stop();
  await chain.stop();
  for (const name of names) await dropDatabase(pg.serverUrl, name).catch(() => {});
  await pg.stop();
}
process.exit(failures > 0 ? 1 : 0);
