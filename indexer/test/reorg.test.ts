import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIndexer, type Indexer } from "../src/create-indexer.ts";
import { type Fixture, setupFixture, TOKEN } from "./fixture.ts";

describe("indexer reorganisations", () => {
  let f: Fixture;
  let indexer: Indexer;

  beforeAll(async () => {
    f = await setupFixture("indexer_reorg");
    await f.mintBatch("genesis", [2, 3, 4], [100n * TOKEN, 100n * TOKEN, 100n * TOKEN]);
    indexer = createIndexer(f.config());
    await indexer.syncOnce();
    await f.expectMirrorEqualsChain();
  });
  afterAll(async () => {
    await indexer?.stop();
    await f?.close();
  });

  it("rolls a replaced fork back to the common ancestor and follows the longer chain", async () => {
    const snapshot = await f.testClient.snapshot();
    const forkBlock = await f.publicClient.getBlockNumber({ cacheTime: 0 });
    const gone = [await f.transfer(2, 3, 1n * TOKEN), await f.mintBatch("reverted", [4], [7n * TOKEN])];
    await indexer.syncOnce();
    for (const tx of gone) expect(await f.mirroredTxHashes()).toContain(tx);
    const oldCheckpoint = await f.checkpoint();

    await f.testClient.revert({ id: snapshot });
    const kept = await f.transfer(2, 4, 2n * TOKEN); // a different block at forkBlock + 1
    await f.testClient.mine({ blocks: 3 }); // and a longer chain than the reverted one

    const result = await indexer.syncOnce();

    expect(result.reorgDepth).toBe(2); // forkBlock + 1 and + 2 were replaced
    expect(result.fromBlock).toBe(forkBlock + 1n);
    expect(result.toBlock).toBe(forkBlock + 4n);
    expect(oldCheckpoint?.number).toBe(forkBlock + 2n);
    const mirrored = await f.mirroredTxHashes();
    for (const tx of gone) expect(mirrored).not.toContain(tx);
    expect(mirrored).toContain(kept);
    await f.expectMirrorEqualsChain();
    expect(f.logs.some((l) => l.msg.includes("reorganisation"))).toBe(true);
  });

  it("rolls back when the head falls below the checkpoint", async () => {
    const snapshot = await f.testClient.snapshot();
    const forkBlock = await f.publicClient.getBlockNumber({ cacheTime: 0 });
    const gone = [await f.transfer(3, 2, 1n), await f.transfer(3, 4, 2n), await f.transfer(4, 3, 3n)];
    await indexer.syncOnce();
    expect((await f.checkpoint())?.number).toBe(forkBlock + 3n);

    await f.testClient.revert({ id: snapshot }); // the chain is now 3 blocks shorter

    const result = await indexer.syncOnce();

    expect(result).toEqual({ fromBlock: forkBlock + 1n, toBlock: forkBlock, reorgDepth: 3 });
    const mirrored = await f.mirroredTxHashes();
    for (const tx of gone) expect(mirrored).not.toContain(tx);
    await f.expectMirrorEqualsChain();
  });

  it("notices a checkpoint block replaced at the same height", async () => {
    const snapshot = await f.testClient.snapshot();
    const gone = await f.transfer(4, 2, 5n);
    await indexer.syncOnce();

    await f.testClient.revert({ id: snapshot });
    await f.testClient.mine({ blocks: 1 }); // an empty block at the same height

    const result = await indexer.syncOnce();

    expect(result.reorgDepth).toBe(1);
    expect(await f.mirroredTxHashes()).not.toContain(gone);
    await f.expectMirrorEqualsChain();
  });

  it("re-indexes from the deployment block when the reorganisation is deeper than the stored window", async () => {
    const shallow = createIndexer(f.config({ reorgWindow: 2 }));
    try {
      const snapshot = await f.testClient.snapshot();
      const gone = [];
      for (let i = 0; i < 4; i++) gone.push(await f.transfer(2, 3, BigInt(i + 1)));
      await shallow.syncOnce(); // keeps the hashes of the last 3 blocks only
      expect((await f.counts()).blocks).toBe(3);

      await f.testClient.revert({ id: snapshot });
      const kept = await f.transfer(3, 2, 9n);
      await f.testClient.mine({ blocks: 4 });

      const result = await shallow.syncOnce();

      expect(result.fromBlock).toBe(f.deployment.blockNumber);
      const mirrored = await f.mirroredTxHashes();
      for (const tx of gone) expect(mirrored).not.toContain(tx);
      expect(mirrored).toContain(kept);
      await f.expectMirrorEqualsChain();
      expect(f.logs.some((l) => JSON.stringify(l.fields).includes("re-indexing from the deployment"))).toBe(
        true,
      );
    } finally {
      await shallow.stop();
    }
  });
});
