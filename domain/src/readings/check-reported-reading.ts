import { daysBetween } from "../billing/local-time.ts";
import { maxPlausibleWhPerDay } from "./max-plausible-wh-per-day.ts";

/** A cumulative register value (integer Wh) on a local date (YYYY-MM-DD). */
export type KnownReading = { date: string; wh: bigint };

export type ReadingRejectReason =
  "future" | "before_supply" | "after_supply" | "below_previous" | "above_next" | "implausible";

/** The outcome of checking a reported reading: a rejection is a value with its reason (STYLE 7). */
export type ReadingCheck =
  | { ok: true }
  | {
      ok: false;
      reason: ReadingRejectReason;
      /** the reading it conflicts with (below_previous, above_next, implausible) */
      other?: KnownReading;
    };

export type CheckReportedReadingParams = {
  date: string;
  wh: bigint;
  /** today in the POD's time zone (YYYY-MM-DD) */
  today: string;
  supplyStart: string;
  /** exclusive; null = still supplied */
  supplyEnd: string | null;
  /** the latest known reading before `date` and the earliest after it (any source) */
  previous: KnownReading | null;
  next: KnownReading | null;
  annualReferenceKwh: string;
};

/**
 * Checks a cumulative reading a customer reports against the calendar, the POD's supply period and its
 * neighbours: a register never runs backwards, and a jump from the previous reading faster than
 * `maxPlausibleWhPerDay` is refused as implausible (most likely a typo, e.g. a digit too many).
 * The checks run in that order; the first that fails is the reason.
 * @example checkReportedReading({ date: "2026-11-20", wh: 1_500_000n, previous: { date: "2026-11-10", wh: 1_000_000n }, annualReferenceKwh: "3500", … })
 *   // 500 kWh in 10 days; the limit is 40 kWh/day = 400 kWh → { ok: false, reason: "implausible" }
 */
export function checkReportedReading(p: CheckReportedReadingParams): ReadingCheck {
  if (p.date > p.today) return { ok: false, reason: "future" };
  if (p.date < p.supplyStart) return { ok: false, reason: "before_supply" };
  if (p.supplyEnd !== null && p.date >= p.supplyEnd) return { ok: false, reason: "after_supply" };
  if (p.previous && p.wh < p.previous.wh) return { ok: false, reason: "below_previous", other: p.previous };
  if (p.next && p.wh > p.next.wh) return { ok: false, reason: "above_next", other: p.next };
  if (p.previous) {
    // two readings on the same day still get one day's allowance
    const days = BigInt(Math.max(1, daysBetween(p.previous.date, p.date)));
    if (p.wh - p.previous.wh > maxPlausibleWhPerDay(p.annualReferenceKwh) * days)
      return { ok: false, reason: "implausible", other: p.previous };
  }
  return { ok: true };
}
