import type { Queryable } from "@c4e/prisma";

// Meter readings customers report for their POD (`meter_reading_report`) and their review. A report
// is a proposal for a settlement reading: accepting it copies it into `settlement_reading` (source
// 'customer') in the same transaction, so billing owns both tables. The caller validates, locks the
// POD or the report, audits, and runs these inside its transaction.

export type SubmitReadingReportParameters = {
  podId: string;
  customerId: string;
  /** the local date read, YYYY-MM-DD */
  readOn: string;
  /** decimal kWh as text */
  kwh: string;
  /** the reporting wallet address, lower case */
  reportedBy: string;
};

/** Stores a customer's reading as a pending report. */
export async function submitReadingReport(db: Queryable, p: SubmitReadingReportParameters): Promise<void> {
  await db.query(
    `INSERT INTO meter_reading_report (pod_id, customer_id, read_on, kwh, source, reported_by)
     VALUES ($1, $2, $3, $4, 'customer', $5)`,
    [p.podId, p.customerId, p.readOn, p.kwh, p.reportedBy],
  );
}

export type AcceptReadingReportParameters = {
  reportId: string;
  podId: string;
  readOn: string;
  kwh: string;
  reviewedBy: string;
};

/**
 * Makes a pending report the POD's settlement reading of its date and marks it accepted. Returns
 * false, writing nothing, when that date already has a settlement reading (the distributor's wins).
 */
export async function acceptReadingReport(db: Queryable, p: AcceptReadingReportParameters): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO settlement_reading (pod_id, read_on, kwh, source) VALUES ($1, $2::date, $3, 'customer')
     ON CONFLICT (pod_id, read_on) DO NOTHING`,
    [p.podId, p.readOn, p.kwh],
  );
  if (inserted.rowCount === 0) return false;
  await db.query(
    `UPDATE meter_reading_report SET status = 'accepted', reviewed_by = $2, reviewed_at = now()
     WHERE id = $1::bigint`,
    [p.reportId, p.reviewedBy],
  );
  return true;
}

/** Marks a pending report rejected with the reason the customer sees. */
export async function rejectReadingReport(
  db: Queryable,
  p: { reportId: string; reviewedBy: string; reason: string },
): Promise<void> {
  await db.query(
    `UPDATE meter_reading_report SET status = 'rejected', reviewed_by = $2, reviewed_at = now(),
            reject_reason = $3
     WHERE id = $1::bigint`,
    [p.reportId, p.reviewedBy, p.reason],
  );
}
