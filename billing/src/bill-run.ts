// `c4e bill-run --period YYYY-MM`: bills every POD supplied in the month. One bill_run row per month
// and one bill_run_item per POD hold the progress; each batch of PODs is committed with its drafts
// and item states in one transaction, so an interrupted run resumes where it stopped and a re-run
// creates no duplicates (unique (bill_run_id, pod_id, kind) on invoice, (bill_run_id, pod_id) on items).
import { type Invoice, computeInvoice, localMidnightUtcMs } from "@c4e/domain";
import type pg from "pg";
import { BillRunError } from "./bill-run/errors.ts";
import { draftChunk } from "./bill-run/draft-chunk.ts";
import { POD_CONTEXT_SELECT, queryPodContexts } from "./bill-run/pod-context.ts";
import { monthParameters, vatRates } from "./bill-run/terms.ts";
import type {
  ChunkResult,
  Completeness,
  IntervalSource,
  RunContext,
  WorkerCaches,
  WorkerTimings,
} from "./bill-run/types.ts";
import { inTransaction, type Queryable, withTransaction } from "@c4e/prisma";
import { insertDraftInvoices, issueInvoices } from "./invoice-store.ts";

export * from "./bill-run/errors.ts";
export * from "./bill-run/pod-context.ts";
export * from "./bill-run/terms.ts";
export * from "./bill-run/types.ts";

export type BillRunProgress = {
  billRunId: string;
  total: number;
  done: number;
  drafted: number;
  failed: number;
  /** drafts held because interval data is missing (docs/billing-runs.md, "Completeness") */
  incomplete: number;
};

export type BillRunParams = {
  /** YYYY-MM, the month billed (local dates in each POD's time zone) */
  period: string;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: BillRunProgress) => void;
  /** the compute step; the domain's computeInvoice unless a test replaces it */
  compute?: typeof computeInvoice;
  /** an AMR POD with more missing intervals than this is drafted but held (`incomplete`); default 0 */
  maxMissingIntervals?: number;
  /** the moment the run checks the period against (default: now); a month is billed once it has
   * ended in every supplied POD's time zone */
  now?: Date;
  /** where interval data is read: `compact` (interval_day, default) or `reading_interval` (row per interval) */
  intervals?: IntervalSource;
  /** compact each chunk's meters from reading_interval before reading interval_day (default true) */
  compact?: boolean;
  /** concurrent workers in this process (default 1; they share its one CPU core for the computation) */
  workers?: number;
  /** worker processes instead (default 0): each claims chunks on its own connection */
  processes?: number;
  /** the database URL the worker processes connect to (needed with `processes`) */
  databaseUrl?: string;
  /** starts the worker processes (`launchWorkerProcesses` of bill-run-processes.ts; needed with
   * `processes`): kept out of this module, which the web app bundles */
  launchProcesses?: WorkerProcessLauncher;
};

/** Starts `processes` worker processes on the run, reports progress, resolves to their summed timings. */
export type WorkerProcessLauncher = (
  pool: pg.Pool,
  run: RunContext,
  params: BillRunParams,
  processes: number,
  progress: BillRunProgress,
) => Promise<WorkerTimings>;

export type BillRunSummary = BillRunProgress & {
  status: "completed" | "interrupted";
  periodStart: string;
  periodEnd: string;
  /** sql/node/write/compact: summed over the workers (with several, more than the wall time);
   * compactMs: compact-first; prepareMs: items and chunks queued; totalMs: wall time */
  timings: {
    sqlMs: number;
    nodeMs: number;
    writeMs: number;
    compactMs: number;
    prepareMs: number;
    totalMs: number;
  };
};

