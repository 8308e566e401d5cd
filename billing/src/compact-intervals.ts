// The compact interval store billing reads (`interval_day`): one row per meter, register and UTC day
// with the 97 prefix sums of the day's 96 quarter-hour values, the slots present (a bit string), the
// day's largest quarter hour and UTC hour, and the starts of any off-grid audit rows. Filled by the
// compaction below from `reading_interval` (ingest's row-per-interval audit store, never changed here).
// A band's energy over a run of slots is one subtraction (`cum[b + 1] − cum[a + 1]`), so a month of a
// POD is ≈ 31 rows and a few subtractions each instead of 2,980 rows (docs/billing-runs.md).
import type { TouWindow } from "@c4e/domain";
import type { Queryable } from "@c4e/prisma";
import type {
  DynamicMeter,
  PodDynamicCost,
  PodIntervalGaps,
  PodIntervalSums,
  PodMeter,
} from "./aggregate-intervals.ts";

export const SLOTS_PER_DAY = 96;
const SLOT_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/** The registers billing reads (and compacts). */
export const COMPACT_REGISTERS = ["import", "export"] as const;

export type CompactionParams = {
  /** first UTC day compacted, YYYY-MM-DD */
  fromDay: string;
  /** first UTC day not compacted, YYYY-MM-DD */
  toDay: string;
  /** only these meters (default: every meter with rows in the range, and every compacted meter) */
  meterIds?: string[];
};

export type CompactionResult = {
  /** (meter, register, day) rows the audit store has in the range */
  days: number;
  /** rows inserted or changed (an unchanged day is not written) */
  written: number;
  /** compacted days whose audit rows are gone (withdrawn data) */
  deleted: number;
};

/**
 * Recomputes the compact rows of whole UTC days `[fromDay, toDay)` from `reading_interval`.
 * Idempotent: a day whose compact row already equals the audit rows is not written; a compacted day
 * without audit rows any more is deleted. A cumulative day sum outside the integer range (> 2.1 GWh
 * per meter, register and day) fails the compaction with Postgres' `integer out of range`.
 */
