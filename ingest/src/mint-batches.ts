import { rewardMinterAbi } from "@c4e/contracts";
import type pg from "pg";
import {
  type Account,
  type Chain,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
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
   * transaction), only the database was updated; `failed`: left for the next tick.
   */
  status: "minted" | "already_minted" | "failed";
  txHash: Hex | null;
  error?: string;
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
  readings_root: Hex;
  status: "pending" | "submitted";
  tx_hash: Hex | null;
};

/**
 * Mints every `pending` or `submitted` reward batch with its green certificates
 * (`mintBatchWithCertificates`: the allocations' amounts and verified Wh), in period order, exactly once:
 * the chain is asked first (`isBatchMinted`), so a restart between a mined transaction and the database
 * update only marks the batch minted; a `BatchAlreadyMinted` revert does the same. Chain errors are
 * logged and reported as `failed`; the batch stays for the next tick.
 */
export async function mintBatches(params: MintBatchesParams): Promise<MintOutcome[]> {
  const { pool, chain, log } = params;
  const { rows } = await pool.query<BatchRow>(
    `SELECT id, readings_root, status, tx_hash FROM reward_batch
      WHERE status IN ('pending', 'submitted') ORDER BY period_start, id`,
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

async function mintBatch(params: MintBatchesParams, batch: BatchRow): Promise<MintOutcome> {
  const { pool, chain, log } = params;
  const { publicClient, walletClient, rewardMinter } = chain;
  const receiptTimeout = params.receiptTimeoutMs ?? 120_000;

  const markMinted = async (
    status: "minted" | "already_minted",
    txHash: Hex | null,
  ): Promise<MintOutcome> => {
    await pool.query(
      `UPDATE reward_batch SET status = 'minted', minted_at = $2, chain_id = $3, tx_hash = COALESCE($4, tx_hash)
        WHERE id = $1 AND status <> 'minted'`,
      [batch.id, params.now().toISOString(), chain.chainId, txHash],
    );
    return { batchId: batch.id, status, txHash: txHash ?? batch.tx_hash };
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
    const ours =
      batch.tx_hash !== null && (await receiptOf(publicClient, batch.tx_hash))?.status === "success";
    return await markMinted(
      ours ? "minted" : "already_minted",
      ours ? batch.tx_hash : await findMintTx(chain, batch.id),
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
      if (receipt.status === "success") return await markMinted("minted", batch.tx_hash);
    }
  }

  const { rows: allocations } = await pool.query<{
    wallet: `0x${string}`;
    amount: string;
    export_wh: string;
  }>(
    "SELECT wallet, amount::text, export_wh::text FROM reward_allocation WHERE batch_id = $1 ORDER BY wallet",
    [batch.id],
  );
  // Reward and green certificates (one unit per verified Wh) in one transaction.
  const args = [
    batch.id,
    batch.readings_root,
    allocations.map((a) => a.wallet),
    allocations.map((a) => BigInt(a.amount)),
    allocations.map((a) => BigInt(a.export_wh)),
  ] as const;

  let hash: Hex;
  try {
    const { request } = await publicClient.simulateContract({
      account: walletClient.account,
      address: rewardMinter,
      abi: rewardMinterAbi,
      functionName: "mintBatchWithCertificates",
      args,
    });
    hash = await walletClient.writeContract(request);
  } catch (error) {
    if (revertName(error) === "BatchAlreadyMinted") return await markMinted("already_minted", null);
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
  return await markMinted("minted", hash);
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

function shortError(error: unknown): string {
  if (error instanceof Error) return (error as { shortMessage?: string }).shortMessage ?? error.message;
  return String(error);
}
