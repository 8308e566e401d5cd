// The peak demand of each local day, in SQL, for tariffs with a demand charge per day: the import of
// each UTC-aligned 15- or 60-minute bucket (the domain's demand buckets), the largest bucket of each
// local day of the bucket's start in the POD's zone. The same rule as the domain's
// `aggregateIntervals` (its reference), from either interval store.
import type { Queryable } from "@c4e/prisma";
import type { PodMeter } from "./aggregate-intervals.ts";

export type DailyPeakParams = {
  meters: PodMeter[];
  start: Date;
  end: Date;
  /** the PODs' IANA zone (a bill-run group shares one) */
  timeZone: string;
  demandMinutes: 15 | 60;
  /** the compact store (`interval_day`, the bill run's default) or the audit rows (`reading_interval`) */
  source: "compact" | "reading_interval";
};

/** Per POD, per local day `YYYY-MM-DD`, the largest import of one demand bucket in Wh. */
export async function dailyPeakDemand(
  db: Queryable,
  params: DailyPeakParams,
): Promise<Map<string, Map<string, bigint>>> {
  const { meters, start, end, timeZone, demandMinutes, source } = params;
  const out = new Map<string, Map<string, bigint>>(meters.map((m) => [m.podId, new Map()]));
  if (meters.length === 0 || end <= start) return out;
  // One row per import interval (pod, start, Wh) from the chosen store.
  const intervals =
    source === "reading_interval"
      ? `SELECT p.pod_id, r.start_at, r.energy_wh AS wh
         FROM p JOIN reading_interval r ON r.meter_id = p.meter_id AND r.register = 'import'
           AND r.start_at >= $3 AND r.start_at < $4`
      : `SELECT p.pod_id, (d.day::timestamp AT TIME ZONE 'UTC') + (k - 1) * interval '15 minutes' AS start_at,
           (d.cum[k + 1] - d.cum[k])::bigint AS wh
         FROM p JOIN interval_day d ON d.meter_id = p.meter_id AND d.register = 'import'
           AND d.day >= ($3::timestamptz AT TIME ZONE 'UTC')::date AND d.day <= ($4::timestamptz AT TIME ZONE 'UTC')::date
         CROSS JOIN generate_series(1, 96) AS k
         WHERE substring(d.present FROM k FOR 1) = B'1'`;
  const res = await db.query<{ pod_id: string; day: string; peak_wh: string }>(
    `WITH p AS (SELECT * FROM unnest($1::text[], $2::text[]) AS p(pod_id, meter_id)),
     iv AS (${intervals}),
     bucket AS (
       SELECT pod_id, date_bin($5::interval, start_at, 'epoch'::timestamptz) AS b, sum(wh) AS wh
       FROM iv WHERE start_at >= $3 AND start_at < $4 GROUP BY 1, 2
     )
     SELECT pod_id, to_char(b AT TIME ZONE $6, 'YYYY-MM-DD') AS day, max(wh)::text AS peak_wh
     FROM bucket GROUP BY 1, 2`,
    [
      meters.map((m) => m.podId),
      meters.map((m) => m.meterId),
      start,
      end,
      `${demandMinutes} minutes`,
      timeZone,
    ],
  );
  for (const r of res.rows) out.get(r.pod_id)?.set(r.day, BigInt(r.peak_wh));
  return out;
}
