import type { Queryable } from "@c4e/prisma";

/**
 * Puts every reward batch of `chainId` (and those not yet bound to a chain) back to `pending`, so the
 * minter mints them again. Used when the contracts are redeployed on a new local chain: the old
 * mints are gone with it, and the batch ids are unused on the new contracts.
 */
export async function requeueRewardBatches(db: Queryable, chainId: number): Promise<void> {
  await db.query(
    "UPDATE reward_batch SET status = 'pending', tx_hash = NULL, minted_at = NULL WHERE chain_id = $1 OR chain_id IS NULL",
    [chainId],
  );
}
