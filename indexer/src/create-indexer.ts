import { createPool } from "@c4e/prisma";
import type { Hex } from "viem";
import {
  type BlockHeader,
  createChainReader,
  type LogsResult,
  type MirroredLog,
  type PerkOrCertificateLog,
  type RewardBatchMintedLog,
  type TransferLog,
} from "./chain-reader.ts";
import { InconsistentChainReadError } from "./errors.ts";
import { findCommonAncestor, type StoredBlock } from "./find-common-ancestor.ts";
import { createMirrorStore } from "./mirror-store.ts";
import { checkRange, headersToFetch, nextRange } from "./plan-range.ts";
import { type IndexerSettingsInput, resolveSettings } from "./settings.ts";

export { DEFAULT_REORG_WINDOW } from "./settings.ts";

/**
 * Settings (IndexerSettingsInput, validated by resolveSettings): pollIntervalMs, maxBlockRange,
 * reorgWindow, maxResponseBytes, requestTimeoutMs, retries (docs/indexer.md, "Settings").
 */
export type IndexerConfig = IndexerSettingsInput & {
  databaseUrl: string;
  rpcUrl: string;
  chainId: number;
  /**
   * The contracts to mirror (from deployC4E / chain_deployment). `perks` and `greenCertificates` are
   * optional: without them their events are not mirrored.
   */
  deployment: {
    token: `0x${string}`;
    rewardMinter: `0x${string}`;
    perks?: `0x${string}` | null;
    greenCertificates?: `0x${string}` | null;
    blockNumber: bigint;
  };
  log: (msg: string, fields?: object) => void;
};

export type SyncResult = {
  /** First block indexed by this call (toBlock + 1 when there was nothing new). */
  fromBlock: bigint;
  /** The checkpoint after the call: every block up to it is mirrored. */
  toBlock: bigint;
  /** Blocks rolled back because of reorganisations during this call. */
  reorgDepth: number;
};

export type Indexer = {
  /** Runs a first sync (errors logged, not thrown), then keeps polling until stop(). */
  start(): Promise<void>;
  /** Stops polling, waits for an in-flight step, closes the database pool. The indexer is single use. */
  stop(): Promise<void>;
  /** Indexes up to the head seen at the call (range by range), handling reorganisations. Throws on errors. */
  syncOnce(): Promise<SyncResult>;
};

/** Rollbacks tolerated within one syncOnce before it gives up until the next poll. */
const MAX_ROLLBACKS_PER_SYNC = 8;

/** A range read and checked, ready to commit. */
type ReadRange = {
  fromBlock: bigint;
  toBlock: bigint;
  /** Headers to store and to time the events by, ascending; the last is the range's last block. */
  headers: BlockHeader[];
  logs: MirroredLog[];
  read: LogsResult;
  /** The range planned after this one (for the log line). */
  nextRange: bigint;
  /** Time the read took (logs, headers, decoding, checks). */
  readMs: number;
};

type BackfillResult = {
  /** First block committed (undefined: nothing was). */
  fromBlock: bigint | undefined;
  /** The checkpoint afterwards. */
  indexed: bigint;
  /** A range did not continue the one before: at the checkpoint ("start") or between two read ranges. */
  reorg: "start" | "midway" | undefined;
};

/**
 * The chain → Postgres mirror of the C4E token (Transfer), reward minter (RewardBatchMinted), perks
 * (perks, redemptions, coupons) and green certificates (issues, claims, transfers).
 * Each range is stored with its block hashes and the checkpoint in one transaction; a range that does
 * not continue the stored chain first rolls the mirror back to the common ancestor (docs/indexer.md).
 * @example const indexer = createIndexer(config); await indexer.start(); … await indexer.stop();
 */
