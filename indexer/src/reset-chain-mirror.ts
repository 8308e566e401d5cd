import type pg from "pg";
import { deleteChainRows, withChainLock } from "./mirror-store.ts";

/**
 * Deletes every mirrored row (transfers, reward batches, block hashes) and the checkpoint of one
 * chain, in one transaction under the chain's writer lock; other chains are untouched. Used when the
 * local dev chain restarts empty: the indexer then starts again from the (new) deployment block.
 */
export async function resetChainMirror(pool: pg.Pool, chainId: number): Promise<void> {
  await withChainLock(pool, chainId, (client) => deleteChainRows(client, chainId));
}
