import type { RejectReason } from "@c4e/domain";
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { type Consumer, createConsumer } from "./consumer.ts";
import { writeHeartbeat } from "@c4e/prisma/heartbeat";
import { DEFAULT_REWARD_MAX_GAP_MINUTES, maxRecipientsForGas } from "@c4e/domain";
import {
  createMintChain,
  type MintChain,
  type MintOutcome,
  mintBatches,
  type ReconcileOutcome,
  reconcileMintedBatches,
} from "./mint-batches.ts";
import {
  type BatchResult,
  emptyPhases,
  type IngestPhases,
  prepareMessages,
  processBatch,
} from "./process-batch.ts";
import { isDatabaseUnavailable, PartiallyStoredError } from "./sql.ts";
import { type CreatedBatch, settlePeriods } from "./settle-periods.ts";
import { ensureMonthPartitions } from "./partitions.ts";
import { purgeRejectedInputs } from "./store-readings.ts";
import { createGatewayKeyCache } from "./verify-signature.ts";
import { createLatestReadingCache, createMeterCache } from "./latest-readings.ts";

export type { Consumer, ConsumerConfig } from "./consumer.ts";
export { createConsumer, subscriptionFilter } from "./consumer.ts";
export type { DeferredAck, HeldMessage } from "./deferred-ack.ts";
export { installDeferredAck } from "./deferred-ack.ts";
export type { MintChain, MintOutcome, ReconcileOutcome } from "./mint-batches.ts";
export { createMintChain, mintBatches, reconcileMintedBatches } from "./mint-batches.ts";
export type { BatchResult, IngestPhases, ProcessBatchDeps, ReceivedMessage } from "./process-batch.ts";
export { emptyPhases, processBatch, REJECTED_PAYLOAD_KEPT_BYTES } from "./process-batch.ts";
export { isDatabaseUnavailable, PartiallyStoredError, storageErrorKind } from "./sql.ts";
export { LOCK_BUCKETS, purgeRejectedInputs } from "./store-readings.ts";
export type { PartitionInfo, PartitionedTable } from "./partitions.ts";
export { detachMonth, ensureMonthPartitions, listPartitions, monthOf, partitionName } from "./partitions.ts";
export type { CreatedBatch, SettlePeriodsResult } from "./settle-periods.ts";
export { settlePeriods } from "./settle-periods.ts";
export { createGatewayKeyCache, ed25519PublicKey, verifySignature } from "./verify-signature.ts";

/** Everything ingest needs; built and validated by the composition root (ingest reads no env). */
export type IngestConfig = {
  databaseUrl: string;
  mqttUrl: string;
  /** e.g. "c4e/v1"; gateways publish to `${topicRoot}/gateways/{gatewayId}/readings`. */
  topicRoot: string;
  /** Stable across restarts: the broker keeps the session, so unacknowledged messages are redelivered. */
  clientId: string;
  /** Shared subscription group of several ingest processes (consumer.ts `sharedGroup`); unset: one process. */
  sharedGroup?: string;
  /** null: store and settle only, no minting (pending batches are minted once a chain is configured). */
  chain: {
    rpcUrl: string;
    chainId: number;
    rewardMinter: `0x${string}`;
    minterPrivateKey: `0x${string}`;
  } | null;
  /** Settlement period length; periods are UTC-aligned multiples (1440 = UTC days). */
  settlementPeriodMinutes: number;
  /** A period closes at the latest this long after its end, even if a meter is silent. */
  settlementMaxWaitSeconds: number;
  /** How far a reading may lie after its message's arrival (gateway clock drift). */
  clockSkewSeconds: number;
  /**
   * Longest span between two readings whose export delta may be rewarded; the first reading after a
   * longer silence only re-sets the reference (default DEFAULT_REWARD_MAX_GAP_MINUTES).
   */
  rewardMaxGapMinutes?: number;
  /** Gas budget of one mint transaction; a period is cut into batches that fit it (default 8,000,000). */
  rewardBatchGasBudget?: bigint;
  /** Blocks on top of a mint before it is reconciled as final (default 12; 0 on a local chain). */
  rewardConfirmations?: number;
  /** Rejected input is kept this many days, then purged (default 30). */
  rejectedRetentionDays?: number;
  /**
   * Keep each meter's latest reading in memory so appended readings skip the reference lookups
   * (latest-readings.ts; verified in every batch, safe with other processes), and the registered
   * meters for 60 s like the gateway keys. Default true; false only to measure without them
   * (bench/ingest-throughput.ts `--no-latest-cache`).
   */
  cacheLatestReadings?: boolean;
  /**
   * Verify the next batch's messages (signature, envelope, body) while the current batch is being
   * stored (process-batch.ts `prepareMessages`). Default true; false only to measure without it.
   */
  verifyAhead?: boolean;
  /** A batch is stored when `maxMessages` are queued or `maxWaitMs` after its first message. */
  batch: { maxMessages: number; maxWaitMs: number };
  /** How often settlement and minting run. */
  settleIntervalMs: number;
  log: (msg: string, fields?: object) => void;
  /** Clock (tests); defaults to the system clock. */
  now?: () => Date;
};

