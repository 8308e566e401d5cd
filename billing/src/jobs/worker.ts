// The worker side of the platform queue: runs the jobs of every kind with the given handlers, writes
// their live progress, and resumes the jobs of a worker that died (docs/jobs.md, "Crash and resume").
//
// Liveness: each worker holds one connection named after itself (application_name) for its lifetime
// and stamps the jobs it starts with that name. A process killed with SIGKILL loses the connection at
// once; every worker looks every few seconds for active jobs whose worker has no connection any more
// and fails them, so pg-boss queues them again (retry) and the next free worker resumes them.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import pg from "pg";
import type PgBoss from "pg-boss";
import {
  isFinalJobError,
  type JobContext,
  type JobHandler,
  type JobHandlers,
  JobInterruptedError,
} from "./handlers.ts";
import { JOB_KINDS, JOB_PAYLOADS, type JobKind, type JobProgress } from "./kinds.ts";
import { bossOver, ensureQueues, JOB_SCHEMA } from "./queue.ts";

export type JobWorkerParams = {
  databaseUrl: string;
  /** the pool handlers use (the caller's; left open on `stop`) */
  pool: pg.Pool;
  handlers: JobHandlers;
  log: (line: string) => void;
  /** how often each kind's queue is polled (default 1 s; pg-boss also wakes on its own send) */
  pollingIntervalSeconds?: number;
  /** how often dead workers' jobs are looked for (default 5 s) */
  reapIntervalMs?: number;
  /** minutes between switch activations (pg-boss schedule; 0 = none scheduled by this worker) */
  switchActivationMinutes?: number;
};

