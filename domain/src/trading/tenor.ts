/**
 * Tenors: the delivery period a product covers, as local dates (end exclusive) in the delivery zone.
 */
import { type LocalPeriod, addDays, dayNumber, dayOfWeek, parseLocalDate } from "../billing/local-time.ts";
import { TradingInputError } from "./errors.ts";

export type Tenor =
  | { kind: "day"; date: string }
  /** the week starting on `monday` (a Monday) */
  | { kind: "week"; monday: string }
  /** `YYYY-MM` */
  | { kind: "month"; month: string }
  | { kind: "quarter"; year: number; quarter: 1 | 2 | 3 | 4 }
  | { kind: "year"; year: number }
  | { kind: "custom"; start: string; end: string };

function date(text: string, path: string): string {
  if (parseLocalDate(text) === undefined)
    throw new TradingInputError(path, `YYYY-MM-DD expected (got ${JSON.stringify(text)})`);
  return text;
}

function ymd(year: number, month: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-01`;
}

function year(y: number, path: string): number {
  if (!Number.isInteger(y) || y < 1900 || y > 9999)
    throw new TradingInputError(path, `a year expected (got ${String(y)})`);
  return y;
}

/**
 * The local delivery period of a tenor.
 * @example tenorPeriod({ kind: "quarter", year: 2026, quarter: 4 }) // { start: "2026-10-01", end: "2027-01-01" }
 */
export function tenorPeriod(tenor: Tenor, path = "tenor"): LocalPeriod {
  switch (tenor.kind) {
    case "day": {
      const d = date(tenor.date, `${path}.date`);
      return { start: d, end: addDays(d, 1) };
    }
    case "week": {
      const d = date(tenor.monday, `${path}.monday`);
      if (dayOfWeek(d) !== 1) throw new TradingInputError(`${path}.monday`, `${d} is not a Monday`);
      return { start: d, end: addDays(d, 7) };
    }
    case "month": {
      const m = /^(\d{4})-(\d{2})$/.exec(tenor.month);
      const mm = Number(m?.[2]);
      if (m === null || mm < 1 || mm > 12)
        throw new TradingInputError(`${path}.month`, `YYYY-MM expected (got ${JSON.stringify(tenor.month)})`);
      const y = year(Number(m[1]), `${path}.month`);
      return { start: ymd(y, mm), end: mm === 12 ? ymd(y + 1, 1) : ymd(y, mm + 1) };
    }
    case "quarter": {
      const y = year(tenor.year, `${path}.year`);
      if (![1, 2, 3, 4].includes(tenor.quarter))
        throw new TradingInputError(`${path}.quarter`, `1…4 expected`);
      const m = (tenor.quarter - 1) * 3 + 1;
      return { start: ymd(y, m), end: tenor.quarter === 4 ? ymd(y + 1, 1) : ymd(y, m + 3) };
    }
    case "year": {
      const y = year(tenor.year, `${path}.year`);
      return { start: ymd(y, 1), end: ymd(y + 1, 1) };
    }
    case "custom": {
      const start = date(tenor.start, `${path}.start`);
      const end = date(tenor.end, `${path}.end`);
      if (dayNumber(end) <= dayNumber(start))
        throw new TradingInputError(`${path}.end`, `must be after start ${start}`);
      return { start, end };
    }
  }
}
