import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "@c4e/stack/dev-accounts";
import { freePort } from "@c4e/stack/embedded/ports";
import { balanceOf, balances } from "../src/balances.ts";
import { createIndexer, type Indexer } from "../src/create-indexer.ts";
import { CheckpointMovedError } from "../src/errors.ts";
import { createMirrorStore, INDEXER_HEARTBEAT_SERVICE } from "../src/mirror-store.ts";
import { resetChainMirror } from "../src/reset-chain-mirror.ts";
import { batchId, type Fixture, setupFixture, TOKEN, waitFor } from "./fixture.ts";

describe("indexer mirror", () => {
  let f: Fixture;
  let indexer: Indexer;

  beforeAll(async () => {
    f = await setupFixture("indexer_mirror");
  });
  afterAll(async () => {
    await indexer?.stop();
    await f?.close();
  });

  it("mirrors transfers and reward batches, range by range", async () => {
    await f.mintBatch("b1", [2, 3, 4], [100n * TOKEN, 50n * TOKEN, 25n * TOKEN]);
    await f.transfer(2, 3, 10n * TOKEN);
    await f.transfer(3, 5, 5n * TOKEN);
    await f.mintBatch("b2", [2], [1n * TOKEN]);
    await f.transfer(5, 2, 1n);
    const head = await f.publicClient.getBlockNumber({ cacheTime: 0 });

    indexer = createIndexer(f.config({ maxBlockRange: 2 }));
    const result = await indexer.syncOnce();

    expect(result).toEqual({ fromBlock: f.deployment.blockNumber, toBlock: head, reorgDepth: 0 });
    await f.expectMirrorEqualsChain();
    expect(await f.counts()).toMatchObject({ transfers: 7, batches: 2, checkpoints: 1 });
    const { rows } = await f.pool.query(
      `SELECT "batch_id", "count", "total"::text FROM "reward_batch_minted" WHERE "chain_id" = $1 ORDER BY "block_number"`,
      [f.chain.chainId],
    );
    expect(rows).toEqual([
      { batch_id: batchId("b1"), count: 3, total: (175n * TOKEN).toString() },
      { batch_id: batchId("b2"), count: 1, total: TOKEN.toString() },
    ]);
    // 100 - 10 + 1 + 1e-18 (dev account 2)
    const account2 = `0x${devAccount(2).address.slice(2).toUpperCase()}`; // any case in, lower case stored
    expect(await balanceOf(f.pool, f.chain.chainId, f.deployment.token, account2)).toBe(91n * TOKEN + 1n);
    expect(
      await balanceOf(
        f.pool,
        f.chain.chainId,
        f.deployment.token,
        "0x000000000000000000000000000000000000dead",
      ),
    ).toBe(0n);
  });

  it("re-syncing adds nothing, even when the checkpoint is moved back over stored events", async () => {
    const before = await f.counts();
    const again = await indexer.syncOnce();
    expect(again.fromBlock).toBe(again.toBlock + 1n);
    expect(again.reorgDepth).toBe(0);
    expect(await f.counts()).toEqual(before);

    // replay every range: the natural keys (chain, tx, log index) absorb the duplicates
    await f.pool.query(
      `UPDATE "chain_checkpoint" SET "block_number" = $2, "block_hash" = $3 WHERE "chain_id" = $1`,
      [f.chain.chainId, f.deployment.blockNumber.toString(), f.deployment.blockHash],
    );
    const replay = await indexer.syncOnce();
    expect(replay.fromBlock).toBe(f.deployment.blockNumber + 1n);
    expect(await f.counts()).toEqual(before);
    await f.expectMirrorEqualsChain();
  });

  it("a new instance on the same database continues from the checkpoint", async () => {
    await indexer.stop();
    await expect(indexer.syncOnce()).rejects.toThrow(/stopped/);
    const before = await f.checkpoint();
    const tx = await f.transfer(4, 2, 3n * TOKEN);

    indexer = createIndexer(f.config());
    const result = await indexer.syncOnce();

    expect(result.fromBlock).toBe((before?.number ?? 0n) + 1n);
    expect(result.toBlock).toBe(result.fromBlock);
    expect(await f.mirroredTxHashes()).toContain(tx);
    expect(await f.counts()).toMatchObject({ transfers: 8, batches: 2 });
    await f.expectMirrorEqualsChain();
  });

  it("start() syncs, then keeps polling with a heartbeat; stop() ends the loop", async () => {
    await indexer.stop();
    indexer = createIndexer(f.config({ pollIntervalMs: 20 }));
    await indexer.start();
    const heartbeat = async () =>
      (
        await f.pool.query<{ detail: Record<string, string> }>(
          `SELECT "detail" FROM "service_heartbeat" WHERE "service" = $1`,
          [INDEXER_HEARTBEAT_SERVICE],
        )
      ).rows[0]?.detail;
    const head = await f.publicClient.getBlockNumber({ cacheTime: 0 });
    expect(await heartbeat()).toEqual({
      chainId: f.chain.chainId,
      head: head.toString(),
      indexed: head.toString(),
    });

    const tx = await f.transfer(2, 4, 1n);
    await waitFor(async () => (await f.mirroredTxHashes()).has(tx));
    await waitFor(async () => (await heartbeat())?.indexed === (head + 1n).toString());
    await indexer.stop();
    await f.expectMirrorEqualsChain();
  });

  it("RPC errors are logged and retried at the next poll, never thrown", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const before = f.logs.length;
    const broken = createIndexer(f.config({ rpcUrl: dead, pollIntervalMs: 20 }));
    await broken.start(); // resolves after the failed first attempt
    await waitFor(async () => f.logs.slice(before).filter((l) => l.msg.includes("sync failed")).length >= 2);
    await broken.stop();
    const failure = f.logs.slice(before).find((l) => l.msg.includes("sync failed"));
    expect(failure?.fields).toMatchObject({ chainId: f.chain.chainId, error: expect.any(String) });
  });

  it("refuses a write based on a stale checkpoint (another writer moved it)", async () => {
    const store = createMirrorStore({ pool: f.pool, chainId: f.chain.chainId });
    const current = await store.checkpoint();
    if (current === null) throw new Error("no checkpoint");
    const stale = { number: current.number - 1n, hash: current.hash };
    await expect(
      store.rollback({ expected: stale, ancestor: null, head: current.number }),
    ).rejects.toBeInstanceOf(CheckpointMovedError);
    expect(await store.checkpoint()).toEqual(current);
    await f.expectMirrorEqualsChain();
  });

  it("resetChainMirror empties that chain's rows only", async () => {
    const other = 1;
    await f.pool.query(
      `INSERT INTO "token_transfer" VALUES ($1, 5, '0xb5', '0xt1', 0, '0xtoken', '0x0000000000000000000000000000000000000000', '0xa1', 7, now())`,
      [other],
    );
    await f.pool.query(
      `INSERT INTO "reward_batch_minted" VALUES ($1, 5, '0xb5', '0xt1', 1, '0xbatch', '0xroot', 1, 7, now())`,
      [other],
    );
    await f.pool.query(`INSERT INTO "chain_block" VALUES ($1, 5, '0xb5', '0xb4')`, [other]);
    await f.pool.query(`INSERT INTO "chain_checkpoint" VALUES ($1, 5, '0xb5', 5, now())`, [other]);
    expect((await f.counts()).transfers).toBeGreaterThan(0);

    await resetChainMirror(f.pool, f.chain.chainId);

    expect(await f.counts()).toEqual({ transfers: 0, batches: 0, blocks: 0, checkpoints: 0 });
    expect(await balances(f.pool, f.chain.chainId, f.deployment.token)).toEqual([]);
    expect(await f.counts(other)).toEqual({ transfers: 1, batches: 1, blocks: 1, checkpoints: 1 });
    expect(await balanceOf(f.pool, other, "0xtoken", "0xa1")).toBe(7n);

    // the next sync rebuilds the mirror from the deployment block
    indexer = createIndexer(f.config());
    expect((await indexer.syncOnce()).fromBlock).toBe(f.deployment.blockNumber);
    await f.expectMirrorEqualsChain();
  });
});
