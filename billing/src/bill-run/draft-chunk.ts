/**
 * The drafts of one chunk of a bill run, computed but not stored: tariffs parsed, the chunk's meters
 * compacted, interval sums, gaps and market costs aggregated in SQL per (tariff, time zone, period),
 * then each POD's consumption and the domain's invoice.
 */
import {
  type AdvanceDeduction,
  type Consumption,
  type Invoice,
  type Tariff,
  BillingDecimal,
  expectedIntervals,
  formatDecimal,
  missingIntervalRanges,
  parseTariff,
  periodInstants,
  touWindows,
} from "@c4e/domain";
import {
  type PodDynamicCost,
  type PodIntervalGaps,
  type PodIntervalSums,
  aggregateDynamicCost,
  aggregatePodIntervals,
  missingIntervalGaps,
  toAggregatedConsumption,
  whToKwh,
} from "../aggregate-intervals.ts";
import { dailyPeakDemand } from "../daily-demand.ts";
import {
  aggregateCompactDynamicCost,
  aggregateCompactIntervals,
  compactIntervalGaps,
  compactIntervals,
  utcDaysCovering,
} from "../compact-intervals.ts";
import type { Queryable } from "@c4e/prisma";
import type { DraftInvoiceParams } from "../invoice-store.ts";
import { BillRunError } from "./errors.ts";
import { type PodContext, type SupplyFacts, buyerOf, supplyFactsOf } from "./pod-context.ts";
import { contractTerms, maxDate, minDate } from "./terms.ts";
import {
  type Completeness,
  MISSING_RANGES_KEPT,
  type RunContext,
  type WorkerCaches,
  type WorkerTimings,
} from "./types.ts";

export type ChunkDraft = {
  podId: string;
  draft: DraftInvoiceParams;
  intervals: number | null;
  expected: number | null;
  completeness: Completeness | null;
};

export type ChunkFailure = { podId: string; error: string };

/** A POD to bill: its context, its billed part of the month and its parsed tariff. */
type Job = { ctx: PodContext; period: { start: string; end: string }; tariff: Tariff };

/** What SQL found for the chunk's AMR PODs, by POD id. */
type IntervalData = {
  sums: Map<string, PodIntervalSums>;
  dynamicCosts: Map<string, PodDynamicCost>;
  gaps: Map<string, PodIntervalGaps>;
  expectedOf: Map<string, number>;
  /** per POD with a demand charge per day: the peak bucket Wh of each local day */
  dailyPeaks: Map<string, Map<string, bigint>>;
};

/**
 * The drafts of `contexts` (PODs of one run): interval sums from the run's interval source (the
 * compact store, compacted first, or reading_interval), advances, and the domain's invoice. Writes
 * nothing but the compaction.
 */
export async function draftChunk(
  db: Queryable,
  run: RunContext,
  contexts: PodContext[],
  caches: WorkerCaches,
  timings: WorkerTimings,
): Promise<{ drafts: ChunkDraft[]; failures: ChunkFailure[] }> {
  let t = performance.now();
  const { jobs, failures } = jobsOf(run, contexts, caches);
  const groups = groupsOf(jobs);
  timings.nodeMs += performance.now() - t;

  if (run.intervals === "compact" && run.compact) {
    t = performance.now();
    await compactChunk(db, jobs);
    timings.compactMs += performance.now() - t;
  }
  const data = await aggregateGroups(db, run, groups, caches, timings);
  t = performance.now();
  const advances = await advancesOf(
    db,
    jobs.map((j) => j.ctx.pod_id),
    run.start,
    run.end,
  );
  const supply = await supplyFactsOf(db, jobs);
  timings.sqlMs += performance.now() - t;

  t = performance.now();
  const drafts: ChunkDraft[] = [];
  for (const job of jobs) {
    try {
      drafts.push(draftOf(run, job, data, advances.get(job.ctx.pod_id), supply.get(job.ctx.pod_id)));
    } catch (err) {
      failures.push({ podId: job.ctx.pod_id, error: (err as Error).message });
    }
  }
  timings.nodeMs += performance.now() - t;
  return { drafts, failures };
}

/** The PODs to bill with their parsed tariff (cached per tariff key); an invalid tariff fails its POD. */
function jobsOf(
  run: RunContext,
  contexts: PodContext[],
  caches: WorkerCaches,
): { jobs: Job[]; failures: ChunkFailure[] } {
  const jobs: Job[] = [];
  const failures: ChunkFailure[] = [];
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
  return { jobs, failures };
}

