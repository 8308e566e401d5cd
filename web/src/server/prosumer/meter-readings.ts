import { submitReadingReport } from "@c4e/billing/reading-reports";
import {
  checkReportedReading,
  KWH_PATTERN,
  type KnownReading,
  kwhToWh,
  type ReadingCheck,
  whToKwh,
} from "@c4e/domain";
import type pg from "pg";
import { z } from "zod";
import type { MessageKey } from "@/messages/en.ts";
import { type ActionResult, invalid } from "@/server/core/action-result.ts";
import { type CustomerScope } from "@/server/core/authz.ts";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { AppError, statusOf } from "@/server/core/errors.ts";

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const isRealDate = (d: string) => DATE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

export const reportMeterReadingInput = z.object({
  podId: z.string().trim().min(1, "meterReading.error.pod").max(100, "meterReading.error.pod"),
  date: z.string().trim().refine(isRealDate, "meterReading.error.date"),
  kwh: z.string().trim().regex(KWH_PATTERN, "meterReading.error.kwh"),
});

export type MeterReadingEntry = {
  podId: string;
  podIdentifier: string;
  /** local date YYYY-MM-DD */
  date: string;
  /** decimal string, kWh */
  kwh: string;
  reportedAt: string;
  /** the retailer's review: pending, accepted (now a settlement reading) or rejected with a reason */
  status: "pending" | "accepted" | "rejected";
  rejectReason: string | null;
};