/** "2026-10" → { start: "2026-10-01", end: "2026-11-01" } */
export function monthPeriod(period: string): { start: string; end: string } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!m) throw new BillRunError(`--period must be YYYY-MM (got ${JSON.stringify(period)})`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, "0")}`;
  return { start: `${period}-01`, end: `${next}-01` };
}

/**
 * Refuses a month that has not ended in every time zone of the PODs supplied in it: billing it would
 * charge a whole month's fixed fees for days not yet supplied and price consumption not yet metered.
 */
export async function checkPeriodEnded(db: Queryable, period: string, now: Date): Promise<void> {
  const { start, end } = monthPeriod(period);
  const zones = await db.query<{ time_zone: string }>(
    `SELECT DISTINCT p.time_zone FROM pod p
     WHERE p.sign_in_date < $2 AND (p.sign_out_date IS NULL OR p.sign_out_date > $1)`,
    [start, end],
  );
  let last: { zone: string; ms: number } | undefined;
  for (const { time_zone: zone } of zones.rows) {
    const ms = localMidnightUtcMs(end, zone);
    if (last === undefined || ms > last.ms) last = { zone, ms };
  }
  if (last !== undefined && now.getTime() < last.ms)
    throw new BillRunError(
      `${period} has not ended: it ends ${end} 00:00 in ${last.zone} (${new Date(last.ms).toISOString()}); ` +
        `bill it after that (--as-of YYYY-MM-DD checks against another date, e.g. for a test or a backfill)`,
      "PERIOD_NOT_ENDED",
    );
}

/** Item states a run (re)bills: not yet billed, failed, or drafted from incomplete data (held). */
const OPEN_ITEMS = `('pending', 'failed', 'incomplete')`;

/**
 * Creates (or finds) the month's bill run, adds an item for every POD supplied in the month and
 * queues the open items in chunks of `chunkSize` PODs (POD id ranges, in POD order). A run whose
 * chunks are not all done (a killed or interrupted run) keeps them: the call resumes it. Otherwise a
 * new pass queues the open items (pending, failed, incomplete) again. The run row is locked while
 * this happens, so concurrent calls queue each POD once.
 */
export async function prepareBillRun(
  pool: pg.Pool,
  period: string,
  { chunkSize = 1000 }: { chunkSize?: number } = {},
): Promise<{ id: string; start: string; end: string; pass: number }> {
  const { start, end } = monthPeriod(period);
  return withTransaction(pool, async (c) => {
    const run = await c.query<{ id: string }>(
      `INSERT INTO bill_run (id, period_start, period_end) VALUES (gen_random_uuid(), $1, $2)
       ON CONFLICT (period_start) DO UPDATE SET period_end = EXCLUDED.period_end
       RETURNING id`,
      [start, end],
    );
    const id = (run.rows[0] as { id: string }).id;
    await c.query(`SELECT 1 FROM bill_run WHERE id = $1 FOR UPDATE`, [id]);
    await c.query(
      `INSERT INTO bill_run_item (bill_run_id, pod_id)
       SELECT $1, p.id FROM pod p JOIN contract c ON c.id = p.contract_id
       WHERE p.sign_in_date < $3 AND (p.sign_out_date IS NULL OR p.sign_out_date > $2)
         AND c.valid_from < $3 AND (c.valid_to IS NULL OR c.valid_to > $2)
       ON CONFLICT DO NOTHING`,
      [id, start, end],
    );
    const chunks = await c.query<{ pending: number; pass: number }>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, coalesce(max(pass), 0)::int AS pass
       FROM bill_run_chunk WHERE bill_run_id = $1`,
      [id],
    );
    let pass = chunks.rows[0]?.pass ?? 0;
    if ((chunks.rows[0]?.pending ?? 0) === 0) {
      pass += 1;
      await c.query(
        `INSERT INTO bill_run_chunk (bill_run_id, pass, chunk_no, first_pod_id, last_pod_id, pods)
         SELECT $1, $2, n / $3, min(pod_id), max(pod_id), count(*)
         FROM (SELECT pod_id, (row_number() OVER (ORDER BY pod_id) - 1)::int AS n
               FROM bill_run_item WHERE bill_run_id = $1 AND status IN ${OPEN_ITEMS}) AS x
         GROUP BY n / $3`,
        [id, pass, chunkSize],
      );
    }
    await c.query(
      `UPDATE bill_run SET status = 'running', finished_at = NULL
       WHERE id = $1 AND EXISTS (SELECT 1 FROM bill_run_item WHERE bill_run_id = $1 AND status IN ${OPEN_ITEMS})`,
      [id],
    );
    return { id, start, end, pass };
  });
}

