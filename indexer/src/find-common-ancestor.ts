import type { Hex } from "viem";

export type StoredBlock = { number: bigint; hash: Hex };

export type FindCommonAncestorParams = {
  /** Stored blocks at or below the checkpoint, newest first (chain_block of the chain). */
  stored: readonly StoredBlock[];
  /** The chain's head: stored blocks above it are gone. */
  head: bigint;
  /** The chain's current hash per block number (null for a block it does not have). */
  hashesAt: (numbers: readonly bigint[]) => Promise<Map<bigint, Hex | null>>;
  /** Blocks compared per round trip. */
  batchSize?: number;
};

/**
 * Walks the stored blocks from the newest down and returns the first one the chain still has with
 * the same hash: the newest common ancestor of the stored chain and the chain. Null when none of the
 * stored blocks survived (a reorganisation deeper than the stored window).
 */
export async function findCommonAncestor({
  stored,
  head,
  hashesAt,
  batchSize = 32,
}: FindCommonAncestorParams): Promise<StoredBlock | null> {
  for (let i = 0; i < stored.length; i += batchSize) {
    const chunk = stored.slice(i, i + batchSize);
    const onChain = await hashesAt(chunk.filter((b) => b.number <= head).map((b) => b.number));
    for (const block of chunk) {
      if (block.number <= head && onChain.get(block.number) === block.hash) return block;
    }
  }
  return null;
}