export type SettleResult = {
  watermark: Date | null;
  created: CreatedBatch[];
  /** Empty when no chain is configured. */
  minted: MintOutcome[];
  /** Minted batches confirmed or found reorganised away in this run. */
  reconciled: ReconcileOutcome[];
  /** Export that arrived after its period was settled; stays unrewarded. */
  lateExport: { readings: number; exportWh: bigint };
};

export type IngestStats = {
  connected: boolean;
  queued: number;
  /** Arrival of the oldest unacknowledged message (null: nothing waits). */
  oldestQueuedAt: Date | null;
  /** Storage is failing and the queue waits for a retry; `lastError` says why. */
  retrying: boolean;
  lastError: string | null;
  /** Messages received since start. */
  received: number;
  /** Batches committed. */
  batches: number;
  /** Messages stored in ingest_message. */
  storedMessages: number;
  /** Redelivered copies of stored messages: counted (ingest_message.redeliveries), not stored again. */
  duplicateMessages: number;
  acceptedReadings: number;
  duplicateReadings: number;
  /** rejected_input rows written (messages and readings). */
  rejected: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  lastMessageAt: Date | null;
  lastFlushAt: Date | null;
  rewardBatchesCreated: number;
  rewardBatchesMinted: number;
  mintFailures: number;
  /** From the latest settlement run. */
  lateExportReadings: number;
  lateExportWh: bigint;
  /** Milliseconds per phase of storing batches since start (docs/ingest.md, "Phase timings"). */
  phases: IngestPhases;
};

export type Ingest = {
  /**
   * Connects to the database and the broker, subscribes, and starts the settlement timer. While the
   * database cannot be reached (down, restarting) it waits and retries with backoff (at most
   * `START_RETRY_MAX_MS` apart) instead of failing; `stop()` ends the wait.
   */
  start(): Promise<void>;
  /** Stores what is queued, acknowledges it, disconnects, and waits for a running settlement. */
  stop(): Promise<void>;
  /** Stores everything queued now. */
  flush(): Promise<void>;
  /** One settlement and minting run (the timer runs the same); runs never overlap. */
  settleAndMint(): Promise<SettleResult>;
  stats(): IngestStats;
};

const GATEWAY_KEY_TTL_MS = 60_000;
const PURGE_INTERVAL_MS = 3_600_000;
const START_RETRY_MAX_MS = 5_000;

/**
 * The ingest service: MQTT → verified, plausible readings in Postgres → reward batches → mints.
 * @example
 * const ingest = createIngest(config); await ingest.start(); … await ingest.stop();
 */
