// Fault case 4 (issue 15): reorganisations of depth 1, 5, 20 and 64 while an indexer process follows
// the head. Each round: blocks with token transfers and reward batches on top of an evm_snapshot, the
// follower mirrors them, evm_revert, then other blocks to the same height or a greater one; once the
// follower is at the new head, its mirror must equal a fresh re-index of the chain (every mirror
// table, row by row, and the checkpoint). Prints JSON; exits 1 on a failure.
// Usage: npx tsx bench/faults/4-indexer-reorgs.ts [--small] [--rounds 5] [--anvil PATH] [--port N]
//          [--pg postgresql://postgres@127.0.0.1:5432]
import { parseArgs } from "node:util";
import { createIndexer } from "@c4e/indexer";
import { createPool, dropDatabase } from "@c4e/prisma";
import { freePort } from "@c4e/stack/embedded/ports";
import { type Address } from "viem";
import {
  benchPostgres,
  chainClients,
  deployBench,
  digestDifferences,
  freshDatabase,
  holder,
  mintBatch,
  mirrorDigest,
  readCheckpoint,
  startBenchChain,
  startFollower,
  waitOk,
} from "../indexer-workload.ts";

const { values } = parseArgs({
  options: {
    small: { type: "boolean", default: false },
    rounds: { type: "string" },
    anvil: { type: "string", default: process.env.ANVIL_BIN },
    port: { type: "string" }, // default: a free one
    pg: { type: "string", default: process.env.FAULTS_PG_URL ?? "postgresql://postgres@127.0.0.1:5432" },
  },
});
const depths = [1, 5, 20, 64];
// small: each depth once, at the same height for 1 and 20, greater for 5 and 64; full: every depth
// at both heights per round
const rounds = Number(values.rounds ?? (values.small ? 1 : 5));
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
const names = ["c4e_idx_fault4_follower", "c4e_idx_fault4_fresh"];
try {
  const deployment = await deployBench(c);
  const followerUrl = await freshDatabase(pg.serverUrl, names[0] as string);
  const freshUrl = await freshDatabase(pg.serverUrl, names[1] as string);
  const pool = createPool({ url: followerUrl, max: 1 });
  let n = 0;

  /** One block with `transfers` token transfers (one mintBatch); a different one on each call. */
  async function block(transfers: number): Promise<void> {
    const recipients: Address[] = Array.from({ length: transfers }, (_, i) => holder((n * 7 + i) % 300));
    const amounts = recipients.map((_, i) => BigInt(n * 1000 + i + 1) * 10n ** 12n);
    n++;
    await waitOk(c, await mintBatch(c, deployment, recipients, amounts));
  }
  async function blocks(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      // every fourth block empty: forks differ in blocks without events too
      if (i % 4 === 3) await c.testClient.mine({ blocks: 1 });
      else await block(1 + (i % 5));
    }
  }

  /** Waits until the follower's checkpoint is the chain's head (number and hash). */
  async function caughtUp(timeoutMs = 60_000): Promise<number> {
    const t0 = performance.now();
    for (;;) {
      const head = await c.publicClient.getBlock({ blockTag: "latest" });
      const cp = await readCheckpoint(pool);
      if (cp && cp.number === head.number && cp.hash === head.hash) return performance.now() - t0;
      if (performance.now() - t0 > timeoutMs) {
        throw new Error(
          `the follower did not reach head ${head.number} in ${timeoutMs} ms (at ${cp?.number})`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** A fresh re-index of the chain into its own database, compared with the follower's mirror. */
  async function compareWithFresh(): Promise<string[]> {
    const { resetChainMirror } = await import("@c4e/indexer");
    const freshPool = createPool({ url: freshUrl, max: 1 });
    await resetChainMirror(freshPool, 31337);
    await freshPool.end();
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
    return digestDifferences(await mirrorDigest(followerUrl, 31337), await mirrorDigest(freshUrl, 31337));
  }

  await blocks(8);
  follower = startFollower({
    databaseUrl: followerUrl,
    rpcUrl: chain.url,
    token: deployment.token,
    rewardMinter: deployment.rewardMinter,
    blockNumber: deployment.blockNumber.toString(),
    pollIntervalMs: 100,
    maxBlockRange: 2000,
  });
  await caughtUp(120_000);

  for (let round = 0; round < rounds; round++) {
    for (const depth of depths) {
      const modes = values.small ? [depth === 5 || depth === 64 ? "greater" : "same"] : ["same", "greater"];
      for (const mode of modes) {
        const snapshot = await c.testClient.snapshot();
        const base = await c.publicClient.getBlockNumber({ cacheTime: 0 });
        await blocks(depth);
        await caughtUp();
        const replaced = await c.publicClient.getBlock({ blockTag: "latest" });
        await c.testClient.revert({ id: snapshot });
        await blocks(mode === "same" ? depth : depth + 3);
        const head = await c.publicClient.getBlock({ blockTag: "latest" });
        const followMs = await caughtUp();
        const rolledBack = follower.lines.filter((l) => l.includes("mirror rolled back")).length;
        const differences = await compareWithFresh();
        const ok = differences.length === 0 && head.hash !== replaced.hash && head.number >= replaced.number;
        if (!ok) failures++;
        results.push({
          round,
          depth,
          mode,
          base: Number(base),
          replacedHead: Number(replaced.number),
          newHead: Number(head.number),
          followMs: Math.round(followMs),
          rollbacksLogged: rolledBack,
          equalsFreshReindex: differences.length === 0,
          ...(differences.length > 0 ? { differences } : {}),
        });
        // the next round starts from a quiet chain with a transfer on top
        await blocks(1);
        await caughtUp();
      }
    }
  }
  const digest = await mirrorDigest(followerUrl, 31337);
  await pool.end();
  console.log(
    JSON.stringify(
      {
        case: "4-indexer-reorgs",
        chain: chain.kind,
        small: values.small,
        reorgs: results.length,
        failures,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        rollbacksLogged: follower.lines.filter((l) => l.includes("mirror rolled back")).length,
        syncErrors: follower.lines.filter((l) => l.includes("sync failed")).length,
        mirroredTransfers: digest.tables.token_transfer?.rows,
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
      { case: "4-indexer-reorgs", error: String(err), results, follower: follower?.lines.slice(-20) },
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
