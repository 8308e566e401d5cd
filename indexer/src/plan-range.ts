import type { Hex } from "viem";
import type { BlockHeader } from "./chain-reader.ts";

export type HeadersToFetchParams = {
  fromBlock: bigint;
  toBlock: bigint;
  head: bigint;
  /** Blocks below the head whose hashes are kept for reorganisation detection. */
  reorgWindow: number;
  /** Blocks that hold mirrored events (their hash and time are stored with the events). */
  logBlocks: Iterable<bigint>;
};

/**
 * The blocks of a range whose headers the indexer fetches, ascending: the first (its parent hash is
 * checked against the checkpoint), the last (the new checkpoint), every block with events, and every
 * block within `reorgWindow` of the head (kept in chain_block to find a common ancestor later).
 * Older blocks without events are final by assumption and never fetched, so catching up costs a few
 * calls per range instead of one per block.
 * @example headersToFetch({ fromBlock: 1n, toBlock: 10n, head: 10n, reorgWindow: 3, logBlocks: [2n] }) // [1n, 2n, 8n, 9n, 10n]
 */
export function headersToFetch({
  fromBlock,
  toBlock,
  head,
  reorgWindow,
  logBlocks,
}: HeadersToFetchParams): bigint[] {
  if (toBlock < fromBlock) return [];
  const wanted = new Set<bigint>([fromBlock, toBlock]);
  for (const n of logBlocks) if (n >= fromBlock && n <= toBlock) wanted.add(n);
  const windowStart = head - BigInt(reorgWindow) + 1n;
  for (let n = windowStart > fromBlock ? windowStart : fromBlock; n <= toBlock; n++) wanted.add(n);
  return [...wanted].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export type CheckRangeParams = {
  /** Hash of the checkpoint block (the range's expected parent); null before the first range. */
  parentHash: Hex | null;
  /** The fetched headers of the range, ascending, the first being the range's first block. */
  headers: readonly BlockHeader[];
  /** Position of every event read for the range. */
  logs: readonly { blockNumber: bigint; blockHash: Hex }[];
  /** Hash of the range's last block, read before the logs. */
  lastHashBeforeLogs: Hex;
};

export type RangeCheck =
  | { kind: "ok" }
  /** The range does not continue the stored chain: roll back to the common ancestor first. */
  | { kind: "reorg" }
  /** The chain changed while the range was read: read it again. */
  | { kind: "inconsistent"; reason: string };

/**
 * Checks that a range read with several calls is one consistent piece of the chain and continues
 * the stored one: first parent = checkpoint, adjacent headers linked, every event's block hash equal
 * to its header's, and the last block unchanged across the log query.
 */
export function checkRange({ parentHash, headers, logs, lastHashBeforeLogs }: CheckRangeParams): RangeCheck {
  const first = headers[0];
  const last = headers[headers.length - 1];
  if (first === undefined || last === undefined) return { kind: "inconsistent", reason: "no headers" };
  if (parentHash !== null && first.parentHash !== parentHash) return { kind: "reorg" };
  for (let i = 1; i < headers.length; i++) {
    const prev = headers[i - 1];
    const cur = headers[i];
    if (prev === undefined || cur === undefined) continue;
    if (cur.number === prev.number + 1n && cur.parentHash !== prev.hash) {
      return { kind: "inconsistent", reason: `block ${cur.number} does not link to block ${prev.number}` };
    }
  }
  if (last.hash !== lastHashBeforeLogs) {
    return { kind: "inconsistent", reason: `block ${last.number} changed while the logs were read` };
  }
  const byNumber = new Map(headers.map((h) => [h.number, h.hash]));
  for (const log of logs) {
    const hash = byNumber.get(log.blockNumber);
    if (hash !== log.blockHash) {
      return { kind: "inconsistent", reason: `an event of block ${log.blockNumber} belongs to another fork` };
    }
  }
  return { kind: "ok" };
}

export type NextRangeParams = {
  /** Blocks the last read covered. */
  blocks: bigint;
  /** Blocks it asked for (more than `blocks` when the range was shortened, or capped by the head). */
  requested: bigint;
  /** JSON bytes of the logs it read. */
  bytes: number;
  /** Requests refused as too large during the read. */
  refused: number;
  /** The range in force for that read. */
  current: bigint;
  max: bigint;
  /** Bytes a range should bring back (half the response limit: room for denser blocks). */
  targetBytes: number;
};

/**
 * Blocks of the next range, from what the last one brought back: after a refusal the shortened range
 * that fit; else the blocks scaled to `targetBytes` by the observed bytes per block, growing at most
 * twofold per step (a range capped by the head says little) and within 1..max.
 * @example nextRange({ blocks: 100n, requested: 100n, bytes: 8e6, refused: 0, current: 100n, max: 2000n, targetBytes: 4e6 }) // 50n
 */
export function nextRange({
  blocks,
  requested,
  bytes,
  refused,
  current,
  max,
  targetBytes,
}: NextRangeParams): bigint {
  const clamp = (n: bigint) => (n < 1n ? 1n : n > max ? max : n);
  if (refused > 0) return clamp(blocks);
  const grown = current * 2n;
  if (bytes <= 0) return clamp(grown);
  const scaled = (blocks * BigInt(Math.max(1, Math.floor(targetBytes)))) / BigInt(Math.ceil(bytes));
  // a read capped by the head (fewer blocks than the range) only lowers the range when it was dense
  const fitted = blocks < requested || blocks < current ? (scaled < current ? scaled : current) : scaled;
  return clamp(fitted < grown ? fitted : grown);
}
