// The platform job queue (pg-boss on the platform's Postgres, schema `pgboss`): enqueue a job and
// read jobs' state and progress. The web and the command line use this; worker.ts runs the jobs.
import PgBoss from "pg-boss";
import type pg from "pg";
import type { Queryable } from "@c4e/prisma";
import {
  JOB_KINDS,
  JOB_PAYLOADS,
  JOB_QUEUE_OPTIONS,
  type JobInput,
  type JobKind,
  type JobProgress,
  singletonKeyOf,
} from "./kinds.ts";

/** The pg-boss schema (kept out of Prisma's `public`; Prisma's migrations ignore it). */
export const JOB_SCHEMA = "pgboss";

export type JobState = "created" | "retry" | "active" | "completed" | "cancelled" | "failed";

/** One job as the admin pages show it. */
export type JobView = {
  id: string;
  kind: JobKind;
  state: JobState;
  /** what it works on, e.g. the month of a bill run (the payload without CSV contents) */
  subject: string;
  progress: JobProgress | null;
  /** the handler's result (completed) */
  result: unknown;
  /** why it failed (failed, or the last failure before a retry) */
  error: string | null;
  retryCount: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export class JobPayloadError extends Error {
  override name = "JobPayloadError";
}

/** pg-boss over a pool we own (its `db` option): no second pool, no timers in the enqueuing process. */
export function bossOver(pool: pg.Pool, options: PgBoss.ConstructorOptions = {}): PgBoss {
  return new PgBoss({
    schema: JOB_SCHEMA,
    db: { executeSql: (text, values) => pool.query(text, values) },
    supervise: false,
    schedule: false,
    ...options,
  });
}

/** Creates the queues of every kind (idempotent: an existing queue is kept). */
export async function ensureQueues(boss: PgBoss): Promise<void> {
  for (const kind of JOB_KINDS) await boss.createQueue(kind, { name: kind, ...JOB_QUEUE_OPTIONS[kind] });
}

export type JobQueue = {
  /**
   * Validates the payload and queues the job; resolves to its id. A `stately` kind with a job of the
   * same key already queued resolves to that job's id (`existing: true`). With `db` (a client in a
   * transaction), the job is queued in that transaction: it exists only if the transaction commits.
   */
  enqueue: <K extends JobKind>(
    kind: K,
    input: JobInput<K>,
    options?: { db?: Queryable },
  ) => Promise<{ id: string; existing: boolean }>;
  stop: () => Promise<void>;
};

/**
 * A client of the queue over `pool` (the caller's; left open on `stop`). Installs or migrates the
 * pg-boss schema on first use and creates the queues.
 */
export async function createJobQueue(pool: pg.Pool): Promise<JobQueue> {
  const boss = bossOver(pool);
  boss.on("error", () => {}); // surfaced through the failing call
  await boss.start();
  await ensureQueues(boss);
  return {
    enqueue: async (kind, input, { db = pool } = {}) => {
      const parsed = JOB_PAYLOADS[kind].safeParse(input);
      if (!parsed.success)
        throw new JobPayloadError(`${kind}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
      const payload = parsed.data as never;
      const singletonKey = singletonKeyOf(kind, payload);
      const id = await boss.send(kind, payload, {
        singletonKey,
        db: { executeSql: (text, values) => db.query(text, values) },
      });
      if (id) return { id, existing: false };
      const queued = await db.query<{ id: string }>(
        `SELECT id::text FROM ${JOB_SCHEMA}.job
         WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry', 'active')
         ORDER BY created_on DESC LIMIT 1`,
        [kind, singletonKey],
      );
      const existing = queued.rows[0]?.id;
      if (!existing) throw new Error(`${kind}: the job was not queued`);
      return { id: existing, existing: true };
    },
    stop: () => boss.stop({ close: false, graceful: false, wait: true }),
  };
}

type JobRow = {
  id: string;
  name: string;
  state: JobState;
  data: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  retry_count: number;
  created_on: Date;
  started_on: Date | null;
  completed_on: Date | null;
};

const JOB_COLUMNS = `id::text, name, state::text, data - 'csv' AS data, output, retry_count, created_on, started_on, completed_on`;

function subjectOf(kind: JobKind, data: Record<string, unknown> | null): string {
  const d = data ?? {};
  switch (kind) {
    case "bill-run":
    case "advance-run":
      return String(d.period ?? "");
    case "settlement":
      return `${String(d.date ?? "")}${Array.isArray(d.podIds) ? ` (${d.podIds.length} PODs)` : " (all)"}`;
    case "corrections":
      return `${String(d.from ?? "")}..${String(d.to ?? "")}`;
    case "market-price-import":
      return `${String(d.zone ?? "")} ${String(d.currency ?? "")}`;
    case "pod-import":
      return d.dryRun ? "dry run" : "";
    case "switch-activation":
      return "";
  }
}

/** pg-boss stores a thrown error as { name, message, stack }, a string as { value }, an expiry as { value: { message } }. */
function errorMessage(out: Record<string, unknown>): string | null {
  if (typeof out.message === "string") return out.message;
  const value = out.value as { message?: unknown } | string | undefined;
  if (typeof value === "string") return value;
  if (value && typeof value.message === "string") return value.message;
  return null;
}

function toView(r: JobRow): JobView {
  const kind = r.name as JobKind;
  const out = r.output ?? {};
  const running = r.state === "active" || r.state === "created" || r.state === "retry";
  // while running, `output` is { worker, progress } (worker.ts); pg-boss replaces it with the
  // handler's result on completion or the error on failure
  const errorText = r.state === "failed" || r.state === "retry" ? errorMessage(out) : null;
  return {
    id: r.id,
    kind,
    state: r.state,
    subject: subjectOf(kind, r.data),
    progress: running ? ((out as { progress?: JobProgress }).progress ?? null) : null,
    result: r.state === "completed" ? r.output : null,
    error: errorText,
    retryCount: r.retry_count,
    createdAt: r.created_on.toISOString(),
    startedAt: r.started_on?.toISOString() ?? null,
    finishedAt: r.completed_on?.toISOString() ?? null,
  };
}

/** One job of the platform queue (also once archived), or null. */
export async function jobStatus(db: Queryable, id: string): Promise<JobView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await db.query<JobRow>(
    `SELECT ${JOB_COLUMNS} FROM ${JOB_SCHEMA}.job WHERE id = $1::uuid AND name = ANY($2)
     UNION ALL
     SELECT ${JOB_COLUMNS} FROM ${JOB_SCHEMA}.archive WHERE id = $1::uuid AND name = ANY($2)
     LIMIT 1`,
    [id, JOB_KINDS],
  );
  const row = r.rows[0];
  return row ? toView(row) : null;
}

/** The newest jobs of the given kinds (default all), newest first. Empty before the queue exists. */
export async function listJobs(
  db: Queryable,
  { kinds = JOB_KINDS, limit = 50 }: { kinds?: readonly JobKind[]; limit?: number } = {},
): Promise<JobView[]> {
  const installed = await db.query(`SELECT to_regclass('${JOB_SCHEMA}.job') IS NOT NULL AS ok`);
  if (!(installed.rows[0] as { ok: boolean } | undefined)?.ok) return [];
  const r = await db.query<JobRow>(
    `(SELECT ${JOB_COLUMNS} FROM ${JOB_SCHEMA}.job WHERE name = ANY($1)
      UNION ALL
      SELECT ${JOB_COLUMNS} FROM ${JOB_SCHEMA}.archive WHERE name = ANY($1))
     ORDER BY created_on DESC LIMIT $2`,
    [kinds, limit],
  );
  return r.rows.map(toView);
}
