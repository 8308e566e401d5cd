/** Time-of-use windows of a period as UTC instants: the join target for SQL aggregation. */
import { BillingInputError } from "./errors.ts";
import {
  type LocalPeriod,
  addDays,
  dayOfWeek,
  daysBetween,
  isValidTimeZone,
  parseLocalDate,
  zonedTimeToUtcMs,
} from "./local-time.ts";
import { compareDates } from "./price-schedule.ts";
import {
  type DayType,
  type Tariff,
  type TouPricing,
  type TouSeason,
  monthDayIndex,
  timeMinutes,
} from "./tariff.ts";

/** The band of every tariff without time-of-use pricing. */
export const SINGLE_BAND = "all";

export type TouWindow = { band: string; start: Date; end: Date };
export type TouWindowsParams = { tariff: Tariff; period: LocalPeriod; timeZone: string };

/**
 * The tariff's bands over a local period as UTC windows, in order, contiguous, covering exactly the
 * period (adjacent windows of the same band are merged). A reading belongs to the window that
 * contains its interval start. A tariff without TOU has one window, band "all".
 * DST: wall-clock boundaries map to the earliest instant showing that time, so a slot inside the
 * spring-forward gap is empty (left out) and a boundary inside the repeated autumn hour is taken at
 * its first occurrence (the slot starting there also covers the repetition).
 * @example touWindows({ tariff, period: { start: "2025-06-01", end: "2025-07-01" }, timeZone: "Europe/Berlin" })
 */
export function touWindows(params: TouWindowsParams): TouWindow[] {
  const { tariff, period, timeZone } = params;
  checkPeriod(period, timeZone);
  const tou = tariff.tou;
  if (tou === undefined) {
    return [
      {
        band: SINGLE_BAND,
        start: new Date(zonedTimeToUtcMs(period.start, 0, timeZone)),
        end: new Date(zonedTimeToUtcMs(period.end, 0, timeZone)),
      },
    ];
  }
  const out: TouWindow[] = [];
  for (let date = period.start; compareDates(date, period.end) < 0; date = addDays(date, 1)) {
    const slots = [...slotsFor(tou, date)].sort(
      (a, b) => (timeMinutes(a.from) ?? 0) - (timeMinutes(b.from) ?? 0),
    );
    for (const slot of slots) {
      const startMs = zonedTimeToUtcMs(date, timeMinutes(slot.from) ?? 0, timeZone);
      const to = timeMinutes(slot.to) ?? 1440;
      const endMs =
        to === 1440 ? zonedTimeToUtcMs(addDays(date, 1), 0, timeZone) : zonedTimeToUtcMs(date, to, timeZone);
      if (endMs <= startMs) continue; // a slot inside the spring-forward gap
      const last = out[out.length - 1];
      if (last !== undefined && last.band === slot.band && last.end.getTime() === startMs) {
        last.end = new Date(endMs);
      } else {
        out.push({ band: slot.band, start: new Date(startMs), end: new Date(endMs) });
      }
    }
  }
  return out;
}

/** Validates a local period and time zone (throws BillingInputError). */
export function checkPeriod(period: LocalPeriod, timeZone: string): void {
  if (parseLocalDate(period.start) === undefined || parseLocalDate(period.end) === undefined) {
    throw new BillingInputError(
      "invalid_period",
      `period dates must be YYYY-MM-DD: ${period.start}..${period.end}`,
    );
  }
  if (daysBetween(period.start, period.end) <= 0) {
    throw new BillingInputError(
      "invalid_period",
      `period end ${period.end} must be after start ${period.start}`,
    );
  }
  if (!isValidTimeZone(timeZone)) {
    throw new BillingInputError("invalid_time_zone", `unknown IANA time zone ${JSON.stringify(timeZone)}`);
  }
}

/** Weekday, weekend (Saturday, Sunday) or holiday (listed in the tariff). */
export function dayTypeOf(tou: TouPricing, date: string): DayType {
  if (tou.holidays?.includes(date) === true) return "holiday";
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6 ? "weekend" : "weekday";
}

export function seasonOf(tou: TouPricing, date: string): TouSeason {
  const d = parseLocalDate(date);
  if (d === undefined) throw new BillingInputError("invalid_period", `bad date ${date}`);
  const index = monthDayIndex(d.month, d.day);
  for (const season of tou.seasons) {
    const from = monthDayOf(season.from);
    const to = monthDayOf(season.to);
    const inside = from <= to ? index >= from && index <= to : index >= from || index <= to;
    if (inside) return season;
  }
  throw new BillingInputError("invalid_input", `no season for ${date}`);
}

function monthDayOf(text: string): number {
  return monthDayIndex(Number(text.slice(0, 2)), Number(text.slice(3, 5)));
}

function slotsFor(tou: TouPricing, date: string) {
  const season = seasonOf(tou, date);
  const type = dayTypeOf(tou, date);
  if (type === "holiday") return season.dayTypes.holiday ?? season.dayTypes.weekend;
  return season.dayTypes[type];
}
