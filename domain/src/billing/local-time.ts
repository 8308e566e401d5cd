/**
 * Local calendar dates and wall-clock times in an IANA time zone, DST-aware. Pure computation on top
 * of Intl.DateTimeFormat (the platform's tz database); no clock, no environment.
 */

import { daysInMonth } from "../iso-instant.ts";

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the platform knows the IANA time zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local wall clock minus UTC at an instant, in ms (e.g. +3_600_000 for CET). */
export function utcOffsetMs(timeZone: string, utcMs: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** A local calendar date. */
export type CalendarDate = { year: number; month: number; day: number };

/** Parses a strict `YYYY-MM-DD` calendar date; undefined if it is not a real date. */
export function parseLocalDate(text: string): CalendarDate | undefined {
  const m = DATE_PATTERN.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function mustDate(text: string): CalendarDate {
  const d = parseLocalDate(text);
  if (d === undefined) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(text)}`);
  return d;
}

/** Days since 1970-01-01 of a calendar date (the proleptic Gregorian day number). */
export function dayNumber(date: string): number {
  const d = mustDate(date);
  return Date.UTC(d.year, d.month - 1, d.day) / MS_PER_DAY;
}

/** The calendar date of a day number. */
export function dateOfDayNumber(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** Calendar days from `start` (inclusive) to `end` (exclusive). */
export function daysBetween(start: string, end: string): number {
  return dayNumber(end) - dayNumber(start);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(dayNumber(date) * MS_PER_DAY).getUTCDay();
}

/**
 * The earliest instant whose local wall-clock time in `timeZone` is at or after `date` +
 * `minutes` (0..1440). For a wall time inside a spring-forward gap that is the instant of the jump;
 * for a wall time that occurs twice in autumn it is the first occurrence.
 * @example zonedTimeToUtcMs("2025-03-30", 0, "Europe/Berlin") // Date.UTC(2025, 2, 29, 23)
 */
export function zonedTimeToUtcMs(date: string, minutes: number, timeZone: string): number {
  // Memoised: a bill run asks for the same few local midnights once per invoice line (≈ 70 % of the
  // computation of an invoice was Intl offset lookups); the answer depends on the arguments only.
  const key = `${timeZone}|${date}|${minutes}`;
  let ms = zonedCache.get(key);
  if (ms === undefined) {
    if (zonedCache.size >= 10_000) zonedCache.clear();
    ms = zonedTimeToUtcMsUncached(date, minutes, timeZone);
    zonedCache.set(key, ms);
  }
  return ms;
}

const zonedCache = new Map<string, number>();

function zonedTimeToUtcMsUncached(date: string, minutes: number, timeZone: string): number {
  const wall = dayNumber(date) * MS_PER_DAY + minutes * MS_PER_MINUTE;
  const offsets = [
    ...new Set([utcOffsetMs(timeZone, wall - MS_PER_DAY), utcOffsetMs(timeZone, wall + MS_PER_DAY)]),
  ];
  const exact = offsets.map((o) => wall - o).filter((t) => utcOffsetMs(timeZone, t) === wall - t);
  if (exact.length > 0) return Math.min(...exact);
  // In a gap: the wall time never occurs; find the transition instant (the first instant whose
  // local time is past the wall time) by bisection on whole minutes.
  let lo = Math.min(...offsets.map((o) => wall - o)) - MS_PER_DAY;
  let hi = Math.max(...offsets.map((o) => wall - o)) + MS_PER_DAY;
  while (hi - lo > MS_PER_MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MS_PER_MINUTE) * MS_PER_MINUTE;
    if (mid + utcOffsetMs(timeZone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The instant of local midnight starting `date`. */
export function localMidnightUtcMs(date: string, timeZone: string): number {
  return zonedTimeToUtcMs(date, 0, timeZone);
}

/** The local calendar date of an instant. */
export function localDateOf(utcMs: number, timeZone: string): string {
  return new Date(utcMs + utcOffsetMs(timeZone, utcMs)).toISOString().slice(0, 10);
}

/** Hours in a local day: 24, or 23/25 on DST changes. */
export function hoursInLocalDay(date: string, timeZone: string): number {
  return (localMidnightUtcMs(addDays(date, 1), timeZone) - localMidnightUtcMs(date, timeZone)) / 3_600_000;
}

/** ISO instant text with milliseconds, e.g. "2025-05-31T22:00:00.000Z". */
export function isoOf(utcMs: number): string {
  return new Date(utcMs).toISOString();
}

/** A local billing period: `start` inclusive, `end` exclusive, both `YYYY-MM-DD`. */
export type LocalPeriod = { start: string; end: string };

/** The UTC instants bounding a local period. */
export function periodInstants(period: LocalPeriod, timeZone: string): { startMs: number; endMs: number } {
  return {
    startMs: localMidnightUtcMs(period.start, timeZone),
    endMs: localMidnightUtcMs(period.end, timeZone),
  };
}
