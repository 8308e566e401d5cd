/**
 * How many metering intervals a local period has: the sum over its local days of the day's length
 * divided by the interval length, so a DST change counts (Europe/Berlin: 92 quarter hours on the
 * spring-forward day, 100 on the fall-back day, 96 otherwise). The bill run compares it with the
 * intervals found to notice gaps in a POD's meter data.
 */
import { addDays, daysBetween, localMidnightUtcMs, type LocalPeriod } from "./local-time.ts";

export type ExpectedIntervalsParams = {
  /** local dates, `end` exclusive (the part of the month the POD is supplied) */
  period: LocalPeriod;
  timeZone: string;
  /** interval length; 15 unless the meter reports hourly */
  intervalMinutes?: 15 | 60;
};

export type ExpectedIntervals = {
  total: number;
  /** per local day of the period, in order */
  days: { date: string; intervals: number }[];
};

/**
 * @example expectedIntervals({ period: { start: "2026-10-25", end: "2026-10-26" }, timeZone: "Europe/Berlin" })
 *   // { total: 100, days: [{ date: "2026-10-25", intervals: 100 }] }
 */
export function expectedIntervals(params: ExpectedIntervalsParams): ExpectedIntervals {
  const { period, timeZone } = params;
  const intervalMs = (params.intervalMinutes ?? 15) * 60_000;
  const dayCount = daysBetween(period.start, period.end);
  if (dayCount < 0) throw new RangeError(`period end ${period.end} is before its start ${period.start}`);
  const days: ExpectedIntervals["days"] = [];
  let total = 0;
  let date = period.start;
  let dayStart = localMidnightUtcMs(date, timeZone);
  for (let i = 0; i < dayCount; i++) {
    const next = addDays(date, 1);
    const nextStart = localMidnightUtcMs(next, timeZone);
    // A day's length is a whole number of intervals in every zone with hour-sized DST shifts; a
    // zone with a 30-minute shift (Australia/Lord_Howe) and hourly intervals rounds down.
    const intervals = Math.floor((nextStart - dayStart) / intervalMs);
    days.push({ date, intervals });
    total += intervals;
    date = next;
    dayStart = nextStart;
  }
  return { total, days };
}
