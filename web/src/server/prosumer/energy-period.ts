import { siteEnergy } from "@c4e/domain";
import { z } from "zod";
import type { CustomerScope } from "./summary.ts";
import type { Queryable } from "@c4e/prisma";

/** Periods of the dashboard and their buckets: a day by hour, a week or month by day, a year by month. */
export const PERIODS = {
  day: { length: "1 day", bucket: "hour" },
  week: { length: "7 days", bucket: "day" },
  month: { length: "1 month", bucket: "day" },
  year: { length: "1 year", bucket: "month" },
} as const;

export type Period = keyof typeof PERIODS;

export const periodQuery = z.object({
  period: z.enum(["day", "week", "month", "year"]).default("day"),
  /** A local date inside the period (site time zone); default today. */
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "not a date")
    .optional(),
});

export type PeriodQuery = z.infer<typeof periodQuery>;

/** Energy of one bucket in Wh (integers). */
export type PeriodBucket = {
  /** Bucket start, ISO instant. */
  start: string;
  productionWh: number;
  consumptionWh: number;
  /** PV production used on site: production − export, floored at 0. */
  selfConsumptionWh: number;
  exportWh: number;
  importWh: number;
};

export type PeriodTotals = Omit<PeriodBucket, "start">;

export type PeriodSeries = { start: string; end: string; buckets: PeriodBucket[]; totals: PeriodTotals };

export type SitePeriod = {
  id: string;
  name: string;
  timeZone: string;
  /** The local date the period was chosen by (YYYY-MM-DD). */
  date: string;
  bucket: "hour" | "day" | "month";
  current: PeriodSeries;
  /** The same period one year earlier, bucket by bucket (same index). */
  previousYear: PeriodSeries;
  /**
   * Last year's totals over the same span as the current period so far: for a period still running,
   * the buckets up to the current one; otherwise the whole period. The fair comparison for totals.
   */
  previousYearToDate: PeriodTotals;
};

export type PeriodEnergy = { period: Period; asOf: string; sites: SitePeriod[] };

/** The site's balance of a span (the rule is domain's `siteEnergy`). */
const energyOf = (productionWh: number, exportWh: number, importWh: number): PeriodTotals =>
  siteEnergy({ productionWh, importWh, exportWh });

function totalsOf(buckets: PeriodBucket[]): PeriodTotals {
  const sum = (k: "productionWh" | "exportWh" | "importWh") => buckets.reduce((acc, b) => acc + b[k], 0);
  return energyOf(sum("productionWh"), sum("exportWh"), sum("importWh"));
}

/**
 * Index of a reading's bucket. A reading at instant t carries the energy of the interval ending at t,
 * so it belongs to the bucket containing t − 1 ms (local time of the site for days and months; for
 * hours, counted from the period's start instant so that DST days have 23 or 25 hours).
 */
const BUCKET_INDEX = {
  hour: "floor((extract(epoch FROM x.at - r.start_at) * 1000 - 1) / 3600000)::int",
  day: "(date_trunc('day', (x.at - interval '1 millisecond') AT TIME ZONE r.tz)::date - r.start_local::date)",
  month: `((extract(year FROM (x.at - interval '1 millisecond') AT TIME ZONE r.tz) - extract(year FROM r.start_local)) * 12
           + extract(month FROM (x.at - interval '1 millisecond') AT TIME ZONE r.tz) - extract(month FROM r.start_local))::int`,
} as const;

/** Bucket starts of a period: hours as instants, days and months as local calendar steps. */
const SLOTS = {
  hour: `SELECT i AS idx, r.start_at + i * interval '1 hour' AS bucket_start
           FROM generate_series(0, ceil(extract(epoch FROM r.end_at - r.start_at) / 3600)::int - 1) AS i`,
  day: `SELECT (l::date - r.start_local::date) AS idx, l AT TIME ZONE r.tz AS bucket_start
          FROM generate_series(r.start_local, r.end_local - interval '1 day', interval '1 day') AS l`,
  month: `SELECT ((extract(year FROM l) - extract(year FROM r.start_local)) * 12
                  + extract(month FROM l) - extract(month FROM r.start_local))::int AS idx,
                 l AT TIME ZONE r.tz AS bucket_start
            FROM generate_series(r.start_local, r.end_local - interval '1 month', interval '1 month') AS l`,
} as const;

type Row = {
  site_id: string;
  which: "current" | "previous";
  idx: number;
  bucket_start: Date;
  production_wh: string;
  export_wh: string;
  import_wh: string;
};

type RangeRow = {
  site_id: string;
  name: string;
  tz: string;
  anchor: string;
  which: "current" | "previous";
  start_at: Date;
  end_at: Date;
};

/**
 * Production, consumption, self-consumption, export and import of the customer's sites for a day, week
 * (Monday to Sunday), month or year in each site's local time zone, bucketed in SQL, together with the
 * same period one year earlier.
 */
