import { checkPeriodEnded, monthPeriod } from "@c4e/billing/bill-run";
import { BillRunError } from "@c4e/billing/bill-run/errors";
import { exportBillRunXlsx } from "@c4e/billing/bill-run-xlsx";
import { loadSeller, renderInvoicePdf } from "@c4e/billing/invoice-pdf";
import {
  createCreditNote,
  InvoiceStateError,
  issueInvoicesIn,
  loadInvoice,
  releaseHold,
  voidInvoice,
} from "@c4e/billing/invoice-store";
import { createJobQueue, type JobQueue, type JobView, listJobs } from "@c4e/billing/jobs/queue";
import type pg from "pg";
import { z } from "zod";
import { type ActionResult, invalid } from "@/server/core/action-result.ts";
import { audit, type StaffScope } from "@/server/core/authz.ts";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { AppError, statusOf } from "@/server/core/errors.ts";

export type AdminBillRun = {
  id: string;
  /** YYYY-MM */
  period: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  /** this retailer's PODs in the run, by item state */
  total: number;
  pending: number;
  drafted: number;
  failed: number;
  /** drafted from incomplete interval data: held until released or billed again */
  incomplete: number;
  /** whether a bill-run job of its month is queued or running (the worker process bills it) */
  running: boolean;
  failures: { podIdentifier: string; error: string }[];
};

export type AdminInvoice = {
  id: string;
  number: string | null;
  kind: string;
  status: "draft" | "issued" | "voided";
  customerName: string;
  contractNumber: string;
  podIdentifier: string | null;
  billRunId: string | null;
  periodStart: string;
  periodEnd: string;
  /** the POD's time zone the period is in (missing ranges are shown in it) */
  timeZone: string;
  issueDate: string | null;
  currency: string;
  minorUnitDigits: number;
  totalMinor: string;
  amountDueMinor: string;
  originalNumber: string | null;
  /** why the draft is held (`incomplete_data`), with the data coverage of its bill run item */
  hold: InvoiceHold | null;
};

export type InvoiceHold = {
  reason: string;
  /** a retailer admin released it (issued despite the hold) */
  released: boolean;
  expected: number | null;
  missing: number | null;
  /** the first merged ranges of missing intervals (ISO instants, end exclusive) */
  ranges: { start: string; end: string; intervals: number }[];
  rangeCount: number;
};

/** The job queue client of a pool (one per process; dev-mode reloads reuse it). */
const queues =
  (globalThis as typeof globalThis & { __c4eJobQueues?: WeakMap<pg.Pool, Promise<JobQueue>> })
    .__c4eJobQueues ?? new WeakMap<pg.Pool, Promise<JobQueue>>();
(globalThis as typeof globalThis & { __c4eJobQueues?: WeakMap<pg.Pool, Promise<JobQueue>> }).__c4eJobQueues =
  queues;

function jobQueue(pool: pg.Pool): Promise<JobQueue> {
  let queue = queues.get(pool);
  if (!queue) {
    queue = createJobQueue(pool);
    queue.catch(() => queues.delete(pool)); // the next call tries again
    queues.set(pool, queue);
  }
  return queue;
}

const LIVE_STATES: readonly JobView["state"][] = ["created", "retry", "active"];

const RETAILER_CONTRACT = `JOIN contract c ON c.id = i.contract_id JOIN trader t ON t.id = c.trader_id`;

