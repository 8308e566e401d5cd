import { buildRewardTree, greenCertificatesAbi, rewardMinterAbi } from "@c4e/contracts";
import {
  batchProblems,
  mintGasLimit,
  type RewardLeaf,
  type RewardRecipient,
  type WalletAddress,
} from "@c4e/domain";
import type pg from "pg";
import {
  type Account,
  type Chain,
  ContractFunctionRevertedError,
  createPublicClient,
  decodeEventLog,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

/** The minter's view of the chain. */
export type MintChain = {
  chainId: number;
  rewardMinter: `0x${string}`;
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, Account>;
};

export type CreateMintChainParams = {
  rpcUrl: string;
  chainId: number;
  rewardMinter: `0x${string}`;
  minterPrivateKey: `0x${string}`;
  /** Receipt polling interval; short on a local chain, a few seconds on a public one. */
  pollingIntervalMs?: number;
};

/** viem clients for minting with the ingest service's key (the RewardMinter's MINTER_ROLE). */
export function createMintChain(params: CreateMintChainParams): MintChain {
  const chain = defineChain({
    id: params.chainId,
    name: `chain-${params.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [params.rpcUrl] } },
  });
  const pollingInterval = params.pollingIntervalMs ?? 1_000;
  const transport = http(params.rpcUrl);
  return {
    chainId: params.chainId,
    rewardMinter: params.rewardMinter,
    publicClient: createPublicClient({ chain, transport, pollingInterval }),
    walletClient: createWalletClient({
      chain,
      transport,
      pollingInterval,
      account: privateKeyToAccount(params.minterPrivateKey),
    }),
  };
}

export type MintOutcome = {
  batchId: `0x${string}`;
  /**
   * `minted`: our transaction minted it now; `already_minted`: the chain had it (an earlier run's
   * transaction), only the database was updated; `held`: refused before any transaction (see
   * `error`), kept for an operator; `failed`: left for the next tick.
   */
  status: "minted" | "already_minted" | "held" | "failed";
  txHash: Hex | null;
  error?: string;
  /** Recipients whose certificates the contract holds for them to collect (wallets with code). */
  certificatesHeld?: string[];
};

export type ReconcileOutcome = {
  batchId: `0x${string}`;
  /** `confirmed`: still minted after the confirmations; `reorged`: gone from the chain, back to pending. */
  status: "confirmed" | "reorged";
};

export type MintBatchesParams = {
  pool: pg.Pool;
  chain: MintChain;
  now: () => Date;
  log: (msg: string, fields?: object) => void;
  /** Longest wait for a receipt before leaving the batch `submitted` for the next tick. */
  receiptTimeoutMs?: number;
};

type BatchRow = {
  id: `0x${string}`;
  period_start: Date;
  readings_root: Hex;
  status: "pending" | "submitted";
  tx_hash: Hex | null;
};

/**
 * Mints every `pending` or `submitted` reward batch with its green certificates
 * (`mintBatchWithCertificates`: the allocations' amounts and verified Wh), in period and part order,
 * exactly once: the chain is asked first (`isBatchMinted`), so a restart between a mined transaction
 * and the database update only marks the batch minted; a `BatchAlreadyMinted` revert does the same.
 *
 * Before a transaction the batch is checked against its leaves (`batchProblems`, and the readings root
 * rebuilt from the leaves): a batch whose amounts do not match the readings it claims to reward is
 * `held` with the reason and never sent. Chain errors (including the contract's period mint cap) are
 * logged and reported as `failed`; the batch stays for the next tick and blocks no other batch.
 */
export async function mintBatches(params: MintBatchesParams): Promise<MintOutcome[]> {
  const { pool, chain, log } = params;
  const { rows } = await pool.query<BatchRow>(
    `SELECT id, period_start, readings_root, status, tx_hash FROM reward_batch
      WHERE status IN ('pending', 'submitted') ORDER BY period_start, part, id`,
  );
  const outcomes: MintOutcome[] = [];
  for (const batch of rows) {
    try {
      outcomes.push(await mintBatch(params, batch));
    } catch (error) {
      const message = shortError(error);
      log("ingest: minting a reward batch failed, retrying on the next tick", {
        batchId: batch.id,
        error: message,
      });
      outcomes.push({ batchId: batch.id, status: "failed", txHash: batch.tx_hash, error: message });
    }
  }
  if (outcomes.length > 0) {
    log("ingest: mint run", {
      chainId: chain.chainId,
      outcomes: outcomes.map((o) => ({ batchId: o.batchId, status: o.status, txHash: o.txHash })),
    });
  }
  return outcomes;
}

/** The allocations and leaves of a batch as the domain sees them. */
async function loadBatchContents(pool: pg.Pool, batch: BatchRow) {
  const { rows: allocations } = await pool.query<{ wallet: string; amount: string; export_wh: string }>(
    "SELECT wallet, amount::text, export_wh::text FROM reward_allocation WHERE batch_id = $1 ORDER BY wallet",
    [batch.id],
  );
  const { rows: leafRows } = await pool.query<{
    gateway_id: string;
    meter_id: string;
    export_wh: string;
    recipient: string;
  }>(
    "SELECT gateway_id, meter_id, export_wh::text, recipient FROM reward_leaf WHERE batch_id = $1 ORDER BY gateway_id, meter_id",
    [batch.id],
  );
  const periodStart = BigInt(Math.floor(batch.period_start.getTime() / 1000));
  const recipients: RewardRecipient[] = allocations.map((a) => ({
    wallet: a.wallet.toLowerCase() as WalletAddress,
    exportWh: BigInt(a.export_wh),
    amount: BigInt(a.amount),
  }));
  const leaves: RewardLeaf[] = leafRows.map((l) => ({
    gatewayId: l.gateway_id,
    meterId: l.meter_id,
    periodStart,
    exportWh: BigInt(l.export_wh),
    recipient: l.recipient.toLowerCase() as WalletAddress,
  }));
  return { periodStart, recipients, leaves };
}

/** Why the batch must not be sent: its amounts and root must follow from its leaves. */
function contentProblems(batch: BatchRow, contents: Awaited<ReturnType<typeof loadBatchContents>>): string[] {
  if (contents.recipients.length === 0) return ["the batch has no allocations"];
  if (contents.leaves.length === 0) return ["the batch has no leaves"];
  const problems = batchProblems(contents);
  const root = buildRewardTree(contents.leaves).root;
  if (root.toLowerCase() !== batch.readings_root.toLowerCase()) {
    problems.push(`readings root ${batch.readings_root} is not the root of the batch's leaves (${root})`);
  }
  return problems;
}

async function mintBatch(params: MintBatchesParams, batch: BatchRow): Promise<MintOutcome> {
  const { pool, chain, log } = params;
  const { publicClient, walletClient, rewardMinter } = chain;
  const receiptTimeout = params.receiptTimeoutMs ?? 120_000;

  /** Records the mint; `receipt` (of `txHash`, when known) gives its block and held certificates. */
  const markMinted = async (
    status: "minted" | "already_minted",
    txHash: Hex | null,
    receipt: TransactionReceipt | null,
  ): Promise<MintOutcome> => {
    const certificatesHeld = receipt === null ? [] : heldCertificates(receipt.logs);
    await pool.query(
      `UPDATE reward_batch SET status = 'minted', minted_at = $2, chain_id = $3, tx_hash = COALESCE($4, tx_hash),
              minted_block = $5, minted_block_hash = $6, confirmed_at = NULL, hold_reason = NULL
        WHERE id = $1 AND status <> 'minted'`,
      [
        batch.id,
        params.now().toISOString(),
        chain.chainId,
        txHash,
        receipt?.blockNumber.toString() ?? null,
        receipt?.blockHash ?? null,
      ],
    );
    if (certificatesHeld.length > 0) {
      await pool.query(
        "UPDATE reward_allocation SET certificates_held = true WHERE batch_id = $1 AND lower(wallet) = ANY($2::text[])",
        [batch.id, certificatesHeld.map((w) => w.toLowerCase())],
      );
      log("ingest: certificates held for recipients with code (they collect them from the contract)", {
        batchId: batch.id,
        recipients: certificatesHeld,
      });
    }
    return {
      batchId: batch.id,
      status,
      txHash: txHash ?? batch.tx_hash,
      ...(certificatesHeld.length > 0 ? { certificatesHeld } : {}),
    };
  };

  const isMinted = () =>
    publicClient.readContract({
      address: rewardMinter,
      abi: rewardMinterAbi,
      functionName: "isBatchMinted",
      args: [batch.id],
    });

  if (await isMinted()) {
    const root = await publicClient.readContract({
      address: rewardMinter,
      abi: rewardMinterAbi,
      functionName: "batchRoot",
      args: [batch.id],
    });
    if (root.toLowerCase() !== batch.readings_root.toLowerCase()) {
      log("ingest: batch id minted on chain with a different readings root", {
        batchId: batch.id,
        chainRoot: root,
        storedRoot: batch.readings_root,
      });
    }
    const ownReceipt = batch.tx_hash === null ? null : await receiptOf(publicClient, batch.tx_hash);
    if (ownReceipt?.status === "success") return await markMinted("minted", batch.tx_hash, ownReceipt);
    const txHash = await findMintTx(chain, batch.id);
    return await markMinted(
      "already_minted",
      txHash,
      txHash === null ? null : await receiptOf(publicClient, txHash),
    );
  }

  // Submitted earlier and still waiting in the mempool: wait for it instead of sending a second one.
  if (batch.status === "submitted" && batch.tx_hash !== null) {
    const pending = await publicClient.getTransaction({ hash: batch.tx_hash }).catch(() => null);
    if (pending !== null && pending.blockNumber === null) {
      const receipt = await publicClient.waitForTransactionReceipt({
        hash: batch.tx_hash,
        timeout: receiptTimeout,
      });
      if (receipt.status === "success") {
        return await markMinted("minted", batch.tx_hash, receipt);
      }
    }
  }

  const contents = await loadBatchContents(pool, batch);
  const problems = contentProblems(batch, contents);
  if (problems.length > 0) {
    const reason = `refused before minting: ${problems.join("; ")}`;
    await pool.query(
      "UPDATE reward_batch SET status = 'held', hold_reason = $2 WHERE id = $1 AND status <> 'minted'",
      [batch.id, reason.slice(0, 4000)],
    );
    log("ingest: reward batch held, its amounts do not follow from its readings", {
      batchId: batch.id,
      problems,
    });
    return { batchId: batch.id, status: "held", txHash: null, error: reason };
  }

  // Reward and green certificates (one unit per verified Wh) in one transaction.
  const args = [
    batch.id,
    contents.periodStart,
    batch.readings_root,
    contents.recipients.map((a) => a.wallet),
    contents.recipients.map((a) => a.amount),
    contents.recipients.map((a) => a.exportWh),
  ] as const;

  let hash: Hex;
  try {
    const { request } = await publicClient.simulateContract({
      account: walletClient.account,
      address: rewardMinter,
      abi: rewardMinterAbi,
      functionName: "mintBatchWithCertificates",
      args,
      gas: mintGasLimit({ recipients: contents.recipients.length }),
    });
    hash = await walletClient.writeContract(request);
  } catch (error) {
    if (revertName(error) === "BatchAlreadyMinted") return await markMinted("already_minted", null, null);
    throw error;
  }
  await pool.query(
    "UPDATE reward_batch SET status = 'submitted', tx_hash = $2, chain_id = $3 WHERE id = $1 AND status <> 'minted'",
    [batch.id, hash, chain.chainId],
  );
  const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: receiptTimeout });
  if (receipt.status !== "success") {
    // Maybe another minter got there first; the next tick asks the chain again.
    throw new Error(`mintBatch transaction ${hash} reverted`);
  }
  return await markMinted("minted", hash, receipt);
}