export async function getPeriodEnergy(
  db: Queryable,
  scope: CustomerScope,
  query: PeriodQuery,
  now: Date = new Date(),
): Promise<PeriodEnergy> {
  const { length, bucket } = PERIODS[query.period];
  const truncUnit = query.period === "week" ? "week" : query.period;
  const ranges = `
    sites AS (
      SELECT s.id, s.name, s.time_zone AS tz, s.created_at,
             coalesce($3::date, ($2::timestamptz AT TIME ZONE s.time_zone)::date) AS anchor
      FROM site s WHERE s.customer_id = $1
    ),
    r AS (
      SELECT st.id AS site_id, st.name, st.tz, st.created_at, to_char(st.anchor, 'YYYY-MM-DD') AS anchor, k.which,
             date_trunc('${truncUnit}', (st.anchor - k.shift)::timestamp) AS start_local,
             date_trunc('${truncUnit}', (st.anchor - k.shift)::timestamp) + interval '${length}' AS end_local,
             date_trunc('${truncUnit}', (st.anchor - k.shift)::timestamp) AT TIME ZONE st.tz AS start_at,
             (date_trunc('${truncUnit}', (st.anchor - k.shift)::timestamp) + interval '${length}') AT TIME ZONE st.tz AS end_at
      FROM sites st, (VALUES ('current', interval '0'), ('previous', interval '1 year')) AS k(which, shift)
    )`;
  const params = [scope.customerId, now, query.date ?? null];

  const rangeRows = await db.query<RangeRow>(
    `WITH ${ranges} SELECT site_id, name, tz, anchor, which, start_at, end_at FROM r ORDER BY created_at, site_id`,
    params,
  );
  if (rangeRows.rows.length === 0) return { period: query.period, asOf: now.toISOString(), sites: [] };

  const { rows } = await db.query<Row>(
    `WITH ${ranges},
     slots AS (
       SELECT r.site_id, r.which, g.idx, g.bucket_start FROM r CROSS JOIN LATERAL (${SLOTS[bucket]}) AS g
     ),
     energy AS (
       SELECT r.site_id, r.which, ${BUCKET_INDEX[bucket]} AS idx,
              sum(x.delta_wh) FILTER (WHERE m.kind = 'pv' AND x.register = 'export') AS production_wh,
              sum(x.delta_wh) FILTER (WHERE m.kind = 'grid' AND x.register = 'export') AS export_wh,
              sum(x.delta_wh) FILTER (WHERE m.kind = 'grid' AND x.register = 'import') AS import_wh
       FROM r
       JOIN meter m ON m.site_id = r.site_id
       JOIN reading x ON x.meter_id = m.id AND x.at > r.start_at AND x.at <= r.end_at
       WHERE x.delta_wh IS NOT NULL
       GROUP BY 1, 2, 3
     )
     SELECT s.site_id, s.which, s.idx, s.bucket_start,
            coalesce(e.production_wh, 0)::text AS production_wh,
            coalesce(e.export_wh, 0)::text AS export_wh,
            coalesce(e.import_wh, 0)::text AS import_wh
     FROM slots s
     LEFT JOIN energy e ON e.site_id = s.site_id AND e.which = s.which AND e.idx = s.idx
     ORDER BY s.site_id, s.which, s.idx`,
    params,
  );

  const series = new Map<string, PeriodBucket[]>();
  for (const row of rows) {
    const key = `${row.site_id}\u0000${row.which}`;
    const list = series.get(key) ?? [];
    list.push({
      start: row.bucket_start.toISOString(),
      ...energyOf(Number(row.production_wh), Number(row.export_wh), Number(row.import_wh)),
    });
    series.set(key, list);
  }

  const sites = new Map<string, SitePeriod>();
  for (const range of rangeRows.rows) {
    const buckets = series.get(`${range.site_id}\u0000${range.which}`) ?? [];
    const s: PeriodSeries = {
      start: range.start_at.toISOString(),
      end: range.end_at.toISOString(),
      buckets,
      totals: totalsOf(buckets),
    };
    const site = sites.get(range.site_id) ?? {
      id: range.site_id,
      name: range.name,
      timeZone: range.tz,
      date: range.anchor,
      bucket,
      current: s,
      previousYear: s,
      previousYearToDate: s.totals,
    };
    if (range.which === "current") site.current = s;
    else site.previousYear = s;
    sites.set(range.site_id, site);
  }
  for (const site of sites.values()) {
    const running =
      Date.parse(site.current.start) <= now.getTime() && now.getTime() < Date.parse(site.current.end);
    const elapsed = running
      ? site.current.buckets.filter((b) => Date.parse(b.start) <= now.getTime()).length
      : site.current.buckets.length;
    site.previousYearToDate = totalsOf(site.previousYear.buckets.slice(0, elapsed));
  }
  return { period: query.period, asOf: now.toISOString(), sites: [...sites.values()] };
}