export function createIndexer(config: IndexerConfig): Indexer {
  const { chainId, deployment, log } = config;
  const settings = resolveSettings(config);
  const { reorgWindow } = settings;
  const pool = createPool({
    url: config.databaseUrl,
    max: 3,
    applicationName: "c4e-indexer",
    onIdleError: (err) => config.log("indexer: idle database connection failed", { error: err.message }),
  });
  const store = createMirrorStore({ pool, chainId });
  const reader = createChainReader({
    rpcUrl: config.rpcUrl,
    token: deployment.token,
    rewardMinter: deployment.rewardMinter,
    perks: deployment.perks ?? undefined,
    greenCertificates: deployment.greenCertificates ?? undefined,
    maxResponseBytes: settings.maxResponseBytes,
    requestTimeoutMs: settings.requestTimeoutMs,
    retries: settings.retries,
  });
  const beforeDeployment = deployment.blockNumber - 1n;
  const maxRange = BigInt(settings.maxBlockRange);
  /** Blocks of the next range: adapted to the bytes of the ranges read (nextRange), ≤ maxRange. */
  let range = BigInt(settings.initialBlockRange);

  let chainIdChecked = false;
  /** Last observed head and checkpoint, for the heartbeat of a failed poll. */
  let progress: { head: string; indexed: string } | undefined;
  let started = false;
  let stopping = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  /** Tail of the queue that runs syncs one after the other (the loop and direct callers). */
  let queue: Promise<unknown> = Promise.resolve();

  /** Rolls the mirror back to the common ancestor of the stored and the current chain; the depth. */
  async function rollBack(checkpoint: StoredBlock, head: bigint, reason: string): Promise<number> {
    const stored = await store.recentBlocks(checkpoint.number);
    const ancestor = await findCommonAncestor({
      stored,
      head,
      hashesAt: async (numbers) => {
        const headers = await reader.headers(numbers);
        return new Map([...headers].map(([n, h]) => [n, h?.hash ?? null]));
      },
    });
    const { confirmedBefore } = await store.rollback({
      expected: checkpoint,
      ancestor,
      head,
      confirmations: settings.confirmations,
    });
    const indexed = ancestor?.number ?? beforeDeployment;
    const depth = Number(checkpoint.number - indexed);
    log("indexer: reorganisation, mirror rolled back", {
      chainId,
      reason,
      from: checkpoint.number.toString(),
      to: indexed.toString(),
      depth,
      ...(ancestor === null
        ? { note: "no common ancestor in the stored window: re-indexing from the deployment" }
        : {}),
    });
    if (confirmedBefore !== null && confirmedBefore > indexed) {
      log("indexer: a reorganisation replaced confirmed blocks (raise confirmations)", {
        chainId,
        confirmedBefore: confirmedBefore.toString(),
        ancestor: indexed.toString(),
        confirmations: settings.confirmations,
      });
    }
    return depth;
  }

  /**
   * Reads the range starting at `fromBlock` (at most `range` blocks, up to `head`) and checks it
   * continues `parentHash`: "reorg" when its first block does not.
   */
  async function readRange(
    fromBlock: bigint,
    parentHash: Hex | null,
    head: bigint,
  ): Promise<ReadRange | "reorg"> {
    const started = performance.now();
    const requestedTo = head < fromBlock - 1n + range ? head : fromBlock - 1n + range;
    const lastBefore = (await reader.headers([requestedTo])).get(requestedTo);
    if (!lastBefore) {
      throw new InconsistentChainReadError(`block ${requestedTo} vanished while the range was read`);
    }
    // may cover less than asked: a range too large for one response is shortened
    const read = await reader.logs(fromBlock, requestedTo);
    const { logs, toBlock } = read;
    range = nextRange({
      blocks: toBlock - fromBlock + 1n,
      requested: requestedTo - fromBlock + 1n,
      bytes: read.bytes,
      refused: read.refused,
      current: range,
      max: maxRange,
      targetBytes: Math.floor(settings.maxResponseBytes / 2),
    });
    const numbers = headersToFetch({
      fromBlock,
      toBlock,
      head,
      reorgWindow,
      logBlocks: logs.map((l) => l.blockNumber),
    });
    // the requested last block too: its hash unchanged across the log query vouches for the blocks below
    const fetched = await reader.headers(toBlock < requestedTo ? [...numbers, requestedTo] : numbers);
    const headers: BlockHeader[] = [];
    for (const n of numbers) {
      const header = fetched.get(n);
      if (!header) throw new InconsistentChainReadError(`block ${n} vanished while the range was read`);
      headers.push(header);
    }
    const requestedLast = fetched.get(requestedTo);
    if (!requestedLast) {
      throw new InconsistentChainReadError(`block ${requestedTo} vanished while the range was read`);
    }
    const check = checkRange({
      parentHash,
      headers: toBlock < requestedTo ? [...headers, requestedLast] : headers,
      logs,
      lastHashBeforeLogs: lastBefore.hash,
    });
    if (check.kind === "reorg") return "reorg";
    if (check.kind !== "ok") throw new InconsistentChainReadError(check.reason);
    return { fromBlock, toBlock, headers, logs, read, nextRange: range, readMs: performance.now() - started };
  }

  /** Stores one range read against `expected` (one transaction) and logs it. */
  async function commit(expected: StoredBlock | null, r: ReadRange, head: bigint): Promise<StoredBlock> {
    const last = r.headers[r.headers.length - 1] as BlockHeader;
    const pruneBelow = r.toBlock - BigInt(reorgWindow);
    const transfers: TransferLog[] = [];
    const batches: RewardBatchMintedLog[] = [];
    const perkLogs: PerkOrCertificateLog[] = [];
    for (const l of r.logs) {
      if (l.kind === "transfer") transfers.push(l);
      else if (l.kind === "rewardBatchMinted") batches.push(l);
      else perkLogs.push(l);
    }
    const confirmedUpTo = head - BigInt(settings.confirmations);
    const started = performance.now();
    await store.commitRange({
      expected,
      blocks: r.headers.filter((h) => h.number >= pruneBelow),
      blockTimes: new Map(r.headers.map((h) => [h.number, h.timestamp])),
      transfers,
      batches,
      perkLogs,
      checkpoint: { number: last.number, hash: last.hash },
      head,
      pruneBelow,
      confirmed: confirmedUpTo < last.number ? confirmedUpTo : last.number,
      confirmations: settings.confirmations,
    });
    if (r.logs.length > 0 || r.toBlock < head) {
      log("indexer: range indexed", {
        chainId,
        fromBlock: r.fromBlock.toString(),
        toBlock: r.toBlock.toString(),
        head: head.toString(),
        transfers: transfers.length,
        rewardBatches: batches.length,
        perkAndCertificateEvents: perkLogs.length,
        bytes: r.read.bytes,
        ...(r.read.refused > 0 ? { refused: r.read.refused } : {}),
        ...(r.read.parts ? { blockReadInParts: r.read.parts } : {}),
        nextRange: Number(r.nextRange),
        readMs: Math.round(r.readMs),
        commitMs: Math.round(performance.now() - started),
      });
    }
    return { number: last.number, hash: last.hash };
  }

  /**
   * Indexes from the checkpoint up to `head`, range by range, each range committed in its own
   * transaction. Reading runs ahead of committing by at most `readAhead` ranges (fetch and decode of
   * the next ranges overlap the commit of this one); commits stay in chain order, each against the
   * checkpoint the previous one wrote. A range read that fails or finds the chain reorganised stops
   * the reading; the ranges read before it are still committed, then the error (if any) is thrown.
   */
  async function backfill(checkpoint: StoredBlock | null, head: bigint): Promise<BackfillResult> {
    const indexed = checkpoint?.number ?? beforeDeployment;
    const ready: ReadRange[] = [];
    let readingDone = false;
    let readError: { err: unknown } | undefined;
    let reorg: "start" | "midway" | undefined;
    let committing = true;
    let wakeCommitter: () => void = () => {};
    let wakeReader: () => void = () => {};
    const reading = (async () => {
      let from = indexed + 1n;
      let parent = checkpoint?.hash ?? null;
      try {
        while (from <= head && !stopping && committing) {
          if (ready.length >= settings.readAhead) {
            await new Promise<void>((resolve) => {
              wakeReader = resolve;
            });
            continue;
          }
          const r = await readRange(from, parent, head);
          if (r === "reorg") {
            reorg = from === indexed + 1n ? "start" : "midway";
            break;
          }
          ready.push(r);
          wakeCommitter();
          from = r.toBlock + 1n;
          parent = (r.headers[r.headers.length - 1] as BlockHeader).hash;
        }
      } catch (err) {
        readError = { err };
      } finally {
        readingDone = true;
        wakeCommitter();
      }
    })();
    let expected = checkpoint;
    let fromBlock: bigint | undefined;
    try {
      for (;;) {
        const next = ready.shift();
        if (next === undefined) {
          if (readingDone) break;
          await new Promise<void>((resolve) => {
            wakeCommitter = resolve;
          });
          continue;
        }
        wakeReader();
        expected = await commit(expected, next, head);
        fromBlock ??= next.fromBlock;
      }
    } finally {
      committing = false;
      wakeReader();
      await reading;
    }
    if (readError !== undefined) throw readError.err;
    return { fromBlock, indexed: expected?.number ?? indexed, reorg };
  }

  async function sync(): Promise<SyncResult> {
    if (!chainIdChecked) {
      const actual = await reader.chainId();
      if (actual !== chainId) {
        throw new Error(`RPC ${config.rpcUrl} serves chain ${actual}, expected ${chainId}`);
      }
      chainIdChecked = true;
    }
    let reorgDepth = 0;
    let rollbacks = 0;
    let fromBlock: bigint | undefined;
    let target: bigint | undefined;
    let indexed: bigint;
    let head: bigint;
    for (;;) {
      const checkpoint = await store.checkpoint();
      head = await reader.head();
      indexed = checkpoint?.number ?? beforeDeployment;
      let rolledBack: number | undefined;
      if (checkpoint !== null && head < checkpoint.number) {
        rolledBack = await rollBack(checkpoint, head, "head below checkpoint");
      } else if (checkpoint !== null && head === checkpoint.number) {
        const current = (await reader.headers([head])).get(head);
        if (current?.hash !== checkpoint.hash) {
          rolledBack = await rollBack(checkpoint, head, "checkpoint block replaced");
        }
      }
      if (rolledBack === undefined) {
        target ??= head;
        if (head <= indexed) break; // nothing new
        const done = await backfill(checkpoint, head);
        fromBlock ??= done.fromBlock;
        indexed = done.indexed;
        if (done.reorg === "start" && checkpoint !== null) {
          rolledBack = await rollBack(
            checkpoint,
            head,
            `block ${indexed + 1n} does not continue the checkpoint`,
          );
        } else if (done.reorg === undefined && (stopping || indexed >= target)) {
          break;
        } else if (done.reorg === "start") {
          throw new InconsistentChainReadError("unexpected reorg");
        }
        // a reorganisation midway (the next step rolls back) or a head that moved on: another step
      }
      if (rolledBack !== undefined) {
        reorgDepth += rolledBack;
        if (++rollbacks > MAX_ROLLBACKS_PER_SYNC) {
          throw new InconsistentChainReadError("the chain keeps reorganising");
        }
      }
    }
    progress = { head: head.toString(), indexed: indexed.toString() };
    await store.heartbeat({ chainId, ...progress });
    return { fromBlock: fromBlock ?? indexed + 1n, toBlock: indexed, reorgDepth };
  }

  function syncOnce(): Promise<SyncResult> {
    if (closed) return Promise.reject(new Error("indexer stopped"));
    const run = queue.then(sync, sync);
    queue = run.catch(() => {});
    return run;
  }

  async function poll(): Promise<void> {
    try {
      await syncOnce();
    } catch (err) {
      const error = describeError(err);
      log("indexer: sync failed, retrying at the next poll", { chainId, error });
      await store.heartbeat({ chainId, ...progress, error }).catch((heartbeatErr: unknown) => {
        log("indexer: heartbeat failed", { chainId, error: String(heartbeatErr) });
      });
    }
  }

  function schedule(): void {
    if (stopping) return;
    timer = setTimeout(() => {
      polling = poll().finally(schedule);
    }, config.pollIntervalMs);
  }

  return {
    async start() {
      if (started || closed) throw new Error(started ? "indexer already started" : "indexer stopped");
      started = true;
      log("indexer: starting", { chainId, fromBlock: deployment.blockNumber.toString(), reorgWindow });
      polling = poll();
      await polling;
      schedule();
    },

    async stop() {
      if (closed) return;
      stopping = true;
      clearTimeout(timer);
      await polling;
      await queue;
      closed = true;
      await pool.end();
    },

    syncOnce,
  };
}

/** One line for the log: viem errors carry a short message besides their multi-line details. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { shortMessage, details } = err as { shortMessage?: unknown; details?: unknown };
  if (typeof shortMessage !== "string") return `${err.name}: ${err.message}`;
  return `${err.name}: ${shortMessage}${typeof details === "string" && details !== "" ? ` (${details})` : ""}`;
}