/** The AMR PODs with a meter by (tariff, time zone, billed period): one set of windows, one SQL query each. */
function groupsOf(jobs: Job[]): Map<string, Job[]> {
  const groups = new Map<string, Job[]>();
  for (const job of jobs) {
    if (job.ctx.metering !== "amr") continue;
    if (job.ctx.meter_id === null) continue;
    const key = `${job.ctx.tariff_key}|${job.ctx.time_zone}|${job.period.start}|${job.period.end}`;
    groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  return groups;
}

/**
 * Compacts the chunk's meters over the month's UTC days from the audit store first (writes only the
 * days that changed; nothing when the compact store is current).
 */
async function compactChunk(db: Queryable, jobs: Job[]): Promise<void> {
  const meterIds = [...new Set(jobs.flatMap((j) => (j.ctx.meter_id === null ? [] : [j.ctx.meter_id])))];
  if (meterIds.length === 0) return;
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const j of jobs) {
    const { startMs, endMs } = periodInstants(j.period, j.ctx.time_zone);
    fromMs = Math.min(fromMs, startMs);
    toMs = Math.max(toMs, endMs);
  }
  if (fromMs < toMs) await compactIntervals(db, { ...utcDaysCovering(fromMs, toMs), meterIds });
}

/** Interval sums per band, the gaps of PODs short of data and market costs, one group at a time. */
async function aggregateGroups(
  db: Queryable,
  run: RunContext,
  groups: Map<string, Job[]>,
  caches: WorkerCaches,
  timings: WorkerTimings,
): Promise<IntervalData> {
  const compactStore = run.intervals === "compact";
  const data: IntervalData = {
    sums: new Map(),
    dynamicCosts: new Map(),
    gaps: new Map(),
    expectedOf: new Map(),
    dailyPeaks: new Map(),
  };
  for (const [key, group] of groups) {
    const head = group[0] as Job;
    let windows = caches.windows.get(key);
    if (!windows) {
      windows = touWindows({ tariff: head.tariff, period: head.period, timeZone: head.ctx.time_zone });
      caches.windows.set(key, windows);
    }
    const { startMs, endMs } = periodInstants(head.period, head.ctx.time_zone);
    const start = new Date(startMs);
    const end = new Date(endMs);
    const t = performance.now();
    const meters = group.map((j) => ({ podId: j.ctx.pod_id, meterId: j.ctx.meter_id as string }));
    const aggregate = compactStore ? aggregateCompactIntervals : aggregatePodIntervals;
    const result = await aggregate(db, {
      meters,
      windows,
      start,
      end,
      demandMinutes: head.tariff.demand?.resolutionMinutes,
    });
    for (const [podId, s] of result) data.sums.set(podId, s);
    // Completeness: the intervals the supplied part of the month has (local days, DST-aware),
    // against those found. Only the PODs short of data get a second query, for where the gaps are.
    const expected = expectedIntervals({ period: head.period, timeZone: head.ctx.time_zone }).total;
    for (const j of group) data.expectedOf.set(j.ctx.pod_id, expected);
    const short = group.filter((j) => {
      const s = result.get(j.ctx.pod_id);
      return s !== undefined && s.intervals > 0 && s.offGrid === 0 && expected - s.intervals > run.maxMissing;
    });
    if (short.length > 0) {
      const findGaps = compactStore ? compactIntervalGaps : missingIntervalGaps;
      const found = await findGaps(db, {
        meters: short.map((j) => ({ podId: j.ctx.pod_id, meterId: j.ctx.meter_id as string })),
        start,
        end,
        limit: MISSING_RANGES_KEPT,
      });
      for (const [podId, g] of found) data.gaps.set(podId, g);
    }
    const demand = head.tariff.demand;
    if (demand?.per === "day") {
      const peaks = await dailyPeakDemand(db, {
        meters,
        start,
        end,
        timeZone: head.ctx.time_zone,
        demandMinutes: demand.resolutionMinutes,
        source: compactStore ? "compact" : "reading_interval",
      });
      for (const [podId, p] of peaks) data.dailyPeaks.set(podId, p);
    }
    if (head.tariff.dynamic !== undefined) {
      const dynamic = compactStore ? aggregateCompactDynamicCost : aggregateDynamicCost;
      const costs = await dynamic(db, {
        meters: group.map((j) => ({
          podId: j.ctx.pod_id,
          meterId: j.ctx.meter_id as string,
          zone: j.ctx.market_zone,
        })),
        start,
        end,
        resolutionMinutes: head.tariff.dynamic.resolutionMinutes,
        currency: head.tariff.currency,
      });
      for (const [podId, c] of costs) data.dynamicCosts.set(podId, c);
    }
    timings.sqlMs += performance.now() - t;
  }
  return data;
}

