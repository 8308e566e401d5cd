import type { Queryable } from "@c4e/prisma";

/** A service heartbeat older than this means the service is not running. */
export const HEARTBEAT_MAX_AGE_SECONDS = 60;
/** The indexer may trail the chain head by this many blocks (its poll interval). */
export const INDEXER_MAX_LAG_BLOCKS = 5;
export const PROBE_TIMEOUT_MS = 2000;
/** Ingest is lagging or stalled when its oldest unacknowledged message waits longer than this. */
export const INGEST_MAX_QUEUE_AGE_SECONDS = 60;

export type HealthReport = {
  status: "ok" | "degraded";
  components: {
    database: { ok: boolean; latencyMs: number; error?: string };
    broker: { ok: boolean; error?: string };
    chain: { ok: boolean; chainId: number | null; head: number | null; error?: string };
    indexer: {
      ok: boolean;
      indexedBlock: number | null;
      head: number | null;
      lag: number | null;
      lastSeenAt: string | null;
      error?: string;
    };
    ingest: {
      ok: boolean;
      lastSeenAt: string | null;
      lastMessageAt: string | null;
      /** Messages ingest holds unacknowledged (from its heartbeat). */
      queued: number | null;
      /** Age of the oldest of them: a stalled or lagging consumer shows here. */
      oldestQueuedSeconds: number | null;
      error?: string;
    };
  };
};

/** The chain reads the health check needs (a viem public client satisfies it). */
export type ChainProbe = { getChainId(): Promise<number>; getBlockNumber(): Promise<bigint> };

export type HealthDeps = {
  db: Queryable;
  chain: ChainProbe;
  /** Resolves once a connection to the MQTT broker was accepted (and closed again); rejects otherwise. */
  probeBroker: () => Promise<void>;
  expectedChainId: number;
  /** Strings that must never appear in the report (connection URLs, their passwords). */
  secrets: readonly string[];
};

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One line of an error, at most 200 characters, with every secret replaced. */
export function describeError(error: unknown, secrets: readonly string[]): string {
  const e = error as { shortMessage?: unknown; message?: unknown; code?: unknown } | null;
  let text =
    typeof e?.shortMessage === "string"
      ? e.shortMessage
      : typeof e?.message === "string" && e.message !== ""
        ? e.message
        : typeof e?.code === "string"
          ? e.code
          : String(error);
  for (const s of secrets) if (s.length >= 4) text = text.split(s).join("***");
  text = text.replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, "//***:***@");
  return (text.split("\n")[0] ?? "").slice(0, 200);
}

/** Strings of a connection URL that must not leak: the URL itself and its password. */
export function secretsOf(...urls: string[]): string[] {
  const out: string[] = [];
  for (const url of urls) {
    out.push(url);
    try {
      const u = new URL(url);
      if (u.password) out.push(decodeURIComponent(u.password), u.password);
      if (u.pathname.length > 1) out.push(u.pathname); // API keys in RPC paths
    } catch {
      // not a URL: the whole string is already listed as a secret
    }
  }
  return out.sort((a, b) => b.length - a.length);
}

type HeartbeatRow = {
  indexed_block: string | null;
  checkpoint_head: string | null;
  indexer_seen: Date | null;
  indexer_age: string | null;
  ingest_seen: Date | null;
  ingest_message: Date | null;
  ingest_age: string | null;
  ingest_queued: string | null;
  ingest_oldest_age: string | null;
  ingest_error: string | null;
};

