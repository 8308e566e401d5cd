// `c4e bill-run --period YYYY-MM`: bills every POD supplied in the month. One bill_run row per month
// and one bill_run_item per POD hold the progress; each batch of PODs is committed with its drafts
// and item states in one transaction, so an interrupted run resumes where it stopped and a re-run
// creates no duplicates (unique (bill_run_id, pod_id, kind) on invoice, (bill_run_id, pod_id) on items).
import {
  type AdvanceDeduction,
  type Consumption,
  type ContractTerms,
  type Invoice,
  type NetworkCharge,
  type Tariff,
  type TouWindow,
  BillingDecimal,
  computeInvoice,
  expectedIntervals,
  formatDecimal,
  missingIntervalRanges,
  parseTariff,
  periodInstants,
  touWindows,
} from "@c4e/domain";
import type pg from "pg";
import {
  aggregateDynamicCost,
  aggregatePodIntervals,
  missingIntervalGaps,
  type PodDynamicCost,
  type PodIntervalGaps,
  type PodIntervalSums,
  toAggregatedConsumption,
} from "./aggregate-intervals.ts";
import {
  aggregateCompactDynamicCost,
  aggregateCompactIntervals,
  compactIntervalGaps,
  compactIntervals,
  utcDaysCovering,
} from "./compact-intervals.ts";
import { type Queryable, withTransaction } from "./db.ts";
import { type DraftInvoiceParams, insertDraftInvoices, issueInvoices } from "./invoice-store.ts";

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

/** How many merged ranges of missing intervals an incomplete item keeps (the count covers all). */
export const MISSING_RANGES_KEPT = 10;

/** The data coverage of an AMR POD in its billed period, stored with the bill run item. */
export type Completeness = {
  expected: number;
  present: number;
  missing: number;
  /** the first merged ranges of missing intervals (ISO instants, end exclusive) */
  ranges: { start: string; end: string; intervals: number }[];
  rangeCount: number;
};

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

export class BillRunError extends Error {
  override name = "BillRunError";
}