/** The run's context from its id (worker processes get only the id and the policy). */
export async function loadRunContext(
  pool: pg.Pool,
  billRunId: string,
  policy: Pick<BillRunParams, "compute" | "maxMissingIntervals" | "intervals" | "compact">,
): Promise<RunContext> {
  const r = await pool.query<{ start: string; end: string }>(
    `SELECT period_start::text AS start, period_end::text AS "end" FROM bill_run WHERE id = $1`,
    [billRunId],
  );
  const row = r.rows[0];
  if (!row) throw new BillRunError(`no bill run ${billRunId}`, "NOT_FOUND");
  const maxMissing = policy.maxMissingIntervals ?? 0;
  if (!Number.isInteger(maxMissing) || maxMissing < 0)
    throw new BillRunError(`the missing-interval threshold must be a whole number ≥ 0 (got ${maxMissing})`);
  return {
    id: billRunId,
    start: row.start,
    end: row.end,
    parameters: await monthParameters(pool, row.start),
    vat: await vatRates(pool),
    maxMissing,
    compute: policy.compute ?? computeInvoice,
    intervals: policy.intervals ?? "compact",
    compact: policy.compact ?? true,
  };
}

/**
 * One worker of a bill run: claims the run's pending chunks one at a time (`FOR UPDATE SKIP LOCKED`,
 * so concurrent workers, in this process or others, never take the same chunk) and bills each in the
 * transaction that holds the claim: drafts, item states and the chunk's `done` commit together. A
 * worker killed mid-chunk rolls back; its chunk is pending again for the next worker or run.
 */