type MeteredConsumption = {
  consumption: Consumption;
  intervals: number | null;
  expected: number | null;
  completeness: Completeness | null;
};

/** An AMR POD's consumption from its interval sums (with its completeness), or an SLP POD's profile. */
function consumptionOf({ ctx, period, tariff }: Job, data: IntervalData): MeteredConsumption {
  if (ctx.metering !== "amr") {
    return {
      consumption: { kind: "slp", annualKwh: ctx.annual_reference_kwh },
      intervals: null,
      expected: null,
      completeness: null,
    };
  }
  const s = data.sums.get(ctx.pod_id);
  if (ctx.meter_id === null || s === undefined)
    throw new BillRunError(`AMR POD without a grid meter (no linked site)`, "NO_GRID_METER");
  if (s.offGrid > 0)
    throw new BillRunError(`${s.offGrid} intervals do not start on the quarter hour`, "OFF_GRID_INTERVALS");
  const expected = data.expectedOf.get(ctx.pod_id) ?? null;
  if (s.intervals === 0)
    throw new BillRunError(`no interval data in ${period.start}..${period.end}`, "NO_INTERVAL_DATA");
  const g = data.gaps.get(ctx.pod_id);
  let completeness: Completeness | null = null;
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
  const consumption = toAggregatedConsumption(s, {
    bands: tariff.tou ? tariff.tou.bands.map((b) => b.code) : ["all"],
    demandMinutes: tariff.demand?.resolutionMinutes,
  });
  if (tariff.demand?.per === "day") {
    const minutes = BigInt(tariff.demand.resolutionMinutes);
    const peaks = data.dailyPeaks.get(ctx.pod_id) ?? new Map<string, bigint>();
    consumption.dailyPeakDemandKw = Object.fromEntries(
      [...peaks].map(([day, wh]) => [day, whToKwh((wh * 60n) / minutes)]),
    );
  }
  if (tariff.dynamic !== undefined) {
    const d = data.dynamicCosts.get(ctx.pod_id);
    if (d === undefined || d.missing > 0)
      throw new BillRunError(
        `market_price_missing: ${d?.missing ?? s.intervals} intervals without a ${tariff.dynamic.resolutionMinutes}-minute ${tariff.currency} price in zone ${ctx.market_zone}`,
        "MARKET_PRICE_MISSING",
      );
    consumption.dynamicCost = {
      energyKwh: consumption.importKwh,
      cost: formatDecimal(new BillingDecimal(d.costWhTimesPrice).div(1000)),
    };
  }
  return { consumption, intervals: s.intervals, expected, completeness };
}

type Advances = { advances: AdvanceDeduction[]; alreadyDeducted: string[] };

/** The domain's invoice of one POD as a draft to store (held when its data is incomplete). */
function draftOf(
  run: RunContext,
  job: Job,
  data: IntervalData,
  own: Advances | undefined,
  facts: SupplyFacts | undefined,
): ChunkDraft {
  const { ctx, period, tariff } = job;
  const { consumption, intervals, expected, completeness } = consumptionOf(job, data);
  const terms = contractTerms(ctx, run.parameters, run.vat);
  const computed: Invoice = run.compute({
    tariff,
    terms,
    period,
    timeZone: ctx.time_zone,
    consumption,
    advances: own?.advances ?? [],
    alreadyDeducted: own?.alreadyDeducted ?? [],
  });
  // Held until released; if it is released and issued, the document says it was billed incomplete.
  const invoice: Invoice =
    completeness === null
      ? computed
      : {
          ...computed,
          dataQuality: {
            incomplete: true,
            expectedIntervals: completeness.expected,
            foundIntervals: completeness.present,
            missingRanges: completeness.ranges,
            ...(completeness.rangeCount > completeness.ranges.length
              ? { missingRangeCount: completeness.rangeCount }
              : {}),
          },
        };
  return {
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
      buyer: buyerOf(ctx, { tariff, consumption, facts }),
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
  };
}

/** Issued advance invoices of the month per POD, and the references earlier invoices already deducted. */
async function advancesOf(
  pool: Queryable,
  podIds: string[],
  start: string,
  end: string,
): Promise<Map<string, Advances>> {
  const out = new Map<string, Advances>();
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
