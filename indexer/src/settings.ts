/** Blocks below the head whose hashes are kept in chain_block (the reorganisation depth handled in place). */
export const DEFAULT_REORG_WINDOW = 256;
/** viem's default cap on one HTTP response body (10 MiB); the indexer's default too. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10_485_760;
/** Smallest accepted response limit: a block header (with its transaction hashes) must still fit. */
export const MIN_MAX_RESPONSE_BYTES = 16_384;
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRIES = 2;

/** The tunable part of the indexer config (all but maxBlockRange optional). */
export type IndexerSettingsInput = {
  pollIntervalMs: number;
  /** Most blocks per range (one eth_getLogs call and one transaction), e.g. 2000. */
  maxBlockRange: number;
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
    reorgWindow: input.reorgWindow ?? DEFAULT_REORG_WINDOW,
    maxResponseBytes: input.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    requestTimeoutMs: input.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    retries: input.retries ?? DEFAULT_RETRIES,
  };
  const integer = (name: keyof IndexerSettings, min: number) => {
    const v = s[name];
    if (!Number.isSafeInteger(v) || v < min) {
      throw new RangeError(`${name} must be an integer ≥ ${min}, got ${v}`);
    }
  };
  integer("maxBlockRange", 1);
  if (!Number.isFinite(s.pollIntervalMs) || s.pollIntervalMs < 0) {
    throw new RangeError(`pollIntervalMs must be a non-negative number, got ${s.pollIntervalMs}`);
  }
  integer("reorgWindow", 1);
  integer("maxResponseBytes", MIN_MAX_RESPONSE_BYTES);
  integer("requestTimeoutMs", 100);
  integer("retries", 0);
  return s;
}
