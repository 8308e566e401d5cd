// The job kinds of the platform queue (docs/jobs.md): one name, one validated payload and one set of
// queue options per kind. The web enqueues them (queue.ts), the worker process runs them (worker.ts).
import { z } from "zod";

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month YYYY-MM");
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");
const issue = { issue: z.boolean().default(false), issueDate: day.optional() };
/** CSV payloads travel in the job row: up to 20 MB (a POD import of ~100k rows) */
const csv = z.string().min(1).max(20_000_000);

/** The payload schema of each kind (validated when enqueued and again when run). */
export const JOB_PAYLOADS = {
  /** the month's bill run (billing's `runBill`), resumable by chunk; optionally issues the drafts */
  "bill-run": z.object({
    period: month,
    maxMissingIntervals: z.number().int().min(0).max(1_000_000).optional(),
    batchSize: z.number().int().min(1).max(100_000).optional(),
    ...issue,
  }),
  /** advance invoices of a month (`billAdvances`) */
  "advance-run": z.object({ period: month, ...issue }),
  /** SLP annual settlement up to the distributor reading of a date (`billSettlements`) */
  settlement: z.object({ podIds: z.array(z.string().min(1)).max(100_000).optional(), date: day, ...issue }),
  /** difference invoices / credit notes after a price change (`billCorrections`) */
  corrections: z.object({ from: month, to: month, ...issue }),
  /** create/update PODs from a CSV (`importPods`); nothing is applied if a row is rejected */
  "pod-import": z.object({ csv, dryRun: z.boolean().default(false) }),
  /** market prices per kWh for dynamic tariffs (`importMarketPrices`) */
  "market-price-import": z.object({
    csv,
    zone: z.string().min(1).max(40),
    currency: z.string().regex(/^[A-Z]{3}$/),
    resolutionMinutes: z.union([z.literal(15), z.literal(60)]),
  }),
  /** confirmed supplier switches whose date has come become contracts; stale drafts are deleted */
  "switch-activation": z.object({}),
} as const;

export type JobKind = keyof typeof JOB_PAYLOADS;
export type JobPayload<K extends JobKind> = z.output<(typeof JOB_PAYLOADS)[K]>;
/** What a caller passes (defaults not yet applied). */
export type JobInput<K extends JobKind> = z.input<(typeof JOB_PAYLOADS)[K]>;

export const JOB_KINDS = Object.keys(JOB_PAYLOADS) as JobKind[];

export function isJobKind(value: string): value is JobKind {
  return Object.hasOwn(JOB_PAYLOADS, value);
}

/**
 * Queue options per kind (pg-boss): `stately` keeps at most one queued and one running job per
 * singleton key (a month's bill run is not queued twice); `retryLimit` counts crashes and retryable
 * failures; `expireInSeconds` is the backstop when no worker notices a dead one (worker.ts reaps jobs
 * of dead workers within seconds).
 */
export const JOB_QUEUE_OPTIONS: Record<
  JobKind,
  { policy: "standard" | "stately"; retryLimit: number; retryDelay: number; expireInSeconds: number }
> = {
  "bill-run": { policy: "stately", retryLimit: 10, retryDelay: 5, expireInSeconds: 23 * 3600 },
  "advance-run": { policy: "stately", retryLimit: 3, retryDelay: 30, expireInSeconds: 4 * 3600 },
  settlement: { policy: "standard", retryLimit: 3, retryDelay: 30, expireInSeconds: 4 * 3600 },
  corrections: { policy: "stately", retryLimit: 3, retryDelay: 30, expireInSeconds: 4 * 3600 },
  "pod-import": { policy: "standard", retryLimit: 2, retryDelay: 10, expireInSeconds: 3600 },
  "market-price-import": { policy: "standard", retryLimit: 2, retryDelay: 10, expireInSeconds: 3600 },
  "switch-activation": { policy: "stately", retryLimit: 1, retryDelay: 60, expireInSeconds: 3600 },
};

/** The singleton key of a job (one queued and one running per key for `stately` kinds). */
export function singletonKeyOf<K extends JobKind>(kind: K, payload: JobPayload<K>): string {
  switch (kind) {
    case "bill-run":
    case "advance-run":
      return (payload as JobPayload<"bill-run">).period;
    case "corrections": {
      const p = payload as JobPayload<"corrections">;
      return `${p.from}..${p.to}`;
    }
    default:
      return kind;
  }
}

/** A job's live progress, written by its handler while it runs (counts; `total` when known). */
export type JobProgress = { done: number; total?: number; failed?: number; detail?: string };
