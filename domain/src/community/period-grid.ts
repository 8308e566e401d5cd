/**
 * The quarter-hour grid of a local period: every interval start (UTC ms), the local day and the
 * grid-tariff band each belongs to. DST days have 92 or 100 quarter hours (Europe/Zurich); the grid
 * comes from the local midnights (`local-time.ts`), never from "96 per day".
 */
import { addDays, daysBetween, localMidnightUtcMs, type LocalPeriod } from "../billing/local-time.ts";
import { SINGLE_BAND, type TouWindow } from "../billing/tou-windows.ts";
import { CommunityInputError } from "./errors.ts";

export const QUARTER_HOUR_MS = 900_000;

export type PeriodGrid = {
  period: LocalPeriod;
  timeZone: string;
  /** interval starts, ascending, 15 minutes apart */
  startsMs: number[];
  /** local dates of the period, in order */
  days: string[];
  /** index into `days` of each interval */
  dayIndex: number[];
  /** the grid tariff's band of each interval ("all" without TOU) */
  band: string[];
  /** the bands that occur, in first-seen order */
  bands: string[];
};

/**
 * @example periodGrid({ start: "2026-03-29", end: "2026-03-30" }, "Europe/Zurich").startsMs.length // 92
 */
export function periodGrid(
  period: LocalPeriod,
  timeZone: string,
  windows?: readonly TouWindow[],
): PeriodGrid {
  const dayCount = daysBetween(period.start, period.end);
  if (!(dayCount > 0))
    throw new CommunityInputError("period", `end ${period.end} is not after start ${period.start}`);
  const days: string[] = [];
  const startsMs: number[] = [];
  const dayIndex: number[] = [];
  for (let d = 0; d < dayCount; d++) {
    const date = addDays(period.start, d);
    days.push(date);
    const from = localMidnightUtcMs(date, timeZone);
    const to = localMidnightUtcMs(addDays(date, 1), timeZone);
    for (let t = from; t < to; t += QUARTER_HOUR_MS) {
      startsMs.push(t);
      dayIndex.push(d);
    }
  }
  const band: string[] = new Array<string>(startsMs.length).fill(SINGLE_BAND);
  const bands: string[] = [];
  if (windows && windows.length > 0) {
    let w = 0;
    for (let i = 0; i < startsMs.length; i++) {
      const t = startsMs[i]!;
      while (w < windows.length && windows[w]!.end.getTime() <= t) w++;
      const win = windows[w];
      if (!win || win.start.getTime() > t) {
        throw new CommunityInputError(
          "gridTariff",
          `no tariff band covers the interval starting ${new Date(t).toISOString()}`,
        );
      }
      band[i] = win.band;
    }
  }
  for (const b of band) if (!bands.includes(b)) bands.push(b);
  if (bands.length === 0) bands.push(SINGLE_BAND);
  return { period, timeZone, startsMs, days, dayIndex, band, bands };
}
