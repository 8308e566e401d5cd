import { c4eTokenAbi, type Deployment, deployC4E, rewardMinterAbi } from "@c4e/contracts";
import { createPool } from "@c4e/prisma";
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hash,
  http,
  keccak256,
  stringToHex,
} from "viem";
import { hardhat } from "viem/chains";
import { expect } from "vitest";
import { devAccount } from "@c4e/stack/dev-accounts";
// Brings in the `ProvidedContext` augmentation (pgServerUrl) that createTestDatabase's inject() needs.

import { createTestDatabase, startTestChain } from "@c4e/stack/testing/index";
import { balanceOf, balances } from "../src/balances.ts";
import type { IndexerConfig } from "../src/create-indexer.ts";

export const ZERO = "0x0000000000000000000000000000000000000000";
export const TOKEN = 10n ** 18n;
/** The test RewardMinter's settlement period (a quarter hour) and per-period cap (a million C4E). */
export const PERIOD_SECONDS = 900;
export const PERIOD_MINT_CAP = 1_000_000n * TOKEN;
/** 2026-11-01T00:00Z: aligned, ended. */
const FIRST_PERIOD = 1_793_491_200n;

export type LogLine = { msg: string; fields?: object };

/** A migrated database, a hardhat node with the C4E contracts, clients and chain helpers for one test file. */
export async function setupFixture(label: string) {
  const db = await createTestDatabase(label);
  const chain = await startTestChain();
  // no response size limit on the test's own reads (a block of 20,000 transfers is > 10 MiB of logs)
  const transport = http(chain.url, { maxResponseBodySize: false });
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 50 });
  const testClient = createTestClient({ chain: hardhat, mode: "hardhat", transport });
  const wallet = (i: number) => createWalletClient({ account: devAccount(i), chain: hardhat, transport });
  const deployment: Deployment = await deployC4E({
    publicClient,
    walletClient: wallet(0),
    minter: devAccount(1).address,
    periodSeconds: PERIOD_SECONDS,
    periodMintCap: PERIOD_MINT_CAP,
  });
  let periods = 0n;
  const pool = createPool({ url: db.url, max: 2 });
  const logs: LogLine[] = [];

  function config(overrides: Partial<IndexerConfig> = {}): IndexerConfig {
    return {
      databaseUrl: db.url,
      rpcUrl: chain.url,
      chainId: chain.chainId,
      deployment: {
        token: deployment.token,
        rewardMinter: deployment.rewardMinter,
        perks: deployment.perks,
        greenCertificates: deployment.greenCertificates,
        blockNumber: deployment.blockNumber,
      },
      pollIntervalMs: 50,
      maxBlockRange: 2000,
      log: (msg, fields) => {
        logs.push({ msg, fields });
      },
      ...overrides,
    };
  }

  async function confirm(hash: Hash): Promise<Hash> {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    return hash;
  }

  /** A plain token transfer between dev accounts; resolves to the transaction hash once mined. */
  async function transfer(from: number, to: number, amount: bigint): Promise<Hash> {
    return await confirm(
      await wallet(from).writeContract({
        address: deployment.token,
        abi: c4eTokenAbi,
        functionName: "transfer",
        args: [devAccount(to).address, amount],
      }),
    );
  }

  /** RewardMinter.mintBatch by the minter (dev account 1), each batch for a period of its own. */
  async function mintBatch(name: string, recipients: number[], amounts: bigint[]): Promise<Hash> {
    return await confirm(
      await wallet(1).writeContract({
        address: deployment.rewardMinter,
        abi: rewardMinterAbi,
        functionName: "mintBatch",
        args: [
          batchId(name),
          nextPeriod(),
          keccak256(stringToHex(`root:${name}`)),
          recipients.map((i) => devAccount(i).address),
          amounts,
        ],
      }),
    );
  }

  /** A period that ended long ago, a new one per call (the per-period cap then never binds). */
  function nextPeriod(): bigint {
    return FIRST_PERIOD + periods++ * BigInt(PERIOD_SECONDS);
  }

  async function mirroredTxHashes(): Promise<Set<string>> {
    const { rows } = await pool.query<{ tx_hash: string }>(
      `SELECT "tx_hash" FROM "token_transfer" WHERE "chain_id" = $1
       UNION SELECT "tx_hash" FROM "reward_batch_minted" WHERE "chain_id" = $1`,
      [chain.chainId],
    );
    return new Set(rows.map((r) => r.tx_hash));
  }

  async function counts(chainId = chain.chainId) {
    const { rows } = await pool.query<{
      transfers: number;
      batches: number;
      blocks: number;
      checkpoints: number;
    }>(
      `SELECT (SELECT count(*)::int FROM "token_transfer" WHERE "chain_id" = $1) AS "transfers",
              (SELECT count(*)::int FROM "reward_batch_minted" WHERE "chain_id" = $1) AS "batches",
              (SELECT count(*)::int FROM "chain_block" WHERE "chain_id" = $1) AS "blocks",
              (SELECT count(*)::int FROM "chain_checkpoint" WHERE "chain_id" = $1) AS "checkpoints"`,
      [chainId],
    );
    return rows[0] as { transfers: number; batches: number; blocks: number; checkpoints: number };
  }

  async function checkpoint(): Promise<{ number: bigint; hash: string } | null> {
    const { rows } = await pool.query<{ block_number: string; block_hash: string }>(
      `SELECT "block_number", "block_hash" FROM "chain_checkpoint" WHERE "chain_id" = $1`,
      [chain.chainId],
    );
    const row = rows[0];
    return row ? { number: BigInt(row.block_number), hash: row.block_hash } : null;
  }

  /**
   * The mirror equals the chain at its head: checkpoint = head (number and hash), the same Transfer
   * and RewardBatchMinted events (position, block hash, values), and for every holder the mirrored
   * balance equals the token's balanceOf.
   */
  async function expectMirrorEqualsChain(): Promise<void> {
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    const headBlock = await publicClient.getBlock({ blockNumber: head });
    expect(await checkpoint()).toEqual({ number: head, hash: headBlock.hash });

    const range = { fromBlock: deployment.blockNumber, toBlock: head, strict: true } as const;
    const chainTransfers = await publicClient.getContractEvents({
      address: deployment.token,
      abi: c4eTokenAbi,
      eventName: "Transfer",
      ...range,
    });
    const { rows: transferRows } = await pool.query<Record<string, string>>(
      `SELECT "block_number"::text, "block_hash", "tx_hash", "log_index"::text, "token", "from_address", "to_address", "value"::text
       FROM "token_transfer" WHERE "chain_id" = $1`,
      [chain.chainId],
    );
    const keyTransfer = (r: Record<string, string>) =>
      [
        r.block_number,
        r.block_hash,
        r.tx_hash,
        r.log_index,
        r.token,
        r.from_address,
        r.to_address,
        r.value,
      ].join("|");
    expect(transferRows.map(keyTransfer).sort()).toEqual(
      chainTransfers
        .map((e) =>
          [
            e.blockNumber,
            e.blockHash,
            e.transactionHash,
            e.logIndex,
            deployment.token.toLowerCase(),
            e.args.from.toLowerCase(),
            e.args.to.toLowerCase(),
            e.args.value,
          ].join("|"),
        )
        .sort(),
    );

    const chainBatches = await publicClient.getContractEvents({
      address: deployment.rewardMinter,
      abi: rewardMinterAbi,
      eventName: "RewardBatchMinted",
      ...range,
    });
    const { rows: batchRows } = await pool.query<Record<string, string>>(
      `SELECT "block_number"::text, "block_hash", "tx_hash", "log_index"::text, "batch_id", "readings_root", "count"::text, "total"::text
       FROM "reward_batch_minted" WHERE "chain_id" = $1`,
      [chain.chainId],
    );
    const keyBatch = (r: Record<string, string>) =>
      [
        r.block_number,
        r.block_hash,
        r.tx_hash,
        r.log_index,
        r.batch_id,
        r.readings_root,
        r.count,
        r.total,
      ].join("|");
    expect(batchRows.map(keyBatch).sort()).toEqual(
      chainBatches
        .map((e) =>
          [
            e.blockNumber,
            e.blockHash,
            e.transactionHash,
            e.logIndex,
            e.args.batchId,
            e.args.readingsRoot,
            e.args.count,
            e.args.total,
          ].join("|"),
        )
        .sort(),
    );

    const holders = new Set<Address>();
    for (const e of chainTransfers) for (const a of [e.args.from, e.args.to]) if (a !== ZERO) holders.add(a);
    const expected: { address: string; balance: bigint }[] = [];
    for (const holder of holders) {
      const onChain = await publicClient.readContract({
        address: deployment.token,
        abi: c4eTokenAbi,
        functionName: "balanceOf",
        args: [holder],
        blockNumber: head,
      });
      expect(await balanceOf(pool, chain.chainId, deployment.token, holder), holder).toBe(onChain);
      if (onChain !== 0n) expected.push({ address: holder.toLowerCase(), balance: onChain });
    }
    const mirrored = await balances(pool, chain.chainId, deployment.token);
    const byAddress = (a: { address: string }, b: { address: string }) => a.address.localeCompare(b.address);
    expect([...mirrored].sort(byAddress)).toEqual(expected.sort(byAddress));
  }

  async function close(): Promise<void> {
    await pool.end();
    await chain.stop();
    await db.drop();
  }

  return {
    db,
    chain,
    pool,
    publicClient,
    testClient,
    wallet,
    deployment,
    logs,
    config,
    transfer,
    mintBatch,
    nextPeriod,
    mirroredTxHashes,
    counts,
    checkpoint,
    expectMirrorEqualsChain,
    close,
  };
}

export type Fixture = Awaited<ReturnType<typeof setupFixture>>;

export function batchId(name: string): Hash {
  return keccak256(stringToHex(`batch:${name}`));
}

/** Polls `check` until it returns true (or fails after `timeoutMs`). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("waitFor: condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}