/** The customer's own reported readings, newest first (scoped by customer id). */
export async function listMeterReadings(
  db: Queryable,
  scope: Pick<CustomerScope, "customerId">,
): Promise<MeterReadingEntry[]> {
  const { rows } = await db.query<{
    pod_id: string;
    identifier: string;
    read_on: string;
    kwh: string;
    created_at: Date;
    status: MeterReadingEntry["status"];
    reject_reason: string | null;
  }>(
    `SELECT r.pod_id, p.identifier, r.read_on::text, r.kwh::text, r.created_at, r.status::text AS status,
            r.reject_reason
     FROM meter_reading_report r JOIN pod p ON p.id = r.pod_id
     WHERE r.customer_id = $1 ORDER BY r.read_on DESC, p.identifier LIMIT 200`,
    [scope.customerId],
  );
  return rows.map((r) => ({
    podId: r.pod_id,
    podIdentifier: r.identifier,
    date: r.read_on,
    kwh: whToKwh(kwhToWh(r.kwh)),
    reportedAt: r.created_at.toISOString(),
    status: r.status,
    rejectReason: r.reject_reason,
  }));
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function localToday(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

const REASON_FIELD: Record<
  Exclude<ReadingCheck, { ok: true }>["reason"],
  { field: string; key: MessageKey }
> = {
  future: { field: "date", key: "meterReading.error.future" },
  before_supply: { field: "date", key: "meterReading.error.beforeSupply" },
  after_supply: { field: "date", key: "meterReading.error.afterSupply" },
  below_previous: { field: "kwh", key: "meterReading.error.belowPrevious" },
  above_next: { field: "kwh", key: "meterReading.error.aboveNext" },
  implausible: { field: "kwh", key: "meterReading.error.implausible" },
};

function refused<T>(field: string, key: MessageKey, message: string): ActionResult<T> {
  return {
    ok: false,
    error: "bad_request",
    status: statusOf("bad_request"),
    message,
    fieldErrors: { [field]: key },
  };
}

/**
 * The neighbours of `date` among the distributor's and the customer's readings of the POD. A report
 * the retailer rejected does not bound later reports (it was wrong), but its date stays taken.
 */
async function neighbours(
  db: Queryable,
  podId: string,
  date: string,
): Promise<{ previous: KnownReading | null; next: KnownReading | null; sameDay: string | null }> {
  const { rows } = await db.query<{ which: "previous" | "next" | "same"; read_on: string; kwh: string }>(
    `WITH known AS (
       SELECT read_on, kwh FROM settlement_reading WHERE pod_id = $1
       UNION ALL SELECT read_on, kwh FROM meter_reading_report WHERE pod_id = $1 AND status <> 'rejected'
     ),
     taken AS (SELECT read_on, kwh FROM known UNION ALL
               SELECT read_on, kwh FROM meter_reading_report WHERE pod_id = $1 AND status = 'rejected')
     (SELECT 'previous' AS which, read_on::text, kwh::text FROM known WHERE read_on < $2 ORDER BY read_on DESC, kwh DESC LIMIT 1)
     UNION ALL (SELECT 'next', read_on::text, kwh::text FROM known WHERE read_on > $2 ORDER BY read_on, kwh LIMIT 1)
     UNION ALL (SELECT 'same', read_on::text, kwh::text FROM taken WHERE read_on = $2 LIMIT 1)`,
    [podId, date],
  );
  const pick = (which: string) => {
    const r = rows.find((x) => x.which === which);
    return r ? { date: r.read_on, wh: kwhToWh(r.kwh.replace(/(\.\d{3})\d*$/, "$1")) } : null;
  };
  return {
    previous: pick("previous"),
    next: pick("next"),
    sameDay: rows.find((r) => r.which === "same")?.kwh ?? null,
  };
}

/**
 * Records a meter reading the customer reports for one of their own PODs (date, cumulative kWh).
 * A POD of another customer (or none) is `not_found`. Refused at its field: a date in the future (in
 * the POD's time zone), before the POD's supply start or after its end, a date that already has a
 * reading, a value below an earlier or above a later reading, and an implausible jump (checkReportedReading in @c4e/domain).
 */
export async function reportMeterReading(
  pool: pg.Pool,
  scope: Pick<CustomerScope, "customerId" | "address">,
  input: unknown,
  now: Date = new Date(),
): Promise<ActionResult<{ podId: string; date: string; kwh: string }>> {
  const parsed = reportMeterReadingInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { podId, date } = parsed.data;
  const wh = kwhToWh(parsed.data.kwh);
  return withTransaction(pool, async (db) => {
    // Lock the POD row: two reports for the same POD are checked one after the other.
    const pod = await db.query<{
      sign_in_date: string;
      sign_out_date: string | null;
      time_zone: string;
      annual_reference_kwh: string;
    }>(
      `SELECT p.sign_in_date::text, p.sign_out_date::text, p.time_zone, p.annual_reference_kwh::text
       FROM pod p JOIN contract c ON c.id = p.contract_id
       WHERE p.id = $1 AND c.customer_id = $2 FOR UPDATE OF p`,
      [podId, scope.customerId],
    );
    const row = pod.rows[0];
    if (!row) throw new AppError("not_found", "no such POD");
    const known = await neighbours(db, podId, date);
    if (known.sameDay !== null)
      return refused(
        "date",
        "meterReading.error.sameDay",
        `a reading for ${date} exists (${known.sameDay} kWh)`,
      );
    const check = checkReportedReading({
      date,
      wh,
      today: localToday(row.time_zone, now),
      supplyStart: row.sign_in_date,
      supplyEnd: row.sign_out_date,
      previous: known.previous,
      next: known.next,
      annualReferenceKwh: row.annual_reference_kwh,
    });
    if (!check.ok) {
      const { field, key } = REASON_FIELD[check.reason];
      const other = check.other ? ` (${whToKwh(check.other.wh)} kWh on ${check.other.date})` : "";
      return refused(field, key, `${check.reason}${other}`);
    }
    const kwh = whToKwh(wh);
    await submitReadingReport(db, {
      podId,
      customerId: scope.customerId,
      readOn: date,
      kwh,
      reportedBy: scope.address.toLowerCase(),
    });
    return { ok: true as const, value: { podId, date, kwh } };
  });
}
