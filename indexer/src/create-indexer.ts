import { createPool } from "@c4e/prisma";
import {
  type BlockHeader,
  createChainReader,
  type MirroredLog,
  type PerkOrCertificateLog,
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

type StepResult =
  | { kind: "indexed"; fromBlock: bigint; toBlock: bigint; head: bigint }
  | { kind: "rolledBack"; depth: number; indexed: bigint; head: bigint }
  | { kind: "idle"; indexed: bigint; head: bigint };

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
  let range = maxRange;

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

  async function rollBack(checkpoint: StoredBlock, head: bigint, reason: string): Promise<StepResult> {
    const stored = await store.recentBlocks(checkpoint.number);
    const ancestor = await findCommonAncestor({
      stored,
      head,
      hashesAt: async (numbers) => {
        const headers = await reader.headers(numbers);
        return new Map([...headers].map(([n, h]) => [n, h?.hash ?? null]));
      },
    });
    await store.rollback({ expected: checkpoint, ancestor, head });
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
    return { kind: "rolledBack", depth, indexed, head };
  }

  /** One step: detect a reorganisation (and roll back), or index the next range. */
  async function step(): Promise<StepResult> {
    const checkpoint = await store.checkpoint();
    const head = await reader.head();
    const indexed = checkpoint?.number ?? beforeDeployment;

    if (checkpoint !== null) {
      if (head < checkpoint.number) return await rollBack(checkpoint, head, "head below checkpoint");
      if (head === checkpoint.number) {
        const current = (await reader.headers([head])).get(head);
        if (current?.hash !== checkpoint.hash) {
          return await rollBack(checkpoint, head, "checkpoint block replaced");
        }
        return { kind: "idle", indexed, head };
      }
    } else if (head <= beforeDeployment) {
      return { kind: "idle", indexed, head };
    }

    const fromBlock = indexed + 1n;
    const requestedTo = head < indexed + range ? head : indexed + range;
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
      parentHash: checkpoint?.hash ?? null,
      headers: toBlock < requestedTo ? [...headers, requestedLast] : headers,
      logs,
      lastHashBeforeLogs: lastBefore.hash,
    });
    if (check.kind === "reorg" && checkpoint !== null) {
      return await rollBack(checkpoint, head, `block ${fromBlock} does not continue the checkpoint`);
    }
    if (check.kind !== "ok") {
      throw new InconsistentChainReadError(check.kind === "inconsistent" ? check.reason : "unexpected reorg");
    }

    const last = headers[headers.length - 1] as BlockHeader;
    const pruneBelow = toBlock - BigInt(reorgWindow);
    await store.commitRange({
      expected: checkpoint,
      blocks: headers.filter((h) => h.number >= pruneBelow),
      blockTimes: new Map(headers.map((h) => [h.number, h.timestamp])),
      transfers: logs.filter((l) => l.kind === "transfer"),
      batches: logs.filter((l) => l.kind === "rewardBatchMinted"),
      perkLogs: logs.filter(
        (l): l is PerkOrCertificateLog => l.kind !== "transfer" && l.kind !== "rewardBatchMinted",
      ),
      checkpoint: { number: last.number, hash: last.hash },
      head,
      pruneBelow,
    });
    if (logs.length > 0 || toBlock < head) {
      log("indexer: range indexed", {
        chainId,
        fromBlock: fromBlock.toString(),
        toBlock: toBlock.toString(),
        head: head.toString(),
        ...countByKind(logs),
        bytes: read.bytes,
        ...(read.refused > 0 ? { refused: read.refused } : {}),
        ...(read.parts ? { blockReadInParts: read.parts } : {}),
        nextRange: Number(range),
      });
    }
    return { kind: "indexed", fromBlock, toBlock, head };
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
    let last: StepResult;
    for (;;) {
      last = await step();
      if (last.kind === "rolledBack") {
        reorgDepth += last.depth;
        if (++rollbacks > MAX_ROLLBACKS_PER_SYNC) {
          throw new InconsistentChainReadError("the chain keeps reorganising");
        }
        continue;
      }
      target ??= last.head;
      if (last.kind === "idle" || stopping) break;
      fromBlock ??= last.fromBlock;
      if (last.toBlock >= target) break;
    }
    const indexed = last.kind === "indexed" ? last.toBlock : last.indexed;
    progress = { head: last.head.toString(), indexed: indexed.toString() };
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

function countByKind(logs: readonly MirroredLog[]): {
  transfers: number;
  rewardBatches: number;
  perkAndCertificateEvents: number;
} {
  let transfers = 0;
  let rewardBatches = 0;
  for (const l of logs) {
    if (l.kind === "transfer") transfers++;
    else if (l.kind === "rewardBatchMinted") rewardBatches++;
  }
  return { transfers, rewardBatches, perkAndCertificateEvents: logs.length - transfers - rewardBatches };
}