export async function billRunWorker(
  pool: pg.Pool,
  run: RunContext,
  opts: {
    signal?: AbortSignal;
    worker?: string;
    onChunk?: (r: ChunkResult) => void;
    timings?: WorkerTimings;
  } = {},
): Promise<ChunkResult & { chunks: number }> {
  const total = { drafted: 0, incomplete: 0, failed: 0, pods: 0, chunks: 0 };
  const caches: WorkerCaches = { tariffs: new Map(), windows: new Map() };
  const timings = opts.timings ?? { sqlMs: 0, nodeMs: 0, writeMs: 0, compactMs: 0 };
  const client = await pool.connect();
  // JIT off: compiling each chunk's aggregation costs more (≈ 1.7 s measured) than running it;
  // work_mem for the compaction's sorts (the default 4 MB spills a chunk's days to disk).
  await client.query("SET jit = off");
  await client.query("SET work_mem = '64MB'");
  try {
    for (;;) {
      if (opts.signal?.aborted) break;
      // One transaction per chunk on this worker's own session (its SET options above).
      const r = await inTransaction(client, async (db) => {
        const claimed = await db.query<{
          pass: number;
          chunk_no: number;
          first_pod_id: string;
          last_pod_id: string;
        }>(
          `SELECT pass, chunk_no, first_pod_id, last_pod_id FROM bill_run_chunk
           WHERE bill_run_id = $1 AND status = 'pending'
           ORDER BY pass, chunk_no LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [run.id],
        );
        const chunk = claimed.rows[0];
        if (!chunk) return null;
        const billed = await billChunk(db, run, chunk.first_pod_id, chunk.last_pod_id, caches, timings);
        await db.query(
          `UPDATE bill_run_chunk SET status = 'done', finished_at = now(), worker = $4,
             drafted = $5, incomplete = $6, failed = $7
           WHERE bill_run_id = $1 AND pass = $2 AND chunk_no = $3`,
          [
            run.id,
            chunk.pass,
            chunk.chunk_no,
            opts.worker ?? null,
            billed.drafted,
            billed.incomplete,
            billed.failed,
          ],
        );
        return billed;
      });
      if (r === null) break;
      total.drafted += r.drafted;
      total.incomplete += r.incomplete;
      total.failed += r.failed;
      total.pods += r.pods;
      total.chunks += 1;
      opts.onChunk?.(r);
    }
  } finally {
    client.release();
  }
  return total;
}

/** Bills the open items of one chunk (POD ids `first`…`last`) on `db`, inside the caller's transaction. */
async function billChunk(
  db: pg.PoolClient,
  run: RunContext,
  first: string,
  last: string,
  caches: WorkerCaches,
  timings: WorkerTimings,
): Promise<ChunkResult> {
  let t = performance.now();
  const batch = await queryPodContexts(
    db,
    `${POD_CONTEXT_SELECT}
     JOIN bill_run_item it ON it.pod_id = p.id
     WHERE it.bill_run_id = $1 AND it.status IN ${OPEN_ITEMS} AND it.pod_id >= $2 AND it.pod_id <= $3
     ORDER BY it.pod_id`,
    [run.id, first, last],
  );
  timings.sqlMs += performance.now() - t;
  if (batch.length === 0) return { drafted: 0, incomplete: 0, failed: 0, pods: 0 };

  const { drafts, failures } = await draftChunk(db, run, batch, caches, timings);

  t = performance.now();
  // An item billed again whose draft is held (incomplete, or failed since): the held draft makes
  // way for the new one (drafts may be deleted; a released one is not held any more).
  await db.query(
    `WITH again AS (
       UPDATE bill_run_item it SET invoice_id = NULL
       FROM invoice i
       WHERE it.bill_run_id = $1 AND it.pod_id = ANY($2::text[])
         AND i.id = it.invoice_id AND i.status = 'draft' AND i.hold_reason IS NOT NULL
         AND i.hold_released_at IS NULL
       RETURNING i.id)
     DELETE FROM invoice WHERE id IN (SELECT id FROM again)`,
    [run.id, drafts.map((d) => d.podId)],
  );
  const ids = await insertDraftInvoices(
    db,
    drafts.map((d) => d.draft),
  );
  // A null id: this run already holds the POD's invoice (a concurrent or earlier run): link it.
  await db.query(
    `UPDATE bill_run_item it SET
       status = (CASE WHEN u.completeness IS NULL THEN 'drafted' ELSE 'incomplete' END)::"BillRunItemStatus",
       error = NULL, updated_at = now(),
       invoice_id = coalesce(u.invoice_id,
         (SELECT i.id FROM invoice i WHERE i.bill_run_id = it.bill_run_id AND i.pod_id = it.pod_id AND i.kind = 'monthly')),
       intervals = u.intervals, expected_intervals = u.expected,
       missing_intervals = CASE WHEN u.expected IS NULL THEN NULL ELSE greatest(u.expected - u.intervals, 0) END,
       missing_ranges = u.completeness -> 'ranges',
       missing_range_count = (u.completeness ->> 'rangeCount')::int
     FROM unnest($2::text[], $3::uuid[], $4::int[], $5::int[], $6::jsonb[])
       AS u(pod_id, invoice_id, intervals, expected, completeness)
     WHERE it.bill_run_id = $1 AND it.pod_id = u.pod_id`,
    [
      run.id,
      drafts.map((d) => d.podId),
      ids,
      drafts.map((d) => d.intervals),
      drafts.map((d) => d.expected),
      drafts.map((d) => (d.completeness ? JSON.stringify(d.completeness) : null)),
    ],
  );
  if (failures.length > 0) {
    await db.query(
      `UPDATE bill_run_item it SET status = 'failed', error = u.error, updated_at = now()
       FROM unnest($2::text[], $3::text[]) AS u(pod_id, error)
       WHERE it.bill_run_id = $1 AND it.pod_id = u.pod_id`,
      [run.id, failures.map((f) => f.podId), failures.map((f) => f.error)],
    );
  }
  timings.writeMs += performance.now() - t;
  const held = drafts.filter((d) => d.completeness !== null).length;
  return {
    drafted: drafts.length - held,
    incomplete: held,
    failed: failures.length,
    pods: batch.length,
  };
}

/**
 * The invoices a run of `period` would draft for `podIds` now, computed but not stored (nothing is
 * written but the compaction): the benchmark compares the two interval sources with it.
 */
export async function previewInvoices(
  pool: pg.Pool,
  params: { period: string; podIds: string[] } & Pick<
    BillRunParams,
    "maxMissingIntervals" | "intervals" | "compact" | "compute"
  >,
): Promise<Map<string, { invoice: Invoice; held: boolean } | { error: string }>> {
  const { start, end } = monthPeriod(params.period);
  const run: RunContext = {
    id: "00000000-0000-0000-0000-000000000000",
    start,
    end,
    parameters: await monthParameters(pool, start),
    vat: await vatRates(pool),
    maxMissing: params.maxMissingIntervals ?? 0,
    compute: params.compute ?? computeInvoice,
    intervals: params.intervals ?? "compact",
    compact: params.compact ?? true,
  };
  const contexts = await queryPodContexts(
    pool,
    `${POD_CONTEXT_SELECT} WHERE p.id = ANY($1::text[]) ORDER BY p.id`,
    [params.podIds],
  );
  const timings: WorkerTimings = { sqlMs: 0, nodeMs: 0, writeMs: 0, compactMs: 0 };
  const caches: WorkerCaches = { tariffs: new Map(), windows: new Map() };
  const client = await pool.connect();
  try {
    await client.query("SET jit = off");
    const { drafts, failures } = await draftChunk(client, run, contexts, caches, timings);
    const out = new Map<string, { invoice: Invoice; held: boolean } | { error: string }>();
    for (const d of drafts) out.set(d.podId, { invoice: d.draft.invoice, held: d.completeness !== null });
    for (const f of failures) out.set(f.podId, { error: f.error });
    return out;
  } finally {
    client.release();
  }
}

/** The run's batch size and worker processes, checked (a `BillRunError` names the wrong one). */
function checkedRunParams(params: BillRunParams): { batchSize: number; processes: number } {
  const batchSize = params.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new BillRunError(`the batch size must be a whole number ≥ 1 (got ${batchSize})`);
  const maxMissing = params.maxMissingIntervals ?? 0;
  if (!Number.isInteger(maxMissing) || maxMissing < 0)
    throw new BillRunError(`the missing-interval threshold must be a whole number ≥ 0 (got ${maxMissing})`);
  const processes = params.processes ?? 0;
  if (processes > 0 && (params.databaseUrl === undefined || params.launchProcesses === undefined))
    throw new BillRunError(`worker processes need the database URL and a launcher (bill-run-processes.ts)`);
  return { batchSize, processes };
}

/** Progress at the start of a pass: every item counts; those drafted in earlier passes are done. */
async function initialProgress(pool: pg.Pool, billRunId: string): Promise<BillRunProgress> {
  const counts = await pool.query<{ status: string; n: number }>(
    `SELECT status::text, count(*)::int AS n FROM bill_run_item WHERE bill_run_id = $1 GROUP BY status`,
    [billRunId],
  );
  const count = (s: string) => counts.rows.find((r) => r.status === s)?.n ?? 0;
  return {
    billRunId,
    total: counts.rows.reduce((a, r) => a + r.n, 0),
    done: count("drafted"),
    drafted: count("drafted"),
    failed: 0,
    incomplete: 0,
  };
}

/**
 * Bills the open PODs of the month's run (pending, failed, incomplete), chunk by chunk: `workers`
 * loops in this process, or `processes` worker processes (`bill-run-worker.ts`), all claiming the
 * run's chunks from Postgres. Progress: `onProgress` after each chunk (in-process) or polled from
 * `bill_run_chunk` (processes); the items' states are what the admin page reads.
 */
export async function runBill(pool: pg.Pool, params: BillRunParams): Promise<BillRunSummary> {
  const t0 = performance.now();
  const { batchSize, processes } = checkedRunParams(params);
  await checkPeriodEnded(pool, params.period, params.now ?? new Date());
  const prepared = await prepareBillRun(pool, params.period, { chunkSize: batchSize });
  const run = await loadRunContext(pool, prepared.id, params);
  const timings = {
    prepareMs: performance.now() - t0,
    sqlMs: 0,
    nodeMs: 0,
    writeMs: 0,
    compactMs: 0,
    totalMs: 0,
  };
  const progress = await initialProgress(pool, run.id);
  params.onProgress?.({ ...progress });
  if (processes > 0) {
    const launch = params.launchProcesses as WorkerProcessLauncher;
    const t = await launch(pool, run, params, processes, progress);
    for (const k of ["sqlMs", "nodeMs", "writeMs", "compactMs"] as const) timings[k] += t[k];
  } else {
    const workers = Math.max(1, params.workers ?? 1);
    await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        billRunWorker(pool, run, {
          signal: params.signal,
          worker: `${process.pid}:${w}`,
          timings,
          onChunk: (r) => {
            progress.done += r.drafted + r.incomplete;
            progress.drafted += r.drafted;
            progress.incomplete += r.incomplete;
            progress.failed += r.failed;
            params.onProgress?.({ ...progress });
          },
        }),
      ),
    );
  }
  const interrupted = params.signal?.aborted === true;
  if (!interrupted) {
    await pool.query(
      `UPDATE bill_run SET status = 'completed', finished_at = now()
       WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM bill_run_item WHERE bill_run_id = $1 AND status IN ${OPEN_ITEMS})
         AND NOT EXISTS (SELECT 1 FROM bill_run_chunk WHERE bill_run_id = $1 AND status = 'pending')`,
      [run.id],
    );
  }
  timings.totalMs = performance.now() - t0;
  const ms = (x: number) => Math.round(x);
  return {
    ...progress,
    status: interrupted ? "interrupted" : "completed",
    periodStart: run.start,
    periodEnd: run.end,
    timings: {
      sqlMs: ms(timings.sqlMs),
      nodeMs: ms(timings.nodeMs),
      writeMs: ms(timings.writeMs),
      compactMs: ms(timings.compactMs),
      prepareMs: ms(timings.prepareMs),
      totalMs: ms(timings.totalMs),
    },
  };
}

/** Issues every draft of a bill run, in chunks (each chunk one transaction with gapless numbers). */
export async function issueBillRun(
  pool: pg.Pool,
  billRunId: string,
  {
    issueDate,
    chunk = 5000,
    onProgress,
  }: { issueDate?: string; chunk?: number; onProgress?: (issued: number) => void } = {},
): Promise<{ issued: number; first?: string; last?: string }> {
  let issued = 0;
  let first: string | undefined;
  let last: string | undefined;
  for (;;) {
    const res = await issueInvoices(pool, { billRunId }, { issueDate, limit: chunk });
    if (res.issued.length === 0) break;
    issued += res.issued.length;
    first ??= res.issued[0]?.number;
    last = res.issued[res.issued.length - 1]?.number;
    onProgress?.(issued);
  }
  return { issued, first, last };
}

export type IncompleteItem = {
  podId: string;
  invoiceId: string | null;
  expected: number;
  present: number;
  missing: number;
  ranges: Completeness["ranges"];
  rangeCount: number;
};

/** The run's items drafted from incomplete data (their drafts are held), in POD order. */
export async function incompleteItems(
  db: Queryable,
  billRunId: string,
  limit = 100,
): Promise<IncompleteItem[]> {
  const r = await db.query<{
    pod_id: string;
    invoice_id: string | null;
    expected_intervals: number;
    intervals: number;
    missing_intervals: number;
    missing_ranges: Completeness["ranges"] | null;
    missing_range_count: number | null;
  }>(
    `SELECT pod_id, invoice_id::text, expected_intervals, intervals, missing_intervals, missing_ranges,
            missing_range_count
     FROM bill_run_item WHERE bill_run_id = $1 AND status = 'incomplete' ORDER BY pod_id LIMIT $2`,
    [billRunId, limit],
  );
  return r.rows.map((x) => ({
    podId: x.pod_id,
    invoiceId: x.invoice_id,
    expected: x.expected_intervals,
    present: x.intervals,
    missing: x.missing_intervals,
    ranges: x.missing_ranges ?? [],
    rangeCount: x.missing_range_count ?? 0,
  }));
}

/** The id of the bill run of a month, if any. */
export async function billRunIdOf(pool: pg.Pool, period: string): Promise<string | undefined> {
  const { start } = monthPeriod(period);
  const r = await pool.query<{ id: string }>(`SELECT id FROM bill_run WHERE period_start = $1`, [start]);
  return r.rows[0]?.id;
}
