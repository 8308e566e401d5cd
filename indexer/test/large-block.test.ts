import { c4eTokenAbi } from "@c4e/contracts";
import { type Address, getAddress, type Hash, keccak256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "@c4e/stack/dev-accounts";
import { createIndexer, type Indexer } from "../src/create-indexer.ts";
import { type Fixture, setupFixture, TOKEN } from "./fixture.ts";

/** EIP-7825's per-transaction gas cap on this Hardhat (Osaka) is 16,777,216: stay under it. */
const TX_GAS = 16_000_000n;
/** Transfers per mint transaction: ~7,600 gas each to an existing holder (plus calldata), < TX_GAS. */
const PER_TX = 1_600;
const MINTER = 3;

describe("indexer: blocks larger than one response", () => {
  let f: Fixture;
  let indexer: Indexer | undefined;
  let holders: Address[];

  beforeAll(async () => {
    f = await setupFixture("indexer_large_block");
    const role = await f.publicClient.readContract({
      address: f.deployment.token,
      abi: c4eTokenAbi,
      functionName: "MINTER_ROLE",
    });
    // the admin (dev account 0) lets dev account 3 mint on the token directly
    await waitOk(
      f,
      await f.wallet(0).writeContract({
        address: f.deployment.token,
        abi: c4eTokenAbi,
        functionName: "grantRole",
        args: [role, devAccount(MINTER).address],
      }),
    );
    // 200 holders, so the big batches pay the existing-holder price per transfer
    holders = Array.from({ length: 200 }, (_, i) => getAddress(keccak256(toHex(`holder ${i}`)).slice(0, 42)));
    // (25 per transaction: each receipt stays under the small response limit of the first test)
    for (let i = 0; i < holders.length; i += 25) {
      const some = holders.slice(i, i + 25);
      await waitOk(
        f,
        await mint(
          some,
          some.map(() => TOKEN),
        ),
      );
    }
  });
  afterAll(async () => {
    await indexer?.stop();
    await f?.close();
  });

  /** C4EToken.mintBatch from the minter, with an explicit gas limit (the estimator fails on big batches). */
  async function mint(
    recipients: readonly Address[],
    amounts: readonly bigint[],
    nonce?: number,
  ): Promise<Hash> {
    return await f.wallet(MINTER).writeContract({
      address: f.deployment.token,
      abi: c4eTokenAbi,
      functionName: "mintBatch",
      args: [recipients, amounts],
      gas: TX_GAS,
      ...(nonce === undefined ? {} : { nonce }),
    });
  }

  /** `transfers` token transfers in one block, `perTx` per transaction; resolves to that block's number. */
  async function oneBlock(transfers: number, perTx: number): Promise<bigint> {
    await f.testClient.setAutomine(false);
    try {
      await f.testClient.setBlockGasLimit({ gasLimit: 1_000_000_000n });
      let nonce = await f.publicClient.getTransactionCount({ address: devAccount(MINTER).address });
      const hashes: Hash[] = [];
      for (let done = 0; done < transfers; done += perTx) {
        const n = Math.min(perTx, transfers - done);
        const recipients = Array.from(
          { length: n },
          (_, i) => holders[(done + i) % holders.length] as Address,
        );
        const amounts = Array.from({ length: n }, (_, i) => BigInt(done + i + 1));
        hashes.push(await mint(recipients, amounts, nonce++));
      }
      await f.testClient.mine({ blocks: 1 });
      const receipts = await Promise.all(
        hashes.map((hash) => f.publicClient.getTransactionReceipt({ hash })),
      );
      const blocks = new Set(receipts.map((r) => r.blockNumber));
      expect(receipts.every((r) => r.status === "success")).toBe(true);
      expect(blocks.size).toBe(1);
      expect(receipts.reduce((sum, r) => sum + r.logs.length, 0)).toBe(transfers);
      return receipts[0]?.blockNumber as bigint;
    } finally {
      await f.testClient.setAutomine(true);
    }
  }

  function rangeLogs(from: number) {
    return f.logs.slice(from).filter((l) => l.msg === "indexer: range indexed") as {
      msg: string;
      fields: { fromBlock: string; toBlock: string; refused?: number; blockReadInParts?: string };
    }[];
  }

  it("with a small response limit, reads a modest block in parts and a long range in pieces", async () => {
    await f.mintBatch("small", [2, 3], [5n * TOKEN, 7n * TOKEN]);
    await f.transfer(2, 4, TOKEN);
    // 6 transactions × 25 transfers: ~125 KB of logs in one block, each receipt ~21 KB
    const big = await oneBlock(150, 25);
    await f.transfer(3, 5, 2n * TOKEN);
    const head = await f.publicClient.getBlockNumber({ cacheTime: 0 });
    const before = f.logs.length;

    indexer = createIndexer(f.config({ maxResponseBytes: 32_768, maxBlockRange: 2000 }));
    const result = await indexer.syncOnce();

    expect(result.toBlock).toBe(head);
    await f.expectMirrorEqualsChain();
    expect((await f.counts()).transfers).toBe(200 + 2 + 1 + 150 + 1);
    const ranges = rangeLogs(before);
    const bigRange = ranges.find((r) => BigInt(r.fields.toBlock) === big);
    // the block alone was too large for one response: read from its transactions' receipts
    expect(bigRange?.fields).toMatchObject({ fromBlock: big.toString(), blockReadInParts: "receipts" });
    expect(ranges.some((r) => (r.fields.refused ?? 0) > 0)).toBe(true);
    await indexer.stop();
    indexer = undefined;
  });

  it("indexes a block of 20,000 transfers (> 10 MiB of logs) exactly, with the default limit", async () => {
    const big = await oneBlock(20_000, PER_TX);
    const head = await f.publicClient.getBlockNumber({ cacheTime: 0 });
    const before = f.logs.length;
    const transfersBefore = (await f.counts()).transfers;

    indexer = createIndexer(f.config());
    const result = await indexer.syncOnce();

    expect(result.toBlock).toBe(head);
    expect((await f.counts()).transfers).toBe(transfersBefore + 20_000);
    const { rows } = await f.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "token_transfer" WHERE "chain_id" = $1 AND "block_number" = $2`,
      [f.chain.chainId, big.toString()],
    );
    expect(rows[0]?.n).toBe(20_000);
    await f.expectMirrorEqualsChain();
    const bigRange = rangeLogs(before).find((r) => BigInt(r.fields.toBlock) === big);
    expect(bigRange?.fields.blockReadInParts).toBeDefined();
  });
});

async function waitOk(f: Fixture, hash: Hash): Promise<void> {
  const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
}