export type JobWorker = {
  /** the application_name of this worker's liveness connection */
  name: string;
  /** stops taking jobs, interrupts the running ones (they are retried later), waits up to `timeoutMs` */
  stop: (timeoutMs?: number) => Promise<void>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The cron expression of "every `minutes` minutes" (minute granularity; hours past 60). */
export function everyMinutesCron(minutes: number): string {
  if (minutes < 60) return `*/${minutes} * * * *`;
  return `0 */${Math.max(1, Math.floor(minutes / 60))} * * *`;
}

/** Starts a worker: creates the queues, registers one pg-boss worker per kind, starts the reaper. */
export async function startJobWorker(params: JobWorkerParams): Promise<JobWorker> {
  const { pool, log } = params;
  const name = `c4e-worker:${hostname().slice(0, 20)}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const stopping = new AbortController();

  // the liveness connection (reconnected with the same name when it breaks)
  let liveness: pg.Client | null = null;
  const connectLiveness = async () => {
    const client = new pg.Client({ connectionString: params.databaseUrl, application_name: name });
    client.on("error", () => {
      liveness = null;
      if (!stopping.signal.aborted) setTimeout(() => void connectLiveness().catch(() => {}), 1000);
    });
    await client.connect();
    liveness = client;
  };
  await connectLiveness();

  const boss = bossOver(pool, {
    supervise: true,
    schedule: (params.switchActivationMinutes ?? 0) > 0,
  });
  boss.on("error", (error) => log(`queue error: ${error.message}`));
  await boss.start();
  await ensureQueues(boss);
  if ((params.switchActivationMinutes ?? 0) > 0) {
    await boss.schedule(
      "switch-activation",
      everyMinutesCron(params.switchActivationMinutes as number),
      {},
      {
        singletonKey: "switch-activation",
        tz: "UTC",
      },
    );
  } else {
    await boss.unschedule("switch-activation").catch(() => {});
  }

  const stamp = (kind: JobKind, id: string, progress: JobProgress | null) =>
    pool.query(
      `UPDATE ${JOB_SCHEMA}.job SET output = jsonb_build_object('worker', $3::text, 'progress', $4::jsonb)
       WHERE name = $1 AND id = $2::uuid AND state = 'active'`,
      [kind, id, name, progress === null ? null : JSON.stringify(progress)],
    );

  const running = new Set<Promise<unknown>>();
  const runOne = async <K extends JobKind>(kind: K, job: PgBoss.Job<unknown>): Promise<unknown> => {
    const t0 = performance.now();
    await stamp(kind, job.id, null);
    let last = 0;
    let pending: JobProgress | null = null;
    let writing: Promise<unknown> = Promise.resolve();
    const flush = () => {
      const p = pending;
      pending = null;
      if (p) writing = writing.then(() => stamp(kind, job.id, p)).catch(() => {});
      return writing;
    };
    const ctx: JobContext = {
      jobId: job.id,
      pool,
      signal: stopping.signal,
      log: (line) => log(`${kind} ${job.id}: ${line}`),
      progress: (p) => {
        pending = p;
        if (Date.now() - last >= 500) {
          last = Date.now();
          void flush();
        }
      },
    };
    log(`${kind} ${job.id} started`);
    try {
      const payload = JOB_PAYLOADS[kind].parse(job.data);
      const handler = params.handlers[kind] as JobHandler<K>;
      const result = await handler(payload as never, ctx);
      await flush();
      log(`${kind} ${job.id} done in ${Math.round(performance.now() - t0)} ms`);
      return result ?? {};
    } catch (error) {
      await flush();
      const final = isFinalJobError(error);
      if (final) {
        // no retry: pg-boss fails the job for good once its retries are used up
        await pool.query(
          `UPDATE ${JOB_SCHEMA}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2::uuid`,
          [kind, job.id],
        );
      }
      const message = error instanceof Error ? error.message : String(error);
      const again =
        error instanceof JobInterruptedError
          ? "interrupted, queued again"
          : final
            ? "failed"
            : "failed, will retry";
      log(`${kind} ${job.id} ${again}: ${message}`);
      throw error;
    }
  };

  for (const kind of JOB_KINDS) {
    await boss.work(
      kind,
      { pollingIntervalSeconds: params.pollingIntervalSeconds ?? 1, batchSize: 1 },
      async (jobs) => {
        const job = jobs[0];
        if (!job) return;
        const run = runOne(kind, job);
        running.add(run);
        try {
          return await run;
        } finally {
          running.delete(run);
        }
      },
    );
  }

  const reap = async () => {
    const dead = await pool.query<{ name: JobKind; id: string; worker: string }>(
      // stamped by a worker that has no connection any more, or never stamped although taken a minute
      // ago (the stamp follows the fetch at once: its worker died in between)
      `SELECT j.name, j.id::text, coalesce(j.output->>'worker', 'unknown') AS worker FROM ${JOB_SCHEMA}.job j
       WHERE j.name = ANY($1) AND j.state = 'active'
         AND CASE WHEN coalesce(j.output ? 'worker', false)
               THEN NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.application_name = j.output->>'worker')
               ELSE j.started_on < now() - interval '60 seconds' END`,
      [JOB_KINDS],
    );
    for (const j of dead.rows) {
      log(`${j.name} ${j.id}: its worker ${j.worker} is gone; queued again`);
      await boss.fail(j.name, j.id, { message: `worker ${j.worker} died while running the job` });
    }
  };
  // only while our own liveness connection is up (otherwise we might be the one that looks dead)
  const reapSafely = () => (liveness ? reap().catch((e: Error) => log(`reaper: ${e.message}`)) : undefined);
  await reapSafely();
  const reaper = setInterval(() => void reapSafely(), params.reapIntervalMs ?? 5000);

  log(`worker ${name} running: ${JOB_KINDS.join(", ")}`);
  return {
    name,
    stop: async (timeoutMs = 30_000) => {
      if (stopping.signal.aborted) return;
      clearInterval(reaper);
      stopping.abort();
      await boss.stop({ close: false, graceful: true, wait: true, timeout: timeoutMs });
      // pg-boss records the outcome of a job that ended during stop without awaiting it
      const deadline = Date.now() + 2000;
      while (running.size > 0 && Date.now() < deadline) await sleep(50);
      await sleep(100);
      const client = liveness as pg.Client | null;
      liveness = null;
      await client?.end().catch(() => {});
    },
  };
}
