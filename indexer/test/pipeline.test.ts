import { c4eTokenAbi } from "@c4e/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { devAccount } from "@c4e/stack/dev-accounts";
import { balanceOf, confirmedBalanceOf, mirrorFinality } from "../src/balances.ts";
import { createIndexer } from "../src/create-indexer.ts";
import { resetChainMirror } from "../src/reset-chain-mirror.ts";
import { type Fixture, setupFixture, TOKEN } from "./fixture.ts";
import { startRpcProxy } from "./rpc-proxy.ts";

type RangeLine = { fromBlock: string; toBlock: string };

describe("indexer: pipelined backfill, bounded commits, confirmations", () => {
  let f: Fixture;
  let proxy: Awaited<ReturnType<typeof startRpcProxy>>;

  beforeAll(async () => {
    f = await setupFixture("indexer_pipeline");
    proxy = await startRpcProxy(f.chain.url);
    // 24 blocks with events after the deployment: reward batches and transfers, one per block
    for (let i = 0; i < 8; i++) {
      await f.mintBatch(`p${i}`, [2, 3, 4], [10n * TOKEN, 20n * TOKEN, BigInt(i + 1) * TOKEN]);
      await f.transfer(2, 5, BigInt(i + 1) * 10n ** 15n);
      await f.transfer(3, 6, BigInt(i + 1) * 10n ** 14n);
    }
  });
  beforeEach(async () => {
    proxy.failure.afterGetLogs = undefined;
    await resetChainMirror(f.pool, f.chain.chainId);
    await f.pool.query(`DROP TRIGGER IF EXISTS "test_slow_checkpoint" ON "chain_checkpoint"`);
    await f.pool.query(`DROP TRIGGER IF EXISTS "test_refuse_block" ON "token_transfer"`);
  });
  afterAll(async () => {
    await f?.pool.query(`DROP TRIGGER IF EXISTS "test_slow_checkpoint" ON "chain_checkpoint"`);
    await f?.pool.query(`DROP TRIGGER IF EXISTS "test_refuse_block" ON "token_transfer"`);
    await proxy?.close();
    await f?.close();
  });

  function rangeLines(from: number): RangeLine[] {
    return f.logs
      .slice(from)
      .filter((l) => l.msg === "indexer: range indexed")
      .map((l) => l.fields as RangeLine);
  }

  /** The mirror holds exactly the chain's token transfers up to `upTo` and nothing above it. */
  async function expectMirrorExactUpTo(upTo: bigint): Promise<void> {
    const events = await f.publicClient.getContractEvents({
      address: f.deployment.token,
      abi: c4eTokenAbi,
      eventName: "Transfer",
      fromBlock: f.deployment.blockNumber,
      toBlock: upTo,
      strict: true,
    });
    const { rows } = await f.pool.query<{ k: string }>(
      `SELECT "block_number"::text || '|' || "tx_hash" || '|' || "log_index"::text AS "k"
       FROM "token_transfer" WHERE "chain_id" = $1`,
      [f.chain.chainId],
    );
    expect(rows.map((r) => r.k).sort()).toEqual(
      events.map((e) => `${e.blockNumber}|${e.transactionHash}|${e.logIndex}`).sort(),
    );
    const { rows: above } = await f.pool.query<{ n: number }>(
      `SELECT count(*)::int AS "n" FROM "chain_block" WHERE "chain_id" = $1 AND "number" > $2`,
      [f.chain.chainId, upTo.toString()],
    );
    expect(above[0]?.n).toBe(0);
  }

  it("commits range after range in chain order while reading runs ahead, at most readAhead ranges", async () => {
    // slow commits (a real trigger, 60 ms per checkpoint write): reading gets ahead of committing
    await f.pool.query(`CREATE OR REPLACE FUNCTION "test_slow"() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN PERFORM pg_sleep(0.06); RETURN NEW; END $$`);
    await f.pool.query(`CREATE TRIGGER "test_slow_checkpoint" BEFORE INSERT OR UPDATE ON "chain_checkpoint"
      FOR EACH ROW EXECUTE FUNCTION "test_slow"()`);
    const readAhead = 2;
    const before = f.logs.length;
    const getLogsAtCommit: number[] = [];
    const indexer = createIndexer(
      f.config({
        rpcUrl: proxy.url,
        maxBlockRange: 2,
        initialBlockRange: 2,
        readAhead,
        log: (msg, fields) => {
          f.logs.push({ msg, fields });
          if (msg === "indexer: range indexed") getLogsAtCommit.push(proxy.stats.getLogs);
        },
      }),
    );
    const getLogsBefore = proxy.stats.getLogs;
    try {
      const result = await indexer.syncOnce();
      const head = await f.publicClient.getBlockNumber({ cacheTime: 0 });
      expect(result).toEqual({ fromBlock: f.deployment.blockNumber, toBlock: head, reorgDepth: 0 });
      const ranges = rangeLines(before);
      expect(ranges.length).toBeGreaterThanOrEqual(12);
      // contiguous and ascending: each range starts right after the one committed before it
      expect(BigInt(ranges[0]?.fromBlock ?? -1)).toBe(f.deployment.blockNumber);
      for (let i = 1; i < ranges.length; i++) {
        expect(BigInt(ranges[i]?.fromBlock ?? -1)).toBe(BigInt(ranges[i - 1]?.toBlock ?? -1) + 1n);
      }
      // when range k (1-based) was committed, more than k ranges had been read, never more than
      // k + readAhead + 1 (readAhead waiting, one being read)
      const ahead = getLogsAtCommit.map((n, i) => n - getLogsBefore - (i + 1));
      expect(Math.max(...ahead)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...ahead)).toBeLessThanOrEqual(readAhead + 1);
      await f.expectMirrorEqualsChain();
    } finally {
      await indexer.stop();
    }
  });

  it("a read failing mid-backfill keeps the ranges read before it, committed; the next sync resumes", async () => {
    const indexer = createIndexer(
      f.config({ rpcUrl: proxy.url, maxBlockRange: 2, initialBlockRange: 2, retries: 0 }),
    );
    try {
      proxy.failure.afterGetLogs = proxy.stats.getLogs + 5; // the 6th range read fails
      await expect(indexer.syncOnce()).rejects.toThrow();
      const checkpoint = await f.checkpoint();
      // exactly the 5 ranges read before the failure, each of 2 blocks
      expect(checkpoint?.number).toBe(f.deployment.blockNumber + 9n);
      await expectMirrorExactUpTo(f.deployment.blockNumber + 9n);

      proxy.failure.afterGetLogs = undefined;
      const result = await indexer.syncOnce();
      expect(result.fromBlock).toBe(f.deployment.blockNumber + 10n);
      await f.expectMirrorEqualsChain();
    } finally {
      await indexer.stop();
    }
  });

  it("a commit failing mid-backfill keeps the ranges committed before it and nothing of its own; the next sync resumes", async () => {
    const head = await f.publicClient.getBlockNumber({ cacheTime: 0 });
    const refused = f.deployment.blockNumber + (head - f.deployment.blockNumber) / 2n;
    // the database refuses the transfers of one block in the middle (a real trigger, not a mock)
    await f.pool.query(`CREATE OR REPLACE FUNCTION "test_refuse"() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN IF NEW."block_number" = ${refused.toString()} THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`);
    await f.pool.query(`CREATE TRIGGER "test_refuse_block" BEFORE INSERT ON "token_transfer"
      FOR EACH ROW EXECUTE FUNCTION "test_refuse"()`);
    const indexer = createIndexer(f.config({ maxBlockRange: 3, initialBlockRange: 3, readAhead: 3 }));
    try {
      await expect(indexer.syncOnce()).rejects.toThrow(/refused for the test/);
      const checkpoint = (await f.checkpoint())?.number ?? -1n;
      // the ranges before the refused block's range are committed; that range is not, nor any after it
      expect(checkpoint).toBeLessThan(refused);
      expect(checkpoint).toBeGreaterThanOrEqual(refused - 3n);
      await expectMirrorExactUpTo(checkpoint);

      await f.pool.query(`DROP TRIGGER "test_refuse_block" ON "token_transfer"`);
      const result = await indexer.syncOnce();
      expect(result.fromBlock).toBe(checkpoint + 1n);
      await f.expectMirrorEqualsChain();
    } finally {
      await indexer.stop();
    }
  });

  it("marks blocks with fewer than `confirmations` blocks on top as unconfirmed, also after a rollback", async () => {
    const confirmations = 3;
    const indexer = createIndexer(f.config({ confirmations }));
    const wallet7 = devAccount(7).address;
    try {
      await indexer.syncOnce();
      let head = await f.publicClient.getBlockNumber({ cacheTime: 0 });
      expect(await mirrorFinality(f.pool, f.chain.chainId)).toEqual({
        indexed: head,
        head,
        confirmed: head - 3n,
        confirmations,
      });

      const before = await balanceOf(f.pool, f.chain.chainId, f.deployment.token, wallet7);
      await f.transfer(2, 7, 3n * TOKEN);
      await indexer.syncOnce();
      // mirrored at once, but not confirmed yet
      expect(await balanceOf(f.pool, f.chain.chainId, f.deployment.token, wallet7)).toBe(before + 3n * TOKEN);
      expect(await confirmedBalanceOf(f.pool, f.chain.chainId, f.deployment.token, wallet7)).toBe(before);

      await f.testClient.mine({ blocks: 2 });
      await indexer.syncOnce();
      expect(await confirmedBalanceOf(f.pool, f.chain.chainId, f.deployment.token, wallet7)).toBe(before);
      await f.testClient.mine({ blocks: 1 });
      await indexer.syncOnce();
      expect(await confirmedBalanceOf(f.pool, f.chain.chainId, f.deployment.token, wallet7)).toBe(
        before + 3n * TOKEN,
      );

      // a reorganisation deeper than the confirmations: the confirmed block falls back, and it is logged
      const snapshot = await f.testClient.snapshot();
      const forkBase = await f.publicClient.getBlockNumber({ cacheTime: 0 });
      await f.transfer(2, 7, 1n * TOKEN);
      await f.testClient.mine({ blocks: 4 });
      await indexer.syncOnce();
      expect((await mirrorFinality(f.pool, f.chain.chainId)).confirmed).toBe(forkBase + 2n);
      await f.testClient.revert({ id: snapshot });
      const logsBefore = f.logs.length;
      const result = await indexer.syncOnce();
      expect(result.reorgDepth).toBe(5);
      head = await f.publicClient.getBlockNumber({ cacheTime: 0 });
      expect(head).toBe(forkBase);
      expect((await mirrorFinality(f.pool, f.chain.chainId)).confirmed).toBe(forkBase - 3n);
      expect(f.logs.slice(logsBefore).some((l) => l.msg.includes("replaced confirmed blocks"))).toBe(true);
      await f.expectMirrorEqualsChain();
    } finally {
      await indexer.stop();
    }
  });
});