/** Bill runs with this retailer's items, newest month first, with progress counts and failures. */
export async function listBillRuns(db: Queryable, scope: StaffScope): Promise<AdminBillRun[]> {
  const { rows } = await db.query<{
    id: string;
    period: string;
    status: string;
    started_at: Date;
    finished_at: Date | null;
    total: number;
    pending: number;
    drafted: number;
    failed: number;
    incomplete: number;
  }>(
    `SELECT r.id::text, to_char(r.period_start, 'YYYY-MM') AS period, r.status::text, r.started_at, r.finished_at,
            count(it.pod_id)::int AS total,
            count(it.pod_id) FILTER (WHERE it.status = 'pending')::int AS pending,
            count(it.pod_id) FILTER (WHERE it.status = 'drafted')::int AS drafted,
            count(it.pod_id) FILTER (WHERE it.status = 'failed')::int AS failed,
            count(it.pod_id) FILTER (WHERE it.status = 'incomplete')::int AS incomplete
     FROM bill_run r
     LEFT JOIN (bill_run_item it
       JOIN pod p ON p.id = it.pod_id
       JOIN contract c ON c.id = p.contract_id
       JOIN trader t ON t.id = c.trader_id AND t.retailer_id = $1) ON it.bill_run_id = r.id
     -- the retailer's runs, and runs that billed nobody (they reveal nothing)
     WHERE NOT EXISTS (SELECT 1 FROM bill_run_item x WHERE x.bill_run_id = r.id) OR it.pod_id IS NOT NULL
     GROUP BY r.id
     ORDER BY r.period_start DESC
     LIMIT 36`,
    [scope.retailerId],
  );
  const failures = await db.query<{ bill_run_id: string; identifier: string; error: string | null }>(
    `SELECT it.bill_run_id::text, p.identifier, it.error
     FROM bill_run_item it JOIN pod p ON p.id = it.pod_id
     JOIN contract c ON c.id = p.contract_id JOIN trader t ON t.id = c.trader_id
     WHERE t.retailer_id = $1 AND it.status = 'failed' AND it.bill_run_id = ANY($2::uuid[])
     ORDER BY p.identifier LIMIT 200`,
    [scope.retailerId, rows.map((r) => r.id)],
  );
  const live = new Set(
    (await listJobs(db, { kinds: ["bill-run"], limit: 100 }))
      .filter((j) => LIVE_STATES.includes(j.state))
      .map((j) => j.subject),
  );
  return rows.map((r) => ({
    id: r.id,
    period: r.period,
    status: r.status,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    total: r.total,
    pending: r.pending,
    drafted: r.drafted,
    failed: r.failed,
    incomplete: r.incomplete,
    running: live.has(r.period),
    failures: failures.rows
      .filter((f) => f.bill_run_id === r.id)
      .map((f) => ({ podIdentifier: f.identifier, error: f.error ?? "" })),
  }));
}