/** Holders whose certificates `GreenCertificates` credited as pending (`CertificatesHeld`) in these logs. */
function heldCertificates(logs: readonly { data: Hex; topics: readonly Hex[] }[]): string[] {
  const held = new Set<string>();
  for (const entry of logs) {
    try {
      const event = decodeEventLog({
        abi: greenCertificatesAbi,
        data: entry.data,
        topics: entry.topics as [Hex, ...Hex[]],
      });
      if (event.eventName === "CertificatesHeld") held.add(event.args.holder.toLowerCase());
    } catch {
      // another contract's or another event's log
    }
  }
  return [...held];
}

export type ReconcileParams = MintBatchesParams & {
  /** Blocks on top of the mint's block before a batch counts as final. */
  confirmations: number;
};

/**
 * Reconciles minted batches with the chain once they have `confirmations` blocks on top: a batch the
 * chain still has (`isBatchMinted`) is confirmed (its block updated if the transaction was re-included
 * elsewhere); a batch the chain no longer has (its block was reorganised away) goes back to `pending`
 * and is minted again, under the same single-use id.
 */
export async function reconcileMintedBatches(params: ReconcileParams): Promise<ReconcileOutcome[]> {
  const { pool, chain, log, confirmations } = params;
  const { rows } = await pool.query<{
    id: `0x${string}`;
    tx_hash: Hex | null;
    minted_block: string | null;
  }>(
    `SELECT id, tx_hash, minted_block::text FROM reward_batch
      WHERE status = 'minted' AND confirmed_at IS NULL AND chain_id = $1
      ORDER BY period_start, part, id`,
    [chain.chainId],
  );
  if (rows.length === 0) return [];
  const head = await chain.publicClient.getBlockNumber();
  const outcomes: ReconcileOutcome[] = [];
  for (const row of rows) {
    if (row.minted_block !== null && head - BigInt(row.minted_block) < BigInt(confirmations)) continue;
    const minted = await chain.publicClient.readContract({
      address: chain.rewardMinter,
      abi: rewardMinterAbi,
      functionName: "isBatchMinted",
      args: [row.id],
    });
    if (!minted) {
      await pool.query(
        `UPDATE reward_batch SET status = 'pending', tx_hash = NULL, minted_at = NULL, minted_block = NULL,
                minted_block_hash = NULL, confirmed_at = NULL
          WHERE id = $1 AND status = 'minted'`,
        [row.id],
      );
      log("ingest: a minted reward batch is no longer on the chain (reorganisation), minting it again", {
        batchId: row.id,
        txHash: row.tx_hash,
        mintedBlock: row.minted_block,
      });
      outcomes.push({ batchId: row.id, status: "reorged" });
      continue;
    }
    const receipt = row.tx_hash === null ? null : await receiptOf(chain.publicClient, row.tx_hash);
    if (receipt !== null && head - receipt.blockNumber < BigInt(confirmations)) {
      // Re-included in a later block: wait for its confirmations.
      await pool.query("UPDATE reward_batch SET minted_block = $2, minted_block_hash = $3 WHERE id = $1", [
        row.id,
        receipt.blockNumber.toString(),
        receipt.blockHash,
      ]);
      continue;
    }
    await pool.query(
      `UPDATE reward_batch SET confirmed_at = $2,
              minted_block = COALESCE($3, minted_block), minted_block_hash = COALESCE($4, minted_block_hash)
        WHERE id = $1 AND status = 'minted'`,
      [
        row.id,
        params.now().toISOString(),
        receipt?.blockNumber.toString() ?? null,
        receipt?.blockHash ?? null,
      ],
    );
    outcomes.push({ batchId: row.id, status: "confirmed" });
  }
  return outcomes;
}