/** Checks database, broker, chain, indexer and ingest concurrently; each probe is bounded by ~2 s. */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const { db, chain, probeBroker, expectedChainId, secrets } = deps;
  const fail = (error: unknown) => describeError(error, secrets);

  const database = (async (): Promise<
    HealthReport["components"]["database"] & { row?: HeartbeatRow | undefined }
  > => {
    const started = performance.now();
    try {
      await withTimeout(db.query("SELECT 1"), PROBE_TIMEOUT_MS, "database");
      const latencyMs = Math.round(performance.now() - started);
      const { rows } = await withTimeout(
        db.query<HeartbeatRow>(
          `SELECT c.block_number::text AS indexed_block, c.head_number::text AS checkpoint_head,
                  i.last_seen_at AS indexer_seen, extract(epoch FROM now() - i.last_seen_at)::text AS indexer_age,
                  g.last_seen_at AS ingest_seen, g.last_message_at AS ingest_message,
                  extract(epoch FROM now() - g.last_seen_at)::text AS ingest_age,
                  g.detail->>'queued' AS ingest_queued, g.detail->>'lastError' AS ingest_error,
                  extract(epoch FROM now() - (g.detail->>'oldestQueuedAt')::timestamptz)::text AS ingest_oldest_age
           FROM (SELECT 1) AS one
           LEFT JOIN chain_checkpoint c ON c.chain_id = $1
           LEFT JOIN service_heartbeat i ON i.service = 'indexer'
           LEFT JOIN service_heartbeat g ON g.service = 'ingest'`,
          [expectedChainId],
        ),
        PROBE_TIMEOUT_MS,
        "database",
      );
      return { ok: true, latencyMs, row: rows[0] };
    } catch (error) {
      return { ok: false, latencyMs: Math.round(performance.now() - started), error: fail(error) };
    }
  })();

  const broker = (async (): Promise<HealthReport["components"]["broker"]> => {
    try {
      await withTimeout(probeBroker(), PROBE_TIMEOUT_MS + 500, "broker");
      return { ok: true };
    } catch (error) {
      return { ok: false, error: fail(error) };
    }
  })();

  const chainState = (async (): Promise<HealthReport["components"]["chain"]> => {
    try {
      const [chainId, head] = await withTimeout(
        Promise.all([chain.getChainId(), chain.getBlockNumber()]),
        PROBE_TIMEOUT_MS,
        "chain",
      );
      if (chainId !== expectedChainId) {
        return {
          ok: false,
          chainId,
          head: Number(head),
          error: `chain id ${chainId}, expected ${expectedChainId}`,
        };
      }
      return { ok: true, chainId, head: Number(head) };
    } catch (error) {
      return { ok: false, chainId: null, head: null, error: fail(error) };
    }
  })();

  const [db_, brokerResult, chainResult] = await Promise.all([database, broker, chainState]);
  const { row, ...databaseResult } = db_;

  let indexer: HealthReport["components"]["indexer"];
  let ingest: HealthReport["components"]["ingest"];
  if (!databaseResult.ok || !row) {
    const error = "database unavailable";
    indexer = { ok: false, indexedBlock: null, head: null, lag: null, lastSeenAt: null, error };
    ingest = {
      ok: false,
      lastSeenAt: null,
      lastMessageAt: null,
      queued: null,
      oldestQueuedSeconds: null,
      error,
    };
  } else {
    const indexedBlock = row.indexed_block === null ? null : Number(row.indexed_block);
    const head = chainResult.head ?? (row.checkpoint_head === null ? null : Number(row.checkpoint_head));
    const lag = indexedBlock === null || head === null ? null : Math.max(0, head - indexedBlock);
    const indexerFresh = row.indexer_age !== null && Number(row.indexer_age) < HEARTBEAT_MAX_AGE_SECONDS;
    const indexerOk = indexerFresh && lag !== null && lag <= INDEXER_MAX_LAG_BLOCKS;
    indexer = {
      ok: indexerOk,
      indexedBlock,
      head,
      lag,
      lastSeenAt: row.indexer_seen?.toISOString() ?? null,
      ...(indexerOk
        ? {}
        : {
            error:
              row.indexer_age === null
                ? "no heartbeat"
                : !indexerFresh
                  ? `heartbeat older than ${HEARTBEAT_MAX_AGE_SECONDS} s`
                  : lag === null
                    ? "no checkpoint"
                    : `lag ${lag} blocks`,
          }),
    };
    const ingestFresh = row.ingest_age !== null && Number(row.ingest_age) < HEARTBEAT_MAX_AGE_SECONDS;
    const oldestQueuedSeconds =
      row.ingest_oldest_age === null ? null : Math.max(0, Math.round(Number(row.ingest_oldest_age)));
    const queued = row.ingest_queued === null ? null : Number(row.ingest_queued);
    const lagging = oldestQueuedSeconds !== null && oldestQueuedSeconds > INGEST_MAX_QUEUE_AGE_SECONDS;
    ingest = {
      ok: ingestFresh && !lagging,
      lastSeenAt: row.ingest_seen?.toISOString() ?? null,
      lastMessageAt: row.ingest_message?.toISOString() ?? null,
      queued,
      oldestQueuedSeconds,
      ...(ingestFresh && !lagging
        ? {}
        : {
            error:
              row.ingest_age === null
                ? "no heartbeat"
                : !ingestFresh
                  ? `heartbeat older than ${HEARTBEAT_MAX_AGE_SECONDS} s`
                  : `stalled or lagging: the oldest of ${queued ?? "?"} unacknowledged messages waits ${oldestQueuedSeconds} s` +
                    (row.ingest_error === null ? "" : ` (${fail(row.ingest_error)})`),
          }),
    };
  }

  const components = { database: databaseResult, broker: brokerResult, chain: chainResult, indexer, ingest };
  const allOk = Object.values(components).every((c) => c.ok);
  return { status: allOk ? "ok" : "degraded", components };
}
