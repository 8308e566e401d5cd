/**
 * The delivery grid: every hour (or quarter hour) of a local delivery period in the delivery zone's
 * IANA time zone, with its local weekday and wall-clock minute. DST days have 23 or 25 hours (92 or
 * 100 quarter hours); the repeated autumn hour appears twice with the same wall-clock minute.
 */
import {
  type LocalPeriod,
  addDays,
  dayNumber,
  dayOfWeek,
  localMidnightUtcMs,
  utcOffsetMs,
} from "../billing/local-time.ts";
import { TradingInputError } from "./errors.ts";

export type Resolution = 15 | 60;

/** Parallel arrays, one entry per interval, in time order. */
export type DeliveryGrid = {
  period: LocalPeriod;
  timeZone: string;
  resolutionMinutes: Resolution;
  /** UTC start of each interval (ms) */
  startMs: number[];
  /** 0 = Sunday … 6 = Saturday, local */
  weekday: number[];
  /** local wall-clock minute of day at the interval's start (0…1439) */
  localMinute: number[];
  /** index of the local day (0 = period.start) */
  dayIndex: number[];
  /** local dates of the period, in order */
  days: string[];
};

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const cache = new Map<string, DeliveryGrid>();

/**
 * The grid of `period` (local dates, end exclusive) in `timeZone`. Memoised per arguments (a book of
 * contracts shares a few delivery periods); callers must not mutate the result.
 */
export function deliveryGrid(
  period: LocalPeriod,
  timeZone: string,
  resolutionMinutes: Resolution,
): DeliveryGrid {
  const key = `${timeZone}|${period.start}|${period.end}|${resolutionMinutes}`;
  let grid = cache.get(key);
  if (grid === undefined) {
    if (cache.size >= 2_000) cache.clear();
    grid = buildGrid(period, timeZone, resolutionMinutes);
    cache.set(key, grid);
  }
  return grid;
}

function buildGrid(period: LocalPeriod, timeZone: string, resolutionMinutes: Resolution): DeliveryGrid {
  if (resolutionMinutes !== 15 && resolutionMinutes !== 60) {
    throw new TradingInputError("resolutionMinutes", `15 or 60 expected (got ${String(resolutionMinutes)})`);
  }
  const first = dayNumber(period.start);
  const last = dayNumber(period.end);
  if (last <= first)
    throw new TradingInputError("period", `end ${period.end} must be after start ${period.start}`);
  const step = resolutionMinutes * MS_PER_MINUTE;
  const grid: DeliveryGrid = {
    period,
    timeZone,
    resolutionMinutes,
    startMs: [],
    weekday: [],
    localMinute: [],
    dayIndex: [],
    days: [],
  };
  let dayStart = localMidnightUtcMs(period.start, timeZone);
  for (let d = first; d < last; d++) {
    const date = addDays(period.start, d - first);
    const next = localMidnightUtcMs(addDays(date, 1), timeZone);
    const weekday = dayOfWeek(date);
    const dayIndex = d - first;
    // An ordinary day: the wall clock runs with UTC from midnight. A DST day: ask the zone per interval.
    const regular = next - dayStart === MS_PER_DAY;
    for (let t = dayStart; t < next; t += step) {
      grid.startMs.push(t);
      grid.weekday.push(weekday);
      grid.localMinute.push(
        regular
          ? (t - dayStart) / MS_PER_MINUTE
          : (t + utcOffsetMs(timeZone, t) - d * MS_PER_DAY) / MS_PER_MINUTE,
      );
      grid.dayIndex.push(dayIndex);
    }
    grid.days.push(date);
    dayStart = next;
  }
  return grid;
}