export function createIngest(config: IngestConfig): Ingest {
  const now = config.now ?? (() => new Date());
  const { log } = config;
  let pool: pg.Pool | null = null;
  let consumer: Consumer | null = null;
  let chain: MintChain | null = null;
  let settleTimer: NodeJS.Timeout | null = null;
  let settleTail: Promise<unknown> = Promise.resolve();
  let lastPurgeAt = Number.NEGATIVE_INFINITY;
  /** Bumped by stop(): a start() waiting for the database gives up. */
  let stops = 0;
  const rewardMaxGapMinutes = config.rewardMaxGapMinutes ?? DEFAULT_REWARD_MAX_GAP_MINUTES;
  const maxRecipientsPerBatch = maxRecipientsForGas({ gasBudget: config.rewardBatchGasBudget ?? 8_000_000n });
  const stats = {
    batches: 0,
    storedMessages: 0,
    duplicateMessages: 0,
    acceptedReadings: 0,
    duplicateReadings: 0,
    rejected: 0,
    rejectedByReason: {} as Partial<Record<RejectReason, number>>,
    lastFlushAt: null as Date | null,
    rewardBatchesCreated: 0,
    rewardBatchesMinted: 0,
    mintFailures: 0,
    lateExportReadings: 0,
    lateExportWh: 0n,
    phases: emptyPhases(),
  };

  const getPool = (): pg.Pool => {
    if (pool === null) {
      pool = createPool({
        url: config.databaseUrl,
        applicationName: "c4e-ingest",
        onIdleError: (error) => log("ingest: idle database connection failed", { error: error.message }),
      });
    }
    return pool;
  };

  const record = (result: BatchResult) => {
    stats.batches++;
    stats.storedMessages += result.storedMessages;
    stats.duplicateMessages += result.duplicateMessages;
    stats.acceptedReadings += result.acceptedReadings;
    stats.duplicateReadings += result.duplicateReadings;
    stats.rejected += result.rejected;
    for (const [reason, count] of Object.entries(result.rejectedByReason) as [RejectReason, number][]) {
      stats.rejectedByReason[reason] = (stats.rejectedByReason[reason] ?? 0) + count;
    }
    stats.lastFlushAt = now();
  };

  const heartbeat = async () => {
    const status = consumer?.status();
    try {
      await writeHeartbeat(getPool(), {
        service: "ingest",
        at: now(),
        lastMessageAt: status?.lastMessageAt ?? null,
        detail: {
          connected: status?.connected ?? false,
          queued: status?.queued ?? 0,
          // the health check and the admin's gateways page call ingest stalled when this grows old
          oldestQueuedAt: status?.oldestQueuedAt?.toISOString() ?? null,
          retrying: status?.retrying ?? false,
          lastError: status?.lastError ?? null,
          heldAcks: status?.heldAcks ?? 0,
          accepted: stats.acceptedReadings,
          rejected: stats.rejected,
          duplicateMessages: stats.duplicateMessages,
        },
      });
    } catch (error) {
      log("ingest: heartbeat failed", { error: (error as Error).message });
    }
  };

  const settleOnce = async (): Promise<SettleResult> => {
    const db = getPool();
    const settled = await settlePeriods({
      pool: db,
      periodMinutes: config.settlementPeriodMinutes,
      maxWaitSeconds: config.settlementMaxWaitSeconds,
      now: now(),
      maxRecipientsPerBatch,
      log,
    });
    stats.rewardBatchesCreated += settled.created.length;
    stats.lateExportReadings = settled.lateExport.readings;
    stats.lateExportWh = settled.lateExport.exportWh;
    let minted: MintOutcome[] = [];
    let reconciled: ReconcileOutcome[] = [];
    if (config.chain !== null) {
      chain ??= createMintChain({
        ...config.chain,
        pollingIntervalMs: config.chain.chainId === 31337 ? 200 : 2_000,
      });
      minted = await mintBatches({ pool: db, chain, now, log });
      stats.rewardBatchesMinted += minted.filter(
        (m) => m.status === "minted" || m.status === "already_minted",
      ).length;
      stats.mintFailures += minted.filter((m) => m.status === "failed" || m.status === "held").length;
      reconciled = await reconcileMintedBatches({
        pool: db,
        chain,
        now,
        log,
        confirmations: config.rewardConfirmations ?? (config.chain.chainId === 31337 ? 0 : 12),
      });
    }
    if (now().getTime() - lastPurgeAt >= PURGE_INTERVAL_MS) {
      lastPurgeAt = now().getTime();
      await preparePartitions(db);
      const retentionDays = config.rejectedRetentionDays ?? 30;
      const purged = await purgeRejectedInputs(db, {
        before: new Date(now().getTime() - retentionDays * 86_400_000),
      });
      if (purged > 0)
        log("ingest: rejected input past its retention purged", { rows: purged, retentionDays });
    }
    await heartbeat();
    return { ...settled, minted, reconciled };
  };

  /** The month partitions of readings and intervals, this month and the next two (hourly and at start). */
  const preparePartitions = async (db: pg.Pool) => {
    const created = await ensureMonthPartitions(db, now());
    if (created.length > 0) log("ingest: month partitions created", { partitions: created });
  };

  /**
   * The first database work of start(), retried while the database is unavailable (a service manager
   * may start ingest before Postgres, or Postgres restarts meanwhile): exponential backoff from 250 ms
   * to START_RETRY_MAX_MS, logged. Other errors (wrong database, missing migration) fail at once.
   */
  const waitForDatabase = async (db: pg.Pool) => {
    const stopsAtStart = stops;
    let delayMs = 250;
    for (let attempt = 1; ; attempt++) {
      try {
        await preparePartitions(db);
        if (attempt > 1) log("ingest: database reachable", { attempts: attempt });
        return;
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        if (stops !== stopsAtStart) throw new Error("ingest: stopped while waiting for the database");
        log("ingest: database unavailable, waiting", { error: (error as Error).message, retryInMs: delayMs });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (stops !== stopsAtStart) throw new Error("ingest: stopped while waiting for the database");
        delayMs = Math.min(START_RETRY_MAX_MS, delayMs * 2);
      }
    }
  };

  const settleAndMint = (): Promise<SettleResult> => {
    const run = settleTail.then(settleOnce);
    settleTail = run.catch(() => {});
    return run;
  };

  return {
    async start() {
      if (consumer !== null) return;
      const db = getPool();
      const gatewayKeys = createGatewayKeyCache({ pool: db, ttlMs: GATEWAY_KEY_TTL_MS, now });
      await waitForDatabase(db);
      const deps = {
        pool: db,
        gatewayKeys,
        topicRoot: config.topicRoot,
        clockSkewMs: config.clockSkewSeconds * 1000,
        rewardMaxGapMinutes,
        log,
        phases: stats.phases,
        ...(config.cacheLatestReadings === false
          ? {}
          : {
              latestReadings: createLatestReadingCache(),
              meters: createMeterCache({ ttlMs: GATEWAY_KEY_TTL_MS, now: () => now().getTime() }),
            }),
        ...(config.verifyAhead === false ? {} : { verifiedAhead: new WeakMap() }),
      };
      const c = createConsumer({
        mqttUrl: config.mqttUrl,
        topicRoot: config.topicRoot,
        clientId: config.clientId,
        ...(config.sharedGroup === undefined ? {} : { sharedGroup: config.sharedGroup }),
        batch: config.batch,
        now,
        log,
        onUpcoming: (messages) => {
          prepareMessages(deps, messages).catch((error: unknown) =>
            log("ingest: verifying ahead failed; the batch verifies its messages itself", {
              error: (error as Error).message,
            }),
          );
        },
        onBatch: async (messages) => {
          let result: BatchResult;
          try {
            result = await processBatch(deps, messages);
          } catch (error) {
            // Part of a split batch was committed before a transient error: count that part.
            if (error instanceof PartiallyStoredError) record(error.result as BatchResult);
            throw error;
          }
          record(result);
          if (result.rejected > 0) {
            log("ingest: batch stored with rejections", {
              messages: result.messages,
              accepted: result.acceptedReadings,
              rejectedByReason: result.rejectedByReason,
            });
          }
          // Never throws: the batch is committed, a failing heartbeat must not make it retry.
          await heartbeat();
        },
      });
      await c.start();
      consumer = c;
      settleTimer = setInterval(() => {
        settleAndMint().catch((error: unknown) =>
          log("ingest: settlement run failed, retrying on the next tick", {
            error: (error as Error).message,
          }),
        );
      }, config.settleIntervalMs);
      await heartbeat();
    },

    async stop() {
      stops++;
      if (settleTimer !== null) clearInterval(settleTimer);
      settleTimer = null;
      await settleTail;
      const c = consumer;
      if (c !== null) await c.stop();
      if (pool !== null) await heartbeat(); // consumer still set: records connected=false and the final counts
      consumer = null;
      const p = pool;
      pool = null;
      chain = null;
      if (p !== null) await p.end();
    },

    async flush() {
      await consumer?.flush();
      await heartbeat();
    },

    settleAndMint,

    stats() {
      const status = consumer?.status();
      return {
        ...stats,
        rejectedByReason: { ...stats.rejectedByReason },
        phases: { ...stats.phases },
        connected: status?.connected ?? false,
        queued: status?.queued ?? 0,
        received: status?.received ?? 0,
        lastMessageAt: status?.lastMessageAt ?? null,
        oldestQueuedAt: status?.oldestQueuedAt ?? null,
        retrying: status?.retrying ?? false,
        lastError: status?.lastError ?? null,
      };
    },
  };
}
