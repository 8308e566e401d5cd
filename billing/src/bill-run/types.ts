/** The shapes a bill run's workers share: the run's context, caches, timings and completeness. */
import type { TouWindow, Tariff, computeInvoice } from "@c4e/domain";
import type { MonthParameters, VatRates } from "./terms.ts";

/** How many merged ranges of missing intervals an incomplete item keeps (the count covers all). */
export const MISSING_RANGES_KEPT = 10;

/** The data coverage of an AMR POD in its billed period, stored with the bill run item. */
export type Completeness = {
  expected: number;
  present: number;
  missing: number;
  /** the first merged ranges of missing intervals (ISO instants, end exclusive) */
  ranges: { start: string; end: string; intervals: number }[];
  rangeCount: number;
};

/** The month's run as a worker needs it: period, parameters, policy. */
export type RunContext = {
  id: string;
  start: string;
  end: string;
  parameters: MonthParameters;
  vat: VatRates;
  maxMissing: number;
  compute: typeof computeInvoice;
  intervals: IntervalSource;
  compact: boolean;
};

/** Where a run reads interval data: the compact store (default) or the row-per-interval audit store. */
export type IntervalSource = "compact" | "reading_interval";

export type ChunkResult = { drafted: number; incomplete: number; failed: number; pods: number };

/** Per-worker caches (parsed tariffs, TOU windows per group). */
export type WorkerCaches = { tariffs: Map<string, Tariff | string>; windows: Map<string, TouWindow[]> };

/** Timings of one worker, in ms. */
export type WorkerTimings = { sqlMs: number; nodeMs: number; writeMs: number; compactMs: number };