export async function compactIntervals(db: Queryable, params: CompactionParams): Promise<CompactionResult> {
  const { fromDay, toDay, meterIds } = params;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fromDay) || !/^\d{4}-\d{2}-\d{2}$/.test(toDay) || toDay <= fromDay)
    throw new Error(`compaction needs whole UTC days fromDay < toDay (got ${fromDay}..${toDay})`);
  if (meterIds !== undefined && meterIds.length === 0) return { days: 0, written: 0, deleted: 0 };
  const source =
    meterIds === undefined
      ? `SELECT r.meter_id, r.register, r.start_at, r.energy_wh FROM reading_interval r
         WHERE r.register IN ('import', 'export') AND r.start_at >= $2::date::timestamp AT TIME ZONE 'UTC'
           AND r.start_at < $3::date::timestamp AT TIME ZONE 'UTC'`
      : `SELECT r.meter_id, r.register, r.start_at, r.energy_wh
         FROM unnest($1::text[]) AS m(meter_id) CROSS JOIN LATERAL (
           SELECT r.meter_id, r.register, r.start_at, r.energy_wh FROM reading_interval r
           WHERE r.meter_id = m.meter_id AND r.register IN ('import', 'export')
             AND r.start_at >= $2::date::timestamp AT TIME ZONE 'UTC'
             AND r.start_at < $3::date::timestamp AT TIME ZONE 'UTC') AS r`;
  const res = await db.query<{ days: number; written: number; deleted: number }>(
    `WITH src AS (
       SELECT s.meter_id, s.register, s.start_at, s.energy_wh, (s.start_at AT TIME ZONE 'UTC')::date AS day,
         extract(epoch FROM s.start_at) % 900 = 0 AS on_grid
       FROM (${source}) AS s
     ),
     slot AS MATERIALIZED (
       SELECT meter_id, register, day, energy_wh,
         ((extract(epoch FROM start_at) - extract(epoch FROM day::timestamp AT TIME ZONE 'UTC')) / 900)::int AS k
       FROM src WHERE on_grid
     ),
     day_key AS MATERIALIZED (SELECT DISTINCT meter_id, register, day FROM src),
     grid AS (
       SELECT d.meter_id, d.register, d.day, g.k, s.energy_wh,
         sum(coalesce(s.energy_wh, 0)) OVER (PARTITION BY d.meter_id, d.register, d.day ORDER BY g.k) AS run
       FROM day_key d CROSS JOIN generate_series(0, ${SLOTS_PER_DAY - 1}) AS g(k)
       LEFT JOIN slot s ON s.meter_id = d.meter_id AND s.register = d.register AND s.day = d.day AND s.k = g.k
     ),
     agg AS (
       SELECT meter_id, register, day,
         count(energy_wh)::smallint AS intervals,
         string_agg(CASE WHEN energy_wh IS NULL THEN '0' ELSE '1' END, '' ORDER BY k)::bit(${SLOTS_PER_DAY}) AS present,
         ARRAY[0]::int[] || array_agg(run::int ORDER BY k) AS cum,
         max(energy_wh)::int AS max_wh
       FROM grid GROUP BY meter_id, register, day
     ),
     off AS (
       SELECT meter_id, register, day, array_agg(start_at ORDER BY start_at) AS off_grid_at
       FROM src WHERE NOT on_grid GROUP BY meter_id, register, day
     ),
     fresh AS (
       -- the largest UTC hour among the hours with a slot present
       SELECT a.meter_id, a.register, a.day, a.intervals, a.present, a.cum, a.max_wh,
         (SELECT max(a.cum[4 * h + 5] - a.cum[4 * h + 1]) FROM generate_series(0, 23) AS h
          WHERE substring(a.present FROM 4 * h + 1 FOR 4) <> B'0000') AS max_hour_wh,
         o.off_grid_at
       FROM agg a LEFT JOIN off o ON o.meter_id = a.meter_id AND o.register = a.register AND o.day = a.day
     ),
     upsert AS (
       INSERT INTO interval_day AS x (meter_id, register, day, intervals, present, cum, max_wh, max_hour_wh, off_grid_at)
       SELECT meter_id, register, day, intervals, present, cum, max_wh, max_hour_wh, off_grid_at FROM fresh
       ON CONFLICT (meter_id, register, day) DO UPDATE SET
         intervals = EXCLUDED.intervals, present = EXCLUDED.present, cum = EXCLUDED.cum,
         max_wh = EXCLUDED.max_wh, max_hour_wh = EXCLUDED.max_hour_wh, off_grid_at = EXCLUDED.off_grid_at,
         compacted_at = now()
       WHERE (x.intervals, x.present, x.cum, x.max_wh, x.max_hour_wh, x.off_grid_at)
         IS DISTINCT FROM (EXCLUDED.intervals, EXCLUDED.present, EXCLUDED.cum, EXCLUDED.max_wh,
                           EXCLUDED.max_hour_wh, EXCLUDED.off_grid_at)
       RETURNING 1
     ),
     gone AS (
       DELETE FROM interval_day x
       WHERE ${meterIds === undefined ? "$1::text[] IS NULL" : "x.meter_id = ANY($1::text[])"}
         AND x.register IN ('import', 'export') AND x.day >= $2::date AND x.day < $3::date
         AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.meter_id = x.meter_id AND f.register = x.register AND f.day = x.day)
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM fresh)::int AS days, (SELECT count(*) FROM upsert)::int AS written,
       (SELECT count(*) FROM gone)::int AS deleted`,
    [meterIds ?? null, fromDay, toDay],
  );
  return res.rows[0] as CompactionResult;
}

