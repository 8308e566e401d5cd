import {
  acceptReadingReport as acceptReport,
  rejectReadingReport as rejectReport,
} from "@c4e/billing/reading-reports";
import type pg from "pg";
import { z } from "zod";
import type { MessageKey } from "@/messages/en.ts";
import { type ActionResult, invalid } from "@/server/core/action-result.ts";
import { POD_IN_SCOPE } from "./pods.ts";
import { audit, type StaffScope } from "@/server/core/authz.ts";
import { withTransaction } from "@c4e/prisma";
import { AppError, statusOf } from "@/server/core/errors.ts";

// Review of the meter readings customers report (meter-readings.ts). Accepting one copies it into
// settlement_reading (source 'customer'): from then on billing settles the POD on that date like on a
// distributor's reading. Rejecting keeps it out of billing and tells the customer why. Billing owns
// both tables: the writes are @c4e/billing/reading-reports', run here beside the audit row.

const reportId = z
  .string()
  .trim()
  .regex(/^\d{1,18}$/, "admin.pods.review.error.report");

export const acceptReportInput = z.object({ reportId });
export const rejectReportInput = z.object({
  reportId,
  reason: z
    .string()
    .trim()
    .min(1, "admin.pods.review.error.reasonRequired")
    .max(500, "admin.pods.review.error.reasonTooLong"),
});

type Locked = { id: string; pod_id: string; read_on: string; kwh: string; status: string };

/** Locks one report of a POD in the retailer's scope; anything else is `not_found`. */
async function lockReport(db: pg.PoolClient, scope: StaffScope, id: string): Promise<Locked> {
  const { rows } = await db.query<Locked>(
    `SELECT r.id::text, r.pod_id, r.read_on::text, r.kwh::text, r.status::text AS status
     FROM meter_reading_report r JOIN pod p ON p.id = r.pod_id
     WHERE r.id = $2::bigint AND ${POD_IN_SCOPE}
     FOR UPDATE OF r`,
    [scope.retailerId, id],
  );
  const row = rows[0];
  if (!row) throw new AppError("not_found", "no such reading report");
  return row;
}

function conflict<T>(key: MessageKey, message: string): ActionResult<T> {
  return {
    ok: false,
    error: "conflict",
    status: statusOf("conflict"),
    message,
    fieldErrors: { reportId: key },
  };
}

export type ReviewResult = { reportId: string; podId: string; status: "accepted" | "rejected" };

/**
 * Accepts a pending report as the POD's settlement reading of its date (source 'customer'), audited.
 * Refused (conflict) when the report was already reviewed or the date already has a settlement
 * reading (the distributor's reading wins; reject the report instead).
 */
export async function acceptReadingReport(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<ReviewResult>> {
  const parsed = acceptReportInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  return withTransaction(pool, async (db) => {
    const report = await lockReport(db, scope, parsed.data.reportId);
    if (report.status !== "pending")
      return conflict("admin.pods.review.error.reviewed", `report already ${report.status}`);
    const accepted = await acceptReport(db, {
      reportId: report.id,
      podId: report.pod_id,
      readOn: report.read_on,
      kwh: report.kwh,
      reviewedBy: scope.actor,
    });
    if (!accepted)
      return conflict(
        "admin.pods.review.error.settlementExists",
        `a settlement reading for ${report.read_on} exists`,
      );
    await audit(db, scope, {
      action: "meter_reading.accept",
      targetType: "meter_reading_report",
      targetId: report.id,
      detail: { podId: report.pod_id, date: report.read_on, kwh: report.kwh },
    });
    return { ok: true as const, value: { reportId: report.id, podId: report.pod_id, status: "accepted" } };
  });
}

/** Rejects a pending report with a reason the customer sees, audited. */
export async function rejectReadingReport(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<ReviewResult>> {
  const parsed = rejectReportInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  return withTransaction(pool, async (db) => {
    const report = await lockReport(db, scope, parsed.data.reportId);
    if (report.status !== "pending")
      return conflict("admin.pods.review.error.reviewed", `report already ${report.status}`);
    await rejectReport(db, { reportId: report.id, reviewedBy: scope.actor, reason: parsed.data.reason });
    await audit(db, scope, {
      action: "meter_reading.reject",
      targetType: "meter_reading_report",
      targetId: report.id,
      detail: { podId: report.pod_id, date: report.read_on, reason: parsed.data.reason },
    });
    return { ok: true as const, value: { reportId: report.id, podId: report.pod_id, status: "rejected" } };
  });
}
