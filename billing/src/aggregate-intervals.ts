// Interval data aggregated in Postgres, never loaded row by row into Node: per POD, the imported Wh
// per TOU band (the domain's touWindows joined as 15-minute slots), the exported Wh, the peak
// interval and the number of intervals. Source: the grid meter's `reading_interval` rows.
import type { AggregatedConsumption, TouWindow } from "@c4e/domain";
import type { Queryable } from "@c4e/prisma";

export type PodMeter = { podId: string; meterId: string };

export type PodIntervalSums = {
  importWhByBand: Map<string, bigint>;
  importWh: bigint;
  exportWh: bigint;
  /** the largest import of one demand bucket (Wh) */
  peakBucketWh: bigint;
  /** import intervals found in the period */
  intervals: number;
  /** import intervals whose start is in no window slot (off the quarter-hour grid) */
  offGrid: number;
};

const SLOT_MINUTES = 15;

/**
 * Sums the intervals of `meters` over `[start, end)` per band of `windows`. The windows are expanded
 * into 15-minute slots (a TOU boundary is always on the quarter hour) so the join is an equality
 * hash join, not a range join. `demandMinutes` 60 sums the imports per UTC hour before taking the
 * maximum (the domain's demand buckets); 15 (or none) takes the largest interval.
 */
export async function aggregatePodIntervals(
  db: Queryable,
  params: { meters: PodMeter[]; windows: TouWindow[]; start: Date; end: Date; demandMinutes?: 15 | 60 },
): Promise<Map<string, PodIntervalSums>> {
  const { meters, windows, start, end } = params;
  const hourly = params.demandMinutes === 60;
  const res = await db.query<{
    pod_id: string;
    band: string | null;
    import_wh: string;
    export_wh: string;
    peak_wh: string;
    intervals: number;
  }>(
    `WITH p AS (SELECT * FROM unnest($1::text[], $2::text[]) AS p(pod_id, meter_id)),
     slot AS (
       SELECT w.band, s AS start_at
       FROM unnest($3::text[], $4::timestamptz[], $5::timestamptz[]) AS w(band, ws, we),
            generate_series(w.ws, w.we - interval '1 millisecond', interval '${SLOT_MINUTES} minutes') AS s
     ),
     iv AS (
       -- LATERAL: one index range scan per meter (meter_id, register, start_at); a plain join lets
       -- the planner scan the whole period of every meter for each batch.
       SELECT p.pod_id, i.register, i.start_at, i.energy_wh
       FROM p CROSS JOIN LATERAL (
         SELECT r.register, r.start_at, r.energy_wh FROM reading_interval r
         WHERE r.meter_id = p.meter_id AND r.register IN ('import', 'export')
           AND r.start_at >= $6 AND r.start_at < $7
       ) AS i
     ),
     by_band AS (
       SELECT iv.pod_id, slot.band,
         coalesce(sum(iv.energy_wh) FILTER (WHERE iv.register = 'import'), 0) AS import_wh,
         coalesce(sum(iv.energy_wh) FILTER (WHERE iv.register = 'export'), 0) AS export_wh,
         coalesce(max(iv.energy_wh) FILTER (WHERE iv.register = 'import'), 0) AS peak_wh,
         count(*) FILTER (WHERE iv.register = 'import')::int AS intervals
       FROM iv LEFT JOIN slot ON slot.start_at = iv.start_at
       GROUP BY iv.pod_id, slot.band
     )
     ${
       hourly
         ? `, hourly AS (
              SELECT pod_id, max(wh) AS peak_wh FROM (
                SELECT pod_id, date_bin('1 hour', start_at, 'epoch'::timestamptz) AS h, sum(energy_wh) AS wh
                FROM iv WHERE register = 'import' GROUP BY 1, 2) AS x
              GROUP BY pod_id)
            SELECT b.pod_id, b.band, b.import_wh::text, b.export_wh::text, h.peak_wh::text, b.intervals
            FROM by_band b JOIN hourly h USING (pod_id)`
         : `SELECT pod_id, band, import_wh::text, export_wh::text, peak_wh::text, intervals FROM by_band`
     }`,
    [
      meters.map((m) => m.podId),
      meters.map((m) => m.meterId),
      windows.map((w) => w.band),
      windows.map((w) => w.start),
      windows.map((w) => w.end),
      start,
      end,
    ],
  );
  const out = new Map<string, PodIntervalSums>();
  for (const m of meters) {
    out.set(m.podId, {
      importWhByBand: new Map(),
      importWh: 0n,
      exportWh: 0n,
      peakBucketWh: 0n,
      intervals: 0,
      offGrid: 0,
    });
  }
  for (const r of res.rows) {
    const s = out.get(r.pod_id);
    if (!s) continue;
    const imp = BigInt(r.import_wh);
    if (r.band === null) {
      s.offGrid += r.intervals;
    } else {
      s.importWhByBand.set(r.band, (s.importWhByBand.get(r.band) ?? 0n) + imp);
    }
    s.importWh += imp;
    s.exportWh += BigInt(r.export_wh);
    const peak = BigInt(r.peak_wh);
    if (peak > s.peakBucketWh) s.peakBucketWh = peak;
    s.intervals += r.intervals;
  }
  return out;
}