async function receiptOf(publicClient: MintChain["publicClient"], hash: Hex) {
  return await publicClient.getTransactionReceipt({ hash }).catch(() => null);
}

/** The transaction that minted `batchId`, from its RewardBatchMinted event; null if the node cannot say. */
async function findMintTx(chain: MintChain, batchId: `0x${string}`): Promise<Hex | null> {
  try {
    const events = await chain.publicClient.getContractEvents({
      address: chain.rewardMinter,
      abi: rewardMinterAbi,
      eventName: "RewardBatchMinted",
      args: { batchId },
      fromBlock: "earliest",
      toBlock: "latest",
    });
    return events[0]?.transactionHash ?? null;
  } catch {
    return null; // e.g. a provider that limits log ranges: the hash is informational only
  }
}

/** The custom error name of a contract revert, if the error is one. */
function revertName(error: unknown): string | undefined {
  if (!(error instanceof Error) || !("walk" in error) || typeof error.walk !== "function") return undefined;
  const reverted = (error as { walk: (fn: (e: unknown) => boolean) => unknown }).walk(
    (e) => e instanceof ContractFunctionRevertedError,
  );
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined;
}

/** viem's short message, with the node's own words (`details`) when it gave any. */
function shortError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { shortMessage, details } = error as { shortMessage?: string; details?: string };
  const message = shortMessage ?? error.message;
  return details && !message.includes(details) ? `${message} (${details})` : message;
}