/** The whole UTC days `[fromDay, toDay)` covering the instants `[startMs, endMs)`. */
export function utcDaysCovering(startMs: number, endMs: number): { fromDay: string; toDay: string } {
  const from = Math.floor(startMs / DAY_MS) * DAY_MS;
  const to = Math.ceil(endMs / DAY_MS) * DAY_MS;
  return { fromDay: isoDay(from), toDay: isoDay(to) };
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The period `[start, end)` laid onto UTC days: per day, the slots in the period `[a, b)`. */
type DayPlan = { day: string; a: number; b: number };

function planDays(start: Date, end: Date): DayPlan[] {
  const startMs = start.getTime();
  const endMs = end.getTime();
  if (startMs % SLOT_MS !== 0 || endMs % SLOT_MS !== 0)
    throw new Error(`a billed period must start and end on the quarter hour`);
  const out: DayPlan[] = [];
  for (let d = Math.floor(startMs / DAY_MS) * DAY_MS; d < endMs; d += DAY_MS) {
    const a = Math.max(0, (startMs - d) / SLOT_MS);
    const b = Math.min(SLOTS_PER_DAY, (endMs - d) / SLOT_MS);
    if (b > a) out.push({ day: isoDay(d), a, b });
  }
  return out;
}

/** `cum[b + 1] − cum[a + 1]`: the Wh of slots [a, b) of the row `d` (empty for a = b). */
function slotSum(a: number, b: number): string {
  if (a === 0 && b === SLOTS_PER_DAY) return `d.cum[${SLOTS_PER_DAY + 1}]`;
  if (a === 0) return `d.cum[${b + 1}]`;
  return `(d.cum[${b + 1}] - d.cum[${a + 1}])`;
}

/**
 * Per POD, the same sums as `aggregatePodIntervals` (imported Wh per band of `windows`, exported Wh,
 * the peak demand bucket, the interval count, off-grid rows) from `interval_day`. The windows are laid
 * onto UTC days in Node: each day gets a pattern of (band, first slot, end slot) runs, days with the
 * same runs share one pattern, and the SQL is one CASE per band over the patterns, so Postgres does a
 * handful of subtractions per day row. Only the period's first and last day can be partial; their
 * peak and count are taken slot by slot.
 */
export async function aggregateCompactIntervals(
  db: Queryable,
  params: { meters: PodMeter[]; windows: TouWindow[]; start: Date; end: Date; demandMinutes?: 15 | 60 },
): Promise<Map<string, PodIntervalSums>> {
  const { meters, windows, start, end } = params;
  const hourly = params.demandMinutes === 60;
  const plan = planDays(start, end);
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
  if (meters.length === 0 || plan.length === 0) return out;
  const first = plan[0] as DayPlan;
  const last = plan[plan.length - 1] as DayPlan;

  // Runs of slots per band and day.
  const bands: string[] = [];
  const runsByDay = new Map<string, Map<string, [number, number][]>>();
  for (const w of windows) {
    const ws = Math.max(w.start.getTime(), start.getTime());
    const we = Math.min(w.end.getTime(), end.getTime());
    if (we <= ws) continue;
    if (ws % SLOT_MS !== 0 || we % SLOT_MS !== 0)
      throw new Error(`TOU window ${w.band} ${w.start.toISOString()} does not start on the quarter hour`);
    if (!bands.includes(w.band)) bands.push(w.band);
    for (let d = Math.floor(ws / DAY_MS) * DAY_MS; d < we; d += DAY_MS) {
      const a = Math.max(0, (ws - d) / SLOT_MS);
      const b = Math.min(SLOTS_PER_DAY, (we - d) / SLOT_MS);
      if (b <= a) continue;
      const day = isoDay(d);
      const byBand = runsByDay.get(day) ?? new Map<string, [number, number][]>();
      byBand.set(w.band, [...(byBand.get(w.band) ?? []), [a, b]]);
      runsByDay.set(day, byBand);
    }
  }
  const patternOf = new Map<string, number>();
  const patterns: Map<string, [number, number][]>[] = [];
  const dayPattern = plan.map((p) => {
    const byBand = runsByDay.get(p.day) ?? new Map<string, [number, number][]>();
    const key = JSON.stringify(bands.map((band) => byBand.get(band) ?? []));
    let id = patternOf.get(key);
    if (id === undefined) {
      id = patterns.length + 1;
      patternOf.set(key, id);
      patterns.push(byBand);
    }
    return id;
  });
  const dayIndex = `(d.day - DATE '${first.day}')`;
  const pattern = `('{${dayPattern.join(",")}}'::int[])[${dayIndex} + 1]`;
  const bandExprs = bands.map((band) => {
    const whens = patterns
      .map((byBand, i) => {
        const runs = byBand.get(band) ?? [];
        return runs.length === 0
          ? ""
          : `WHEN ${i + 1} THEN ${runs.map(([a, b]) => slotSum(a, b)).join(" + ")}`;
      })
      .filter((x) => x !== "");
    return whens.length === 0 ? "0" : `CASE ${pattern} ${whens.join(" ")} ELSE 0 END`;
  });
  const edges = first === last ? [first] : [first, last];
  const partial = edges.filter((p) => p.a > 0 || p.b < SLOTS_PER_DAY);
  const edgeCase = (full: string, slice: (p: DayPlan) => string) =>
    partial.length === 0
      ? full
      : `CASE ${partial.map((p) => `WHEN d.day = DATE '${p.day}' THEN ${slice(p)}`).join(" ")} ELSE ${full} END`;
  const total = edgeCase(slotSum(0, SLOTS_PER_DAY), (p) => slotSum(p.a, p.b));
  const count = edgeCase(
    "d.intervals",
    (p) => `bit_count(substring(d.present FROM ${p.a + 1} FOR ${p.b - p.a}))`,
  );
  const peak = hourly
    ? edgeCase(
        "d.max_hour_wh",
        (p) => `(SELECT max(h.wh) FROM (SELECT sum(d.cum[k + 1] - d.cum[k]) AS wh
            FROM generate_series(${p.a + 1}, ${p.b}) AS k GROUP BY (k - 1) / 4) AS h)`,
      )
    : edgeCase(
        "d.max_wh",
        (p) => `(SELECT max(d.cum[k + 1] - d.cum[k]) FROM generate_series(${p.a + 1}, ${p.b}) AS k
            WHERE substring(d.present FROM k FOR 1) = B'1')`,
      );
  const res = await db.query<Record<string, string | null> & { pod_id: string; register: string }>(
    `SELECT p.pod_id, d.register,
       ${bandExprs.map((e, i) => `sum(${e})::text AS b${i}`).join(",\n       ")},
       sum(${total})::text AS total, max(${peak})::text AS peak, sum(${count})::text AS intervals,
       sum(CASE WHEN d.off_grid_at IS NULL THEN 0 ELSE
         (SELECT count(*) FROM unnest(d.off_grid_at) AS t WHERE t >= $3 AND t < $4) END)::text AS off_grid
     FROM unnest($1::text[], $2::text[]) AS p(pod_id, meter_id)
     CROSS JOIN LATERAL (
       SELECT x.register, x.day, x.cum, x.intervals, x.present, x.max_wh, x.max_hour_wh, x.off_grid_at
       FROM interval_day x
       WHERE x.meter_id = p.meter_id AND x.register IN ('import', 'export')
         AND x.day >= DATE '${first.day}' AND x.day <= DATE '${last.day}'
     ) AS d
     GROUP BY p.pod_id, d.register`,
    [meters.map((m) => m.podId), meters.map((m) => m.meterId), start, end],
  );
  for (const r of res.rows) {
    const s = out.get(r.pod_id);
    if (!s) continue;
    if (r.register === "export") {
      s.exportWh += BigInt(r.total ?? "0");
      continue;
    }
    bands.forEach((band, i) => {
      const wh = BigInt(r[`b${i}`] ?? "0");
      s.importWhByBand.set(band, (s.importWhByBand.get(band) ?? 0n) + wh);
    });
    s.importWh += BigInt(r.total ?? "0");
    const peakWh = BigInt(r.peak ?? "0");
    if (peakWh > s.peakBucketWh) s.peakBucketWh = peakWh;
    s.intervals += Number(r.intervals ?? "0");
    s.offGrid += Number(r.off_grid ?? "0");
  }
  return out;
}

/** The dynamic tariff's energy cost from `interval_day` (as `aggregateDynamicCost`: Σ Wh × price, exact). */
export async function aggregateCompactDynamicCost(
  db: Queryable,
  params: { meters: DynamicMeter[]; start: Date; end: Date; resolutionMinutes: 15 | 60; currency: string },
): Promise<Map<string, PodDynamicCost>> {
  const { meters, start, end, resolutionMinutes, currency } = params;
  const plan = planDays(start, end);
  if (plan.length === 0) return new Map();
  const res = await db.query<{ pod_id: string; import_wh: string; cost: string; missing: number }>(
    `SELECT p.pod_id, coalesce(sum(v.wh), 0)::text AS import_wh, coalesce(sum(v.wh * mp.price), 0)::text AS cost,
       count(*) FILTER (WHERE mp.price IS NULL)::int AS missing
     FROM unnest($1::text[], $2::text[], $3::text[]) AS p(pod_id, meter_id, zone)
     CROSS JOIN LATERAL (
       SELECT x.day, x.cum, x.present FROM interval_day x
       WHERE x.meter_id = p.meter_id AND x.register = 'import' AND x.day >= $8::date AND x.day <= $9::date
     ) AS d
     CROSS JOIN LATERAL (
       SELECT d.day::timestamp AT TIME ZONE 'UTC' + (k - 1) * interval '15 minutes' AS start_at,
         d.cum[k + 1] - d.cum[k] AS wh
       FROM generate_series(1, ${SLOTS_PER_DAY}) AS k WHERE substring(d.present FROM k FOR 1) = B'1'
     ) AS v
     LEFT JOIN market_price mp ON mp.zone = p.zone AND mp.resolution_minutes = $6 AND mp.currency = $7
       AND mp.start_at = date_bin(make_interval(mins => $6), v.start_at, 'epoch'::timestamptz)
     WHERE v.start_at >= $4 AND v.start_at < $5
     GROUP BY p.pod_id`,
    [
      meters.map((m) => m.podId),
      meters.map((m) => m.meterId),
      meters.map((m) => m.zone),
      start,
      end,
      resolutionMinutes,
      currency,
      plan[0]?.day,
      plan[plan.length - 1]?.day,
    ],
  );
  return new Map(
    res.rows.map((r) => [
      r.pod_id,
      { importWh: BigInt(r.import_wh), costWhTimesPrice: r.cost, missing: r.missing },
    ]),
  );
}

/**
 * Where the import intervals of `meters` are missing in `[start, end)`, from the compact rows' slot
 * bits (as `missingIntervalGaps`: maximal runs of missing quarter hours, the first `limit` per POD
 * and how many there are). Run only for the PODs short of data.
 */
export async function compactIntervalGaps(
  db: Queryable,
  params: { meters: PodMeter[]; start: Date; end: Date; limit: number },
): Promise<Map<string, PodIntervalGaps>> {
  const { meters, start, end, limit } = params;
  const out = new Map<string, PodIntervalGaps>(meters.map((m) => [m.podId, { gaps: [], gapCount: 0 }]));
  const plan = planDays(start, end);
  if (meters.length === 0 || plan.length === 0) return out;
  const res = await db.query<{ pod_id: string; day: string; present: string }>(
    `SELECT p.pod_id, x.day::text, x.present::text
     FROM unnest($1::text[], $2::text[]) AS p(pod_id, meter_id)
     JOIN interval_day x ON x.meter_id = p.meter_id AND x.register = 'import' AND x.day >= $3::date AND x.day <= $4::date`,
    [meters.map((m) => m.podId), meters.map((m) => m.meterId), plan[0]?.day, plan[plan.length - 1]?.day],
  );
  const bits = new Map<string, Map<string, string>>();
  for (const r of res.rows) {
    const byDay = bits.get(r.pod_id) ?? new Map<string, string>();
    byDay.set(r.day, r.present);
    bits.set(r.pod_id, byDay);
  }
  for (const m of meters) {
    const entry = out.get(m.podId) as PodIntervalGaps;
    const byDay = bits.get(m.podId);
    let gapStart: number | null = null;
    const close = (endMs: number) => {
      if (gapStart === null) return;
      entry.gapCount += 1;
      if (entry.gaps.length < limit) entry.gaps.push({ startMs: gapStart, endMs });
      gapStart = null;
    };
    for (const p of plan) {
      const dayMs = Date.parse(`${p.day}T00:00:00Z`);
      const present = byDay?.get(p.day);
      for (let k = p.a; k < p.b; k++) {
        const at = dayMs + k * SLOT_MS;
        if (present !== undefined && present[k] === "1") close(at);
        else gapStart ??= at;
      }
    }
    close(end.getTime());
  }
  return out;
}