/** Wh (integer) as an exact kWh decimal string: 12345n → "12.345". */
export function whToKwh(wh: bigint): string {
  const negative = wh < 0n;
  const abs = negative ? -wh : wh;
  const whole = abs / 1000n;
  const frac = (abs % 1000n).toString().padStart(3, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** The domain's pre-aggregated consumption from SQL sums (peak kW = peak bucket Wh × 60 / minutes / 1000). */
export function toAggregatedConsumption(
  sums: PodIntervalSums,
  { bands, demandMinutes }: { bands: string[]; demandMinutes?: 15 | 60 },
): AggregatedConsumption {
  const out: AggregatedConsumption = {
    kind: "aggregated",
    importKwhByBand: Object.fromEntries(bands.map((b) => [b, whToKwh(sums.importWhByBand.get(b) ?? 0n)])),
    importKwh: whToKwh(sums.importWh),
    exportKwh: whToKwh(sums.exportWh),
  };
  if (demandMinutes !== undefined)
    out.peakDemandKw = whToKwh((sums.peakBucketWh * 60n) / BigInt(demandMinutes));
  return out;
}

export type DynamicMeter = PodMeter & { zone: string };

/** Per POD: Σ import Wh × market price (exact numeric, price per kWh, so the cost is this / 1000) and
 * the import intervals without a price. */
export type PodDynamicCost = { importWh: bigint; costWhTimesPrice: string; missing: number };

/**
 * The dynamic tariff's energy cost in SQL: each import interval joined to the price of its bucket
 * (`date_bin(resolution, start_at, epoch) = market_price.start_at`) in the POD's zone and the
 * tariff's currency; Σ energy_wh × price stays numeric (exact). Intervals without a price are counted.
 */
export async function aggregateDynamicCost(
  db: Queryable,
  params: { meters: DynamicMeter[]; start: Date; end: Date; resolutionMinutes: 15 | 60; currency: string },
): Promise<Map<string, PodDynamicCost>> {
  const { meters, start, end, resolutionMinutes, currency } = params;
  const res = await db.query<{ pod_id: string; import_wh: string; cost: string; missing: number }>(
    `SELECT p.pod_id, coalesce(sum(i.energy_wh), 0)::text AS import_wh,
       coalesce(sum(i.energy_wh * mp.price), 0)::text AS cost,
       count(*) FILTER (WHERE i.energy_wh IS NOT NULL AND mp.price IS NULL)::int AS missing
     FROM unnest($1::text[], $2::text[], $3::text[]) AS p(pod_id, meter_id, zone)
     CROSS JOIN LATERAL (
       SELECT r.start_at, r.energy_wh FROM reading_interval r
       WHERE r.meter_id = p.meter_id AND r.register = 'import' AND r.start_at >= $4 AND r.start_at < $5
     ) AS i
     LEFT JOIN market_price mp ON mp.zone = p.zone AND mp.resolution_minutes = $6 AND mp.currency = $7
       AND mp.start_at = date_bin(make_interval(mins => $6), i.start_at, 'epoch'::timestamptz)
     GROUP BY p.pod_id`,
    [
      meters.map((m) => m.podId),
      meters.map((m) => m.meterId),
      meters.map((m) => m.zone),
      start,
      end,
      resolutionMinutes,
      currency,
    ],
  );
  return new Map(
    res.rows.map((r) => [
      r.pod_id,
      { importWh: BigInt(r.import_wh), costWhTimesPrice: r.cost, missing: r.missing },
    ]),
  );
}

/** Per POD: the gaps between its import intervals in the period (`[startMs, endMs)`) and how many there are. */
export type PodIntervalGaps = { gaps: { startMs: number; endMs: number }[]; gapCount: number };

/**
 * Where the import intervals of `meters` are missing in `[start, end)`: one query for all the meters,
 * run only for the PODs the aggregation found incomplete. Each meter's intervals are read by the same
 * index range scan as the aggregation (primary key meter_id, register, start_at, already in time
 * order); `lag` pairs every interval (and a sentinel at `end`) with the end of the one before it, and
 * a pair that does not touch is a gap. The rows returned are the gaps (at most `limit` per POD, the
 * earliest), never the intervals.
 */
export async function missingIntervalGaps(
  db: Queryable,
  params: { meters: PodMeter[]; start: Date; end: Date; limit: number },
): Promise<Map<string, PodIntervalGaps>> {
  const { meters, start, end, limit } = params;
  const out = new Map<string, PodIntervalGaps>(meters.map((m) => [m.podId, { gaps: [], gapCount: 0 }]));
  if (meters.length === 0) return out;
  const res = await db.query<{ pod_id: string; gap_start: Date; gap_end: Date; gap_count: number }>(
    `SELECT p.pod_id, g.gap_start, g.gap_end, g.gap_count
     FROM unnest($1::text[], $2::text[]) AS p(pod_id, meter_id)
     CROSS JOIN LATERAL (
       SELECT x.prev_end AS gap_start, x.start_at AS gap_end, count(*) OVER ()::int AS gap_count
       FROM (
         SELECT s.start_at,
           lag(s.start_at + interval '${SLOT_MINUTES} minutes', 1, $3::timestamptz) OVER (ORDER BY s.start_at) AS prev_end
         FROM (
           SELECT r.start_at FROM reading_interval r
           WHERE r.meter_id = p.meter_id AND r.register = 'import' AND r.start_at >= $3 AND r.start_at < $4
           UNION ALL SELECT $4::timestamptz
         ) AS s
       ) AS x
       WHERE x.start_at > x.prev_end
       ORDER BY x.prev_end
       LIMIT $5
     ) AS g
     ORDER BY p.pod_id, g.gap_start`,
    [meters.map((m) => m.podId), meters.map((m) => m.meterId), start, end, limit],
  );
  for (const r of res.rows) {
    const entry = out.get(r.pod_id);
    if (!entry) continue;
    entry.gaps.push({ startMs: r.gap_start.getTime(), endMs: r.gap_end.getTime() });
    entry.gapCount = r.gap_count;
  }
  return out;
}
