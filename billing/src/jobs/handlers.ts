// Billing's job handlers: each names a use case, passes the validated payload and reports progress.
// The use cases do the work and are tested without the queue (STYLE 17).
import type pg from "pg";
import { billAdvances } from "../advance-run.ts";
import { issueBillRun, runBill } from "../bill-run.ts";
import { billCorrections } from "../corrections.ts";
import { importMarketPrices } from "../market-prices.ts";
import { importPods } from "../pod-import.ts";
import { billSettlements } from "../settlement.ts";
import type { JobKind, JobPayload, JobProgress } from "./kinds.ts";

/** What a handler gets besides its payload. */
export type JobContext = {
  jobId: string;
  pool: pg.Pool;
  /** aborted when the worker stops: stop after the current unit of work and throw `JobInterruptedError` */
  signal: AbortSignal;
  /** live progress, shown by the admin pages (written at most twice a second) */
  progress: (p: JobProgress) => void;
  log: (line: string) => void;
};

export type JobHandler<K extends JobKind> = (payload: JobPayload<K>, ctx: JobContext) => Promise<unknown>;
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

/** The worker stopped the job before it was done: it is retried (and resumes where it stopped). */
export class JobInterruptedError extends Error {
  override name = "JobInterruptedError";
}

/**
 * A failure that running the job again cannot fix (bad input, a rule of the use case): the job fails
 * at once instead of being retried. Errors of other classes are retried up to the kind's retryLimit.
 */
export class FinalJobError extends Error {
  override name = "FinalJobError";
}

/** Typed errors of the use cases that mean "bad input": not retried. */
const FINAL_ERROR_NAMES = new Set([
  "FinalJobError",
  "BillRunError",
  "JobPayloadError",
  "ZodError",
  "InvoiceStateError",
  "PodImportError",
]);

export function isFinalJobError(error: unknown): boolean {
  return error instanceof Error && FINAL_ERROR_NAMES.has(error.name);
}

/** The handlers of billing's kinds (switch activation is wired by the worker's composition root). */
export const billingJobHandlers: Omit<JobHandlers, "switch-activation"> = {
  "bill-run": async (p, ctx) => {
    const summary = await runBill(ctx.pool, {
      period: p.period,
      maxMissingIntervals: p.maxMissingIntervals,
      batchSize: p.batchSize,
      signal: ctx.signal,
      onProgress: (x) => ctx.progress({ done: x.done + x.failed, total: x.total, failed: x.failed }),
    });
    if (summary.status === "interrupted")
      throw new JobInterruptedError(`bill run ${p.period} interrupted at ${summary.done}/${summary.total}`);
    const issued = p.issue
      ? await issueBillRun(ctx.pool, summary.billRunId, { issueDate: p.issueDate })
      : null;
    return {
      billRunId: summary.billRunId,
      total: summary.total,
      drafted: summary.drafted,
      incomplete: summary.incomplete,
      failed: summary.failed,
      issued: issued?.issued ?? 0,
      totalMs: summary.timings.totalMs,
    };
  },
  "advance-run": async (p, ctx) => {
    const r = await billAdvances(ctx.pool, { period: p.period, issue: p.issue, issueDate: p.issueDate });
    return {
      drafted: r.drafted,
      existing: r.existing,
      failed: r.failed.slice(0, 100),
      issued: r.issued.length,
    };
  },
  settlement: async (p, ctx) => {
    const r = await billSettlements(ctx.pool, {
      podIds: p.podIds,
      date: p.date,
      issue: p.issue,
      issueDate: p.issueDate,
    });
    return {
      drafted: r.drafted,
      existing: r.existing,
      failed: r.failed.slice(0, 100),
      issued: r.issued.length,
    };
  },
  corrections: async (p, ctx) => {
    const r = await billCorrections(ctx.pool, {
      from: p.from,
      to: p.to,
      issue: p.issue,
      issueDate: p.issueDate,
    });
    return {
      checked: r.checked,
      created: r.created.length,
      skipped: r.skipped.slice(0, 100),
      issued: r.issued.length,
    };
  },
  "pod-import": async (p, ctx) => {
    const r = await importPods(ctx.pool, p.csv, { dryRun: p.dryRun });
    return {
      applied: r.applied,
      rows: r.rows,
      created: r.created.length,
      changed: r.changed.length,
      unchanged: r.unchanged.length,
      rejected: r.rejected.slice(0, 100),
    };
  },
  "market-price-import": async (p, ctx) =>
    importMarketPrices(ctx.pool, p.csv, {
      zone: p.zone,
      currency: p.currency,
      resolutionMinutes: p.resolutionMinutes,
    }),
};