/** This retailer's invoices (drafts, issued, voided), newest first; optionally of one status. */
export async function listRetailerInvoices(
  db: Queryable,
  scope: StaffScope,
  filter: { status?: AdminInvoice["status"] } = {},
): Promise<AdminInvoice[]> {
  const { rows } = await db.query<{
    id: string;
    number: string | null;
    kind: string;
    status: AdminInvoice["status"];
    customer_name: string;
    contract_number: string;
    pod_identifier: string | null;
    bill_run_id: string | null;
    period_start: string;
    period_end: string;
    time_zone: string;
    issue_date: string | null;
    currency: string;
    minor_unit_digits: number;
    total_minor: string;
    amount_due_minor: string;
    original_number: string | null;
    hold_reason: string | null;
    hold_released: boolean;
    expected_intervals: number | null;
    missing_intervals: number | null;
    missing_ranges: InvoiceHold["ranges"] | null;
    missing_range_count: number | null;
  }>(
    `SELECT i.id::text, i.number, i.kind::text, i.status::text, cu.name AS customer_name,
            c.number AS contract_number, p.identifier AS pod_identifier, i.bill_run_id::text,
            i.period_start::text, i.period_end::text, i.time_zone, i.issue_date::text, i.currency, i.minor_unit_digits,
            i.total_minor::text, i.amount_due_minor::text, o.number AS original_number,
            i.hold_reason, i.hold_released_at IS NOT NULL AS hold_released, it.expected_intervals,
            it.missing_intervals, it.missing_ranges, it.missing_range_count
     FROM invoice i ${RETAILER_CONTRACT}
     JOIN customer cu ON cu.id = c.customer_id
     LEFT JOIN pod p ON p.id = i.pod_id
     LEFT JOIN invoice o ON o.id = i.original_invoice_id
     LEFT JOIN bill_run_item it ON it.invoice_id = i.id
     WHERE t.retailer_id = $1 AND ($2::text IS NULL OR i.status::text = $2)
     ORDER BY i.created_at DESC, i.id
     LIMIT 500`,
    [scope.retailerId, filter.status ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    kind: r.kind,
    status: r.status,
    customerName: r.customer_name,
    contractNumber: r.contract_number,
    podIdentifier: r.pod_identifier,
    billRunId: r.bill_run_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    timeZone: r.time_zone,
    issueDate: r.issue_date,
    currency: r.currency,
    minorUnitDigits: r.minor_unit_digits,
    totalMinor: r.total_minor,
    amountDueMinor: r.amount_due_minor,
    originalNumber: r.original_number,
    hold:
      r.hold_reason === null
        ? null
        : {
            reason: r.hold_reason,
            released: r.hold_released,
            expected: r.expected_intervals,
            missing: r.missing_intervals,
            ranges: r.missing_ranges ?? [],
            rangeCount: r.missing_range_count ?? 0,
          },
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The invoice if it belongs to the retailer (locked in a transaction), else `not_found`. */
async function ownInvoice(db: Queryable, scope: StaffScope, invoiceId: string, lock = false) {
  if (!UUID.test(invoiceId)) throw new AppError("not_found", "no such invoice");
  const { rows } = await db.query<{
    id: string;
    status: string;
    number: string | null;
    held: boolean;
  }>(
    `SELECT i.id::text, i.status::text, i.number,
            (i.hold_reason IS NOT NULL AND i.hold_released_at IS NULL) AS held
     FROM invoice i ${RETAILER_CONTRACT}
     WHERE i.id = $1::uuid AND t.retailer_id = $2 ${lock ? "FOR UPDATE OF i" : ""}`,
    [invoiceId, scope.retailerId],
  );
  const row = rows[0];
  if (!row) throw new AppError("not_found", "no such invoice");
  return row;
}

/**
 * Bill runs bill every contract of the platform (`runBill` has no retailer filter), so one is started
 * only when every contract is supplied by this retailer's traders; otherwise `conflict`.
 */
async function assertSingleTenant(db: Queryable, scope: StaffScope): Promise<void> {
  if (!(await isSingleTenant(db, scope)))
    throw new AppError(
      "conflict",
      "bill runs cover every retailer's contracts; run them from the billing CLI",
    );
}

/** Whether every contract of the platform is supplied by this retailer's traders. */
async function isSingleTenant(db: Queryable, scope: StaffScope): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM contract c JOIN trader t ON t.id = c.trader_id
     WHERE t.retailer_id IS DISTINCT FROM $1 LIMIT 1`,
    [scope.retailerId],
  );
  return !rowCount;
}

/**
 * The platform queue's jobs (bill runs, advance runs, settlements, corrections, imports, switch
 * activation), newest first, with their state and live progress. Jobs are platform-wide, so they are
 * shown only to a retailer that supplies every contract (the rule that lets it start bill runs).
 */
export async function listBillingJobs(db: Queryable, scope: StaffScope): Promise<JobView[]> {
  if (!(await isSingleTenant(db, scope))) return [];
  return listJobs(db, { limit: 30 });
}

const periodSchema = z.object({
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "admin.billing.error.period")
    .refine((p) => p >= "2000-01" && p <= "2100-12", "admin.billing.error.period"),
});

/**
 * Queues the bill run of a month (or resumes it) for the worker process (docs/jobs.md) and returns at
 * once with the job; progress is read from `bill_run_item` (`listBillRuns`) and the job
 * (`listBillingJobs`). A month already queued or running is `conflict`. Audited as `billing.run.start`.
 */
export async function startBillRun(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ period: string; jobId: string }>> {
  const parsed = periodSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { period } = parsed.data;
  try {
    await checkPeriodEnded(pool, period, new Date());
  } catch (error) {
    if (!(error instanceof BillRunError) || error.code !== "PERIOD_NOT_ENDED") throw error;
    return {
      ok: false,
      error: "bad_request",
      status: statusOf("bad_request"),
      message: error.message,
      fieldErrors: { period: "admin.billing.error.notEnded" },
    };
  }
  const queue = await jobQueue(pool);
  return withTransaction(pool, async (db) => {
    await assertSingleTenant(db, scope);
    const live = await listJobs(db, { kinds: ["bill-run"], limit: 100 });
    if (live.some((j) => j.subject === period && LIVE_STATES.includes(j.state)))
      throw new AppError("conflict", "this month's bill run is already queued or running");
    // the job and its audit entry commit together
    const queued = await queue.enqueue("bill-run", { period }, { db });
    if (queued.existing) throw new AppError("conflict", "this month's bill run is already queued or running");
    await audit(db, scope, {
      action: "billing.run.start",
      targetType: "bill_run",
      targetId: period,
      detail: { period: monthPeriod(period), jobId: queued.id },
    });
    return { ok: true as const, value: { period, jobId: queued.id } };
  });
}

const issueSchema = z.object({
  invoiceIds: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((ids) => ids.length >= 1 && ids.length <= 5000, "admin.billing.error.selection"),
  issueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "admin.billing.error.date")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/**
 * Issues this retailer's drafts (gapless numbers per series, billing's `issueInvoicesIn`) and audits
 * `billing.invoice.issue`, in one transaction. An id of another retailer is `not_found`; an id that
 * is no longer a draft is `conflict`.
 */
export async function issueDrafts(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ issued: { id: string; number: string }[] }>> {
  const parsed = issueSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { invoiceIds, issueDate } = parsed.data;
  return withTransaction(pool, async (db) => {
    for (const id of invoiceIds) {
      const own = await ownInvoice(db, scope, id, true);
      if (own.status !== "draft") throw new AppError("conflict", "only drafts can be issued");
      if (own.held)
        throw new AppError(
          "conflict",
          "a draft held for incomplete interval data is issued only with an override and a reason",
        );
    }
    const { issued } = await issueInvoicesIn(db, { invoiceIds }, issueDate ? { issueDate } : {});
    for (const i of issued)
      await audit(db, scope, {
        action: "billing.invoice.issue",
        targetType: "invoice",
        targetId: i.id,
        detail: { number: i.number },
      });
    return { ok: true as const, value: { issued: issued.map(({ id, number }) => ({ id, number })) } };
  });
}

const overrideSchema = z.object({
  invoiceId: z.string().min(1, "admin.billing.error.selection"),
  reason: z.string().trim().min(3, "admin.billing.error.reason").max(500, "admin.billing.error.reason"),
  issueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "admin.billing.error.date")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/**
 * Issues one of this retailer's drafts held for incomplete interval data: the override. Releases the
 * hold (who, when, why stay on the invoice), issues it with the next number and audits
 * `billing.invoice.issue_incomplete` with the missing count, in one transaction. Retailer admins only
 * (`billing.override`); a draft that is not held is `conflict` (issue it the ordinary way).
 */
export async function issueHeldDraft(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ id: string; number: string }>> {
  const parsed = overrideSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { invoiceId, reason, issueDate } = parsed.data;
  return withTransaction(pool, async (db) => {
    const own = await ownInvoice(db, scope, invoiceId, true);
    if (own.status !== "draft" || !own.held)
      throw new AppError("conflict", "only a held draft needs an override");
    try {
      await releaseHold(db, invoiceId, { by: scope.actor, note: reason });
    } catch (error) {
      if (error instanceof InvoiceStateError)
        throw new AppError("conflict", "only a held draft needs an override");
      throw error;
    }
    const item = await db.query<{ expected_intervals: number | null; missing_intervals: number | null }>(
      `SELECT expected_intervals, missing_intervals FROM bill_run_item WHERE invoice_id = $1::uuid`,
      [invoiceId],
    );
    const { issued } = await issueInvoicesIn(db, { invoiceIds: [invoiceId] }, issueDate ? { issueDate } : {});
    const done = issued[0];
    if (!done) throw new AppError("conflict", "the draft could not be issued");
    await audit(db, scope, {
      action: "billing.invoice.issue_incomplete",
      targetType: "invoice",
      targetId: invoiceId,
      detail: {
        number: done.number,
        reason,
        expectedIntervals: item.rows[0]?.expected_intervals ?? null,
        missingIntervals: item.rows[0]?.missing_intervals ?? null,
      },
    });
    return { ok: true as const, value: { id: done.id, number: done.number } };
  });
}

const voidSchema = z.object({
  invoiceId: z.string().min(1, "admin.billing.error.selection"),
  reason: z.string().trim().min(3, "admin.billing.error.reason").max(500, "admin.billing.error.reason"),
});

/** Voids one of this retailer's issued invoices (audited `billing.invoice.void`). */
export async function voidOwnInvoice(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ invoiceId: string }>> {
  const parsed = voidSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { invoiceId, reason } = parsed.data;
  return withTransaction(pool, async (db) => {
    const own = await ownInvoice(db, scope, invoiceId, true);
    try {
      await voidInvoice(db, invoiceId, reason);
    } catch (error) {
      if (error instanceof InvoiceStateError)
        throw new AppError("conflict", "only issued invoices can be voided");
      throw error;
    }
    await audit(db, scope, {
      action: "billing.invoice.void",
      targetType: "invoice",
      targetId: invoiceId,
      detail: { number: own.number, reason },
    });
    return { ok: true as const, value: { invoiceId } };
  });
}

/** Drafts a full credit note of one of this retailer's issued invoices (audited `billing.credit_note.create`). */
export async function creditOwnInvoice(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ creditNoteId: string }>> {
  const invoiceId = input.invoiceId ?? "";
  return withTransaction(pool, async (db) => {
    const own = await ownInvoice(db, scope, invoiceId, true);
    if (own.status !== "issued") throw new AppError("conflict", "only issued invoices can be credited");
    const creditNoteId = await createCreditNote(db, { originalInvoiceId: invoiceId });
    await audit(db, scope, {
      action: "billing.credit_note.create",
      targetType: "invoice",
      targetId: invoiceId,
      detail: { number: own.number, creditNoteId },
    });
    return { ok: true as const, value: { creditNoteId } };
  });
}

/** The PDF of one of this retailer's invoices (drafts too, marked DRAFT); others are `not_found`. */
export async function adminInvoicePdf(
  db: Queryable,
  scope: StaffScope,
  invoiceId: string,
): Promise<{ fileName: string; pdf: Buffer }> {
  await ownInvoice(db, scope, invoiceId);
  const stored = await loadInvoice(db, invoiceId);
  if (!stored) throw new AppError("not_found", "no such invoice");
  const pdf = await renderInvoicePdf(stored, await loadSeller(db, stored.contractId));
  return { fileName: `${stored.number ?? `draft-${invoiceId.slice(0, 8)}`}.pdf`, pdf };
}

/**
 * The xlsx export of a bill run this retailer has items in. The export covers the whole run, so it
 * is only given when every POD of the run is this retailer's (`conflict` otherwise).
 */
export async function adminBillRunXlsx(
  db: Queryable,
  scope: StaffScope,
  runId: string,
): Promise<{ fileName: string; xlsx: Buffer }> {
  if (!UUID.test(runId)) throw new AppError("not_found", "no such bill run");
  const runs = await listBillRuns(db, scope);
  const run = runs.find((r) => r.id === runId);
  if (!run) throw new AppError("not_found", "no such bill run");
  const { rowCount } = await db.query(
    `SELECT 1 FROM bill_run_item it JOIN pod p ON p.id = it.pod_id
     JOIN contract c ON c.id = p.contract_id JOIN trader t ON t.id = c.trader_id
     WHERE it.bill_run_id = $1::uuid AND t.retailer_id IS DISTINCT FROM $2 LIMIT 1`,
    [runId, scope.retailerId],
  );
  if (rowCount) throw new AppError("conflict", "this bill run also billed other retailers' PODs");
  return { fileName: `bill-run-${run.period}.xlsx`, xlsx: await exportBillRunXlsx(db, runId) };
}
