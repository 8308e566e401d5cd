/** Blocks below the head whose hashes are kept in chain_block (the reorganisation depth handled in place). */
export const DEFAULT_REORG_WINDOW = 256;
/** viem's default cap on one HTTP response body (10 MiB); the indexer's default too. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10_485_760;
/** Smallest accepted response limit: a block header (with its transaction hashes) must still fit. */
export const MIN_MAX_RESPONSE_BYTES = 16_384;
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRIES = 2;
/** Blocks on top of a block before its events count as confirmed (0: final once mirrored). */
export const DEFAULT_CONFIRMATIONS = 0;
/**
 * Blocks of the first range (then adapted to the logs' bytes, growing at most twofold per range):
 * small, so a dense chain is not first read in responses too large to keep.
 */
export const DEFAULT_INITIAL_BLOCK_RANGE = 16;
/** Ranges read ahead of the one being committed (fetch and decode overlap the commit). */
export const DEFAULT_READ_AHEAD = 2;

/** The tunable part of the indexer config (all but maxBlockRange optional). */
export type IndexerSettingsInput = {
  pollIntervalMs: number;
  /** Most blocks per range (one eth_getLogs call and one transaction), e.g. 2000. */
  maxBlockRange: number;
  /** Blocks of the first range (default 16, at most maxBlockRange); later ranges adapt to the logs' bytes. */
  initialBlockRange?: number;
  /** Blocks below the head whose hashes are kept (default 256). */
  reorgWindow?: number;
  /**
   * Largest JSON-RPC response body accepted, in bytes (viem's `maxResponseBodySize`, default 10 MiB).
   * Ranges are sized to fill half of it; a response above it is aborted and the request split.
   */
  maxResponseBytes?: number;
  /** Timeout of one JSON-RPC request in ms (default 15000); an eth_getLogs that times out is split. */
  requestTimeoutMs?: number;
  /** Retries of a failed request (not of one that is too large: that one is split), default 2. */
  retries?: number;
  /**
   * Confirmation depth (default 0): a mirrored block is confirmed once `confirmations` blocks are on
   * top of it (number ≤ head − confirmations); newer rows are marked unconfirmed (chain_finality).
   */
  confirmations?: number;
  /**
   * Ranges read (fetched, decoded, checked) ahead of the one being committed, default 2: bounds the
   * memory of a backfill to about (readAhead + 1) ranges of at most half a response each.
   */
  readAhead?: number;
};

export type IndexerSettings = Required<IndexerSettingsInput>;

/**
 * Validates the settings and fills in the defaults; throws a RangeError naming the first bad one.
 * @example resolveSettings({ pollIntervalMs: 1000, maxBlockRange: 2000 }).maxResponseBytes // 10485760
 */
export function resolveSettings(input: IndexerSettingsInput): IndexerSettings {
  const s: IndexerSettings = {
    pollIntervalMs: input.pollIntervalMs,
    maxBlockRange: input.maxBlockRange,
    initialBlockRange: Math.min(input.initialBlockRange ?? DEFAULT_INITIAL_BLOCK_RANGE, input.maxBlockRange),
    reorgWindow: input.reorgWindow ?? DEFAULT_REORG_WINDOW,
    maxResponseBytes: input.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    requestTimeoutMs: input.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    retries: input.retries ?? DEFAULT_RETRIES,
    confirmations: input.confirmations ?? DEFAULT_CONFIRMATIONS,
    readAhead: input.readAhead ?? DEFAULT_READ_AHEAD,
  };
  const integer = (name: keyof IndexerSettings, min: number) => {
    const v = s[name];
    if (!Number.isSafeInteger(v) || v < min) {
      throw new RangeError(`${name} must be an integer ≥ ${min}, got ${v}`);
    }
  };
  integer("maxBlockRange", 1);
  integer("initialBlockRange", 1);
  if (!Number.isFinite(s.pollIntervalMs) || s.pollIntervalMs < 0) {
    throw new RangeError(`pollIntervalMs must be a non-negative number, got ${s.pollIntervalMs}`);
  }
  integer("reorgWindow", 1);
  integer("maxResponseBytes", MIN_MAX_RESPONSE_BYTES);
  integer("requestTimeoutMs", 100);
  integer("retries", 0);
  integer("confirmations", 0);
  integer("readAhead", 1);
  if (s.confirmations >= s.reorgWindow) {
    throw new RangeError(
      `confirmations must be below reorgWindow (${s.reorgWindow}): a confirmed block must still be rolled back exactly, got ${s.confirmations}`,
    );
  }
  return s;
}