/** "2026-10" → { start: "2026-10-01", end: "2026-11-01" } */
export function monthPeriod(period: string): { start: string; end: string } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!m) throw new BillRunError(`--period must be YYYY-MM (got ${JSON.stringify(period)})`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, "0")}`;
  return { start: `${period}-01`, end: `${next}-01` };
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

/** POD, contract, customer, tariff and grid meter of a POD: `${POD_CONTEXT_SELECT} WHERE …`. */
export const POD_CONTEXT_SELECT = `SELECT p.id AS pod_id, p.identifier, p.name AS pod_name, p.address AS pod_address, p.metering::text,
         p.annual_reference_kwh::text, p.monthly_forecast_kwh::text[] AS monthly_forecast_kwh, p.time_zone,
         p.market_zone, p.sign_in_date::text, p.sign_out_date::text,
         p.network_charges_payer::text, nt.tariff AS network_tariff,
         c.id AS contract_id, c.number AS contract_number, c.valid_from::text AS contract_from,
         c.valid_to::text AS contract_to, c.payment_terms_days, c.advance_mode::text, c.advance_basis::text,
         c.advance_percent::text, c.price_includes_levy, c.invoice_series,
         CASE WHEN c.energy_tariff IS NOT NULL THEN 'contract:' || c.id
              WHEN c.product_version IS NOT NULL THEN 'product:' || c.product_id || '@' || c.product_version
              ELSE 'product:' || c.product_id END AS tariff_key,
         coalesce(c.energy_tariff, pv.tariff, pr.tariff) AS tariff,
         cu.id AS customer_id, cu.name AS customer_name,
         (SELECT m.id FROM meter m WHERE m.site_id = p.site_id AND m.kind = 'grid' ORDER BY m.id LIMIT 1) AS meter_id
       FROM pod p
       JOIN contract c ON c.id = p.contract_id
       JOIN customer cu ON cu.id = c.customer_id
       LEFT JOIN product pr ON pr.id = c.product_id
       LEFT JOIN product_version pv ON pv.product_id = c.product_id AND pv.version = c.product_version
       LEFT JOIN network_tariff nt ON nt.id = p.network_tariff_id`;

export type PodContext = {
  pod_id: string;
  identifier: string;
  pod_name: string;
  pod_address: string;
  metering: "slp" | "amr";
  annual_reference_kwh: string;
  monthly_forecast_kwh: string[];
  time_zone: string;
  market_zone: string;
  sign_in_date: string;
  sign_out_date: string | null;
  network_charges_payer: "customer" | "trader";
  network_tariff: { charges?: NetworkCharge[] } | null;
  contract_id: string;
  contract_number: string;
  contract_from: string;
  contract_to: string | null;
  payment_terms_days: number;
  advance_mode: "none" | "percentage" | "fifteen_day";
  advance_basis: "forecast" | "annual_reference";
  advance_percent: string | null;
  price_includes_levy: boolean;
  invoice_series: string;
  tariff_key: string;
  tariff: unknown;
  customer_id: string;
  customer_name: string;
  meter_id: string | null;
};

/** The month's run as a worker needs it: period, parameters, policy. */
export type RunContext = {
  id: string;
  start: string;
  end: string;
  parameters: MonthParameters;
  vat: VatRates;
  maxMissing: number;
  compute: typeof computeInvoice;
  intervals: IntervalSource;
  compact: boolean;
};

/** Where a run reads interval data: the compact store (default) or the row-per-interval audit store. */
export type IntervalSource = "compact" | "reading_interval";

export type ChunkResult = { drafted: number; incomplete: number; failed: number; pods: number };

/** Per-worker caches (parsed tariffs, TOU windows per group). */
type WorkerCaches = { tariffs: Map<string, Tariff | string>; windows: Map<string, TouWindow[]> };

/** Timings of one worker, in ms. */
export type WorkerTimings = { sqlMs: number; nodeMs: number; writeMs: number; compactMs: number };

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
  if (!row) throw new BillRunError(`no bill run ${billRunId}`);
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
      await client.query("BEGIN");
      let done = false;
      try {
        const claimed = await client.query<{
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
        if (!chunk) {
          done = true;
        } else {
          const r = await billChunk(client, run, chunk.first_pod_id, chunk.last_pod_id, caches, timings);
          await client.query(
            `UPDATE bill_run_chunk SET status = 'done', finished_at = now(), worker = $4,
               drafted = $5, incomplete = $6, failed = $7
             WHERE bill_run_id = $1 AND pass = $2 AND chunk_no = $3`,
            [run.id, chunk.pass, chunk.chunk_no, opts.worker ?? null, r.drafted, r.incomplete, r.failed],
          );
          await client.query("COMMIT");
          total.drafted += r.drafted;
          total.incomplete += r.incomplete;
          total.failed += r.failed;
          total.pods += r.pods;
          total.chunks += 1;
          opts.onChunk?.(r);
          continue;
        }
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      }
      if (done) break;
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
  const batch = await db.query<PodContext>(
    `${POD_CONTEXT_SELECT}
     JOIN bill_run_item it ON it.pod_id = p.id
     WHERE it.bill_run_id = $1 AND it.status IN ${OPEN_ITEMS} AND it.pod_id >= $2 AND it.pod_id <= $3
     ORDER BY it.pod_id`,
    [run.id, first, last],
  );
  timings.sqlMs += performance.now() - t;
  if (batch.rows.length === 0) return { drafted: 0, incomplete: 0, failed: 0, pods: 0 };

  const { drafts, failures } = await draftChunk(db, run, batch.rows, caches, timings);

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
    pods: batch.rows.length,
  };
}

type ChunkDraft = {
  podId: string;
  draft: DraftInvoiceParams;
  intervals: number | null;
  expected: number | null;
  completeness: Completeness | null;
};

/**
 * The drafts of `contexts` (PODs of one run): interval sums from the run's interval source (the
 * compact store, compacted first, or reading_interval), advances, and the domain's invoice. Writes
 * nothing but the compaction.
 */
async function draftChunk(
  db: Queryable,
  run: RunContext,
  contexts: PodContext[],
  caches: WorkerCaches,
  timings: WorkerTimings,
): Promise<{ drafts: ChunkDraft[]; failures: { podId: string; error: string }[] }> {
  const maxMissing = run.maxMissing;
  let t = performance.now();
  // Group the AMR PODs by (tariff, time zone, billed period): one set of windows, one SQL query each.
  type Job = { ctx: PodContext; period: { start: string; end: string }; tariff: Tariff };
  const jobs: Job[] = [];
  const failures: { podId: string; error: string }[] = [];
  for (const ctx of contexts) {
    let tariff = caches.tariffs.get(ctx.tariff_key);
    if (tariff === undefined) {
      const parsed = parseTariff(ctx.tariff);
      tariff = parsed.ok
        ? parsed.tariff
        : `invalid tariff ${ctx.tariff_key}: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`;
      caches.tariffs.set(ctx.tariff_key, tariff);
    }
    if (typeof tariff === "string") {
      failures.push({ podId: ctx.pod_id, error: tariff });
      continue;
    }
    const start = maxDate(run.start, ctx.sign_in_date, ctx.contract_from);
    const end = minDate(run.end, ctx.sign_out_date, ctx.contract_to);
    jobs.push({ ctx, period: { start, end }, tariff });
  }
  const groups = new Map<string, Job[]>();
  for (const job of jobs) {
    if (job.ctx.metering !== "amr") continue;
    if (job.ctx.meter_id === null) continue;
    const key = `${job.ctx.tariff_key}|${job.ctx.time_zone}|${job.period.start}|${job.period.end}`;
    groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  timings.nodeMs += performance.now() - t;

  // Compact first: the chunk's meters over the month's UTC days, from the audit store (writes only
  // the days that changed; nothing when the compact store is current).
  if (run.intervals === "compact" && run.compact) {
    t = performance.now();
    const meterIds = [...new Set(jobs.flatMap((j) => (j.ctx.meter_id === null ? [] : [j.ctx.meter_id])))];
    if (meterIds.length > 0) {
      let fromMs = Infinity;
      let toMs = -Infinity;
      for (const j of jobs) {
        const { startMs, endMs } = periodInstants(j.period, j.ctx.time_zone);
        fromMs = Math.min(fromMs, startMs);
        toMs = Math.max(toMs, endMs);
      }
      if (fromMs < toMs) await compactIntervals(db, { ...utcDaysCovering(fromMs, toMs), meterIds });
    }
    timings.compactMs += performance.now() - t;
  }

  const compactStore = run.intervals === "compact";
  const sums = new Map<string, PodIntervalSums>();
  const dynamicCosts = new Map<string, PodDynamicCost>();
  const gaps = new Map<string, PodIntervalGaps>();
  const expectedOf = new Map<string, number>();
  for (const [key, group] of groups) {
    const head = group[0] as Job;
    let windows = caches.windows.get(key);
    if (!windows) {
      windows = touWindows({ tariff: head.tariff, period: head.period, timeZone: head.ctx.time_zone });
      caches.windows.set(key, windows);
    }
    const { startMs, endMs } = periodInstants(head.period, head.ctx.time_zone);
    t = performance.now();
    const meters = group.map((j) => ({ podId: j.ctx.pod_id, meterId: j.ctx.meter_id as string }));
    const aggregate = compactStore ? aggregateCompactIntervals : aggregatePodIntervals;
    const result = await aggregate(db, {
      meters,
      windows,
      start: new Date(startMs),
      end: new Date(endMs),
      demandMinutes: head.tariff.demand?.resolutionMinutes,
    });
    for (const [podId, s] of result) sums.set(podId, s);
    // Completeness: the intervals the supplied part of the month has (local days, DST-aware),
    // against those found. Only the PODs short of data get a second query, for where the gaps are.
    const expected = expectedIntervals({ period: head.period, timeZone: head.ctx.time_zone }).total;
    for (const j of group) expectedOf.set(j.ctx.pod_id, expected);
    const short = group.filter((j) => {
      const s = result.get(j.ctx.pod_id);
      return s !== undefined && s.intervals > 0 && s.offGrid === 0 && expected - s.intervals > maxMissing;
    });
    if (short.length > 0) {
      const findGaps = compactStore ? compactIntervalGaps : missingIntervalGaps;
      const found = await findGaps(db, {
        meters: short.map((j) => ({ podId: j.ctx.pod_id, meterId: j.ctx.meter_id as string })),
        start: new Date(startMs),
        end: new Date(endMs),
        limit: MISSING_RANGES_KEPT,
      });
      for (const [podId, g] of found) gaps.set(podId, g);
    }
    if (head.tariff.dynamic !== undefined) {
      const dynamic = compactStore ? aggregateCompactDynamicCost : aggregateDynamicCost;
      const costs = await dynamic(db, {
        meters: group.map((j) => ({
          podId: j.ctx.pod_id,
          meterId: j.ctx.meter_id as string,
          zone: j.ctx.market_zone,
        })),
        start: new Date(startMs),
        end: new Date(endMs),
        resolutionMinutes: head.tariff.dynamic.resolutionMinutes,
        currency: head.tariff.currency,
      });
      for (const [podId, c] of costs) dynamicCosts.set(podId, c);
    }
    timings.sqlMs += performance.now() - t;
  }
  t = performance.now();
  const advances = await advancesOf(
    db,
    jobs.map((j) => j.ctx.pod_id),
    run.start,
    run.end,
  );
  timings.sqlMs += performance.now() - t;

  t = performance.now();
  const drafts: ChunkDraft[] = [];
  for (const { ctx, period, tariff } of jobs) {
    try {
      let consumption: Consumption;
      let intervals: number | null = null;
      let expected: number | null = null;
      let completeness: Completeness | null = null;
      if (ctx.metering === "amr") {
        const s = sums.get(ctx.pod_id);
        if (ctx.meter_id === null || s === undefined)
          throw new BillRunError(`AMR POD without a grid meter (no linked site)`);
        if (s.offGrid > 0) throw new BillRunError(`${s.offGrid} intervals do not start on the quarter hour`);
        expected = expectedOf.get(ctx.pod_id) ?? null;
        intervals = s.intervals;
        if (s.intervals === 0) throw new BillRunError(`no interval data in ${period.start}..${period.end}`);
        const g = gaps.get(ctx.pod_id);
        if (expected !== null && g !== undefined) {
          const merged = missingIntervalRanges({ missing: g.gaps, limit: MISSING_RANGES_KEPT });
          completeness = {
            expected,
            present: s.intervals,
            missing: expected - s.intervals,
            ranges: merged.ranges.map((r) => ({
              start: new Date(r.startMs).toISOString(),
              end: new Date(r.endMs).toISOString(),
              intervals: r.intervals,
            })),
            rangeCount: Math.max(g.gapCount, merged.rangeCount),
          };
        }
        consumption = toAggregatedConsumption(s, {
          bands: tariff.tou ? tariff.tou.bands.map((b) => b.code) : ["all"],
          demandMinutes: tariff.demand?.resolutionMinutes,
        });
        if (tariff.dynamic !== undefined) {
          const d = dynamicCosts.get(ctx.pod_id);
          if (d === undefined || d.missing > 0)
            throw new BillRunError(
              `market_price_missing: ${d?.missing ?? s.intervals} intervals without a ${tariff.dynamic.resolutionMinutes}-minute ${tariff.currency} price in zone ${ctx.market_zone}`,
            );
          consumption.dynamicCost = {
            energyKwh: consumption.importKwh,
            cost: formatDecimal(new BillingDecimal(d.costWhTimesPrice).div(1000)),
          };
        }
      } else {
        consumption = { kind: "slp", annualKwh: ctx.annual_reference_kwh };
      }
      const terms = contractTerms(ctx, run.parameters, run.vat);
      const own = advances.get(ctx.pod_id);
      const invoice: Invoice = run.compute({
        tariff,
        terms,
        period,
        timeZone: ctx.time_zone,
        consumption,
        advances: own?.advances ?? [],
        alreadyDeducted: own?.alreadyDeducted ?? [],
      });
      drafts.push({
        podId: ctx.pod_id,
        intervals,
        expected,
        completeness,
        draft: {
          holdReason: completeness ? "incomplete_data" : null,
          invoice,
          contractId: ctx.contract_id,
          podId: ctx.pod_id,
          billRunId: run.id,
          seriesId: ctx.invoice_series,
          buyer: {
            customerId: ctx.customer_id,
            customerName: ctx.customer_name,
            customerAddress: ctx.pod_address,
            contractNumber: ctx.contract_number,
            podIdentifier: ctx.identifier,
            podAddress: ctx.pod_address,
          },
          paymentTermsDays: ctx.payment_terms_days,
          // What a correction re-bills (consumption) and the terms billed; the tariff by reference
          // (tariff_key): a copy per invoice adds ≈ 1 KB each, and a correction diffs against the
          // issued lines anyway.
          billingInput: {
            tariffKey: ctx.tariff_key,
            terms,
            period,
            timeZone: ctx.time_zone,
            consumption,
          },
        },
      });
    } catch (err) {
      failures.push({ podId: ctx.pod_id, error: (err as Error).message });
    }
  }
  timings.nodeMs += performance.now() - t;

  return { drafts, failures };
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
  const contexts = await pool.query<PodContext>(
    `${POD_CONTEXT_SELECT} WHERE p.id = ANY($1::text[]) ORDER BY p.id`,
    [params.podIds],
  );
  const timings: WorkerTimings = { sqlMs: 0, nodeMs: 0, writeMs: 0, compactMs: 0 };
  const caches: WorkerCaches = { tariffs: new Map(), windows: new Map() };
  const client = await pool.connect();
  try {
    await client.query("SET jit = off");
    const { drafts, failures } = await draftChunk(client, run, contexts.rows, caches, timings);
    const out = new Map<string, { invoice: Invoice; held: boolean } | { error: string }>();
    for (const d of drafts) out.set(d.podId, { invoice: d.draft.invoice, held: d.completeness !== null });
    for (const f of failures) out.set(f.podId, { error: f.error });
    return out;
  } finally {
    client.release();
  }
}

/**
 * Bills the open PODs of the month's run (pending, failed, incomplete), chunk by chunk: `workers`
 * loops in this process, or `processes` worker processes (`bill-run-worker.ts`), all claiming the
 * run's chunks from Postgres. Progress: `onProgress` after each chunk (in-process) or polled from
 * `bill_run_chunk` (processes); the items' states are what the admin page reads.
 */
export async function runBill(pool: pg.Pool, params: BillRunParams): Promise<BillRunSummary> {
  const t0 = performance.now();
  const batchSize = params.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new BillRunError(`the batch size must be a whole number ≥ 1 (got ${batchSize})`);
  const maxMissing = params.maxMissingIntervals ?? 0;
  if (!Number.isInteger(maxMissing) || maxMissing < 0)
    throw new BillRunError(`the missing-interval threshold must be a whole number ≥ 0 (got ${maxMissing})`);
  const processes = params.processes ?? 0;
  if (processes > 0 && (params.databaseUrl === undefined || params.launchProcesses === undefined))
    throw new BillRunError(`worker processes need the database URL and a launcher (bill-run-processes.ts)`);
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
  const counts = await pool.query<{ status: string; n: number }>(
    `SELECT status::text, count(*)::int AS n FROM bill_run_item WHERE bill_run_id = $1 GROUP BY status`,
    [run.id],
  );
  const count = (s: string) => counts.rows.find((r) => r.status === s)?.n ?? 0;
  const progress: BillRunProgress = {
    billRunId: run.id,
    total: counts.rows.reduce((a, r) => a + r.n, 0),
    done: count("drafted"),
    drafted: count("drafted"),
    failed: 0,
    incomplete: 0,
  };
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

export function maxDate(...dates: (string | null)[]): string {
  return dates.filter((d): d is string => d !== null).reduce((a, b) => (b > a ? b : a));
}

export function minDate(...dates: (string | null)[]): string {
  return dates.filter((d): d is string => d !== null).reduce((a, b) => (b < a ? b : a));
}

export type MonthParameters = Map<string, string>;

export async function monthParameters(pool: pg.Pool, monthStart: string): Promise<MonthParameters> {
  const r = await pool.query<{ code: string; value: string }>(
    `SELECT code, value::text FROM monthly_parameter WHERE month = $1`,
    [monthStart],
  );
  return new Map(r.rows.map((x) => [x.code, x.value]));
}

export type VatRates = { defaultRate: string; byGroup: Partial<Record<string, string>> };

/** VAT per line group from the billing items (the energy item's rate is the default). */
export async function vatRates(pool: pg.Pool): Promise<VatRates> {
  const r = await pool.query<{ group: string; rates: string[] }>(
    `SELECT "group"::text, array_agg(DISTINCT trim_scale(vat_rate)::text) AS rates FROM billing_item GROUP BY "group"`,
  );
  const byGroup: Record<string, string> = {};
  for (const row of r.rows) if (row.rates.length === 1) byGroup[row.group] = row.rates[0] as string;
  return { defaultRate: byGroup.energy ?? "19", byGroup };
}

/** The domain's contract terms from the contract, the POD's network tariff and the month's parameters. */
export function contractTerms(ctx: PodContext, parameters: MonthParameters, vat: VatRates): ContractTerms {
  const { energy: _energy, ...others } = vat.byGroup;
  const byGroup = Object.fromEntries(Object.entries(others).filter(([, rate]) => rate !== vat.defaultRate));
  const terms: ContractTerms = {
    vatRate: vat.defaultRate,
    ...(Object.keys(byGroup).length > 0 ? { vatRateByGroup: byGroup } : {}),
    priceIncludesLevy: ctx.price_includes_levy,
    paymentTermsDays: ctx.payment_terms_days,
  };
  if (!ctx.price_includes_levy) {
    const unit = parameters.get("levy_unit_price");
    if (unit === undefined)
      throw new BillRunError(`monthly parameter levy_unit_price missing for the period`);
    const ratio = parameters.get("levy_ratio") ?? "1";
    terms.levy = { code: "levy", description: "Renewable levy", price: multiplyDecimal(unit, ratio) };
  }
  const charges = ctx.network_tariff?.charges;
  if (charges && charges.length > 0) terms.network = { paidBy: ctx.network_charges_payer, charges };
  if (ctx.advance_mode === "percentage" && ctx.advance_percent) {
    terms.advances = { basis: "percentage", percentage: ctx.advance_percent };
  } else if (ctx.advance_mode === "fifteen_day") {
    terms.advances = { basis: "fifteen_days" };
  }
  return terms;
}

/** Exact product of two non-negative decimal strings. */
export function multiplyDecimal(a: string, b: string): string {
  const scale = (s: string) => (s.split(".")[1] ?? "").length;
  const digits = (s: string) => BigInt(s.replace(".", ""));
  const n = digits(a) * digits(b);
  const sc = scale(a) + scale(b);
  if (sc === 0) return n.toString();
  const text = n.toString().padStart(sc + 1, "0");
  const out = `${text.slice(0, -sc)}.${text.slice(-sc)}`.replace(/0+$/, "").replace(/\.$/, "");
  return out;
}

/** Issued advance invoices of the month per POD, and the references earlier invoices already deducted. */
async function advancesOf(
  pool: Queryable,
  podIds: string[],
  start: string,
  end: string,
): Promise<Map<string, { advances: AdvanceDeduction[]; alreadyDeducted: string[] }>> {
  const out = new Map<string, { advances: AdvanceDeduction[]; alreadyDeducted: string[] }>();
  if (podIds.length === 0) return out;
  const r = await pool.query<{
    pod_id: string;
    number: string | null;
    total_minor: string;
    deducted: string[] | null;
  }>(
    `SELECT pod_id, number, total_minor::text, NULL::text[] AS deducted FROM invoice
     WHERE pod_id = ANY($1::text[]) AND kind = 'advance' AND status = 'issued' AND period_start >= $2 AND period_start < $3
     UNION ALL
     SELECT pod_id, NULL, '0', array(SELECT jsonb_array_elements(advances_deducted) ->> 'reference') FROM invoice
     WHERE pod_id = ANY($1::text[]) AND kind IN ('monthly', 'settlement') AND status <> 'voided'
       AND jsonb_array_length(advances_deducted) > 0`,
    [podIds, start, end],
  );
  for (const row of r.rows) {
    const entry = out.get(row.pod_id) ?? { advances: [], alreadyDeducted: [] };
    if (row.number !== null)
      entry.advances.push({ reference: row.number, amountMinor: BigInt(row.total_minor) });
    if (row.deducted) entry.alreadyDeducted.push(...row.deducted);
    out.set(row.pod_id, entry);
  }
  return out;
}
