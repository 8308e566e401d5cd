/**
 * Open position per interval: forecast retail demand + sales − purchases. Positive = short (energy
 * still to buy), negative = long (to sell). Mark-to-market values the open quantity at the market
 * price: the cost of closing a short at the day-ahead price (a long's value is negative cost).
 */
import type { LocalPeriod } from "../billing/local-time.ts";
import { localDateOf } from "../billing/local-time.ts";
import { type Mwh4, splitEvenly } from "./mwh.ts";
import type { Amount10 } from "./price.ts";
import { type MarketPrices, marketPriceAt } from "./pricing.ts";
import type { Shape } from "./product.ts";

export type PositionRow = {
  startMs: number;
  demandMwh: Mwh4;
  salesMwh: Mwh4;
  purchasesMwh: Mwh4;
  openMwh: Mwh4;
  /** open × market price; undefined when the interval has no market price */
  markToMarket: Amount10 | undefined;
};

export type PositionParams = {
  /** forecast demand per hour start (UTC ms) */
  demand: Map<number, Mwh4>;
  sales: readonly Shape[];
  purchases: readonly Shape[];
  market?: MarketPrices;
  /** only intervals with start in [fromMs, toMs) */
  fromMs: number;
  toMs: number;
};

/**
 * Hourly open position (quarter-hour shapes are summed into their hour). Hours where nothing is
 * demanded, sold or bought are left out.
 */
export function openPosition(p: PositionParams): PositionRow[] {
  const rows = new Map<number, { d: Mwh4; s: Mwh4; b: Mwh4 }>();
  const slot = (t: number) => {
    let r = rows.get(t);
    if (r === undefined) {
      r = { d: 0n, s: 0n, b: 0n };
      rows.set(t, r);
    }
    return r;
  };
  const inRange = (t: number) => t >= p.fromMs && t < p.toMs;
  for (const [t, q] of p.demand) if (q !== 0n && inRange(t)) slot(t - (t % 3_600_000)).d += q;
  for (const shape of p.sales)
    for (let i = 0; i < shape.startMs.length; i++) {
      const t = shape.startMs[i] as number;
      if (inRange(t)) slot(t - (t % 3_600_000)).s += shape.mwh[i] as Mwh4;
    }
  for (const shape of p.purchases)
    for (let i = 0; i < shape.startMs.length; i++) {
      const t = shape.startMs[i] as number;
      if (inRange(t)) slot(t - (t % 3_600_000)).b += shape.mwh[i] as Mwh4;
    }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, r]) => {
      const open = r.d + r.s - r.b;
      const price = p.market === undefined ? undefined : marketPriceAt(p.market, t);
      return {
        startMs: t,
        demandMwh: r.d,
        salesMwh: r.s,
        purchasesMwh: r.b,
        openMwh: open,
        markToMarket: price === undefined ? undefined : open * price,
      };
    });
}

export type DailyPosition = {
  date: string;
  demandMwh: Mwh4;
  salesMwh: Mwh4;
  purchasesMwh: Mwh4;
  openMwh: Mwh4;
  markToMarket: Amount10;
  hoursWithoutPrice: number;
};

/** The hourly rows summed per local delivery day. */
export function dailyPosition(rows: readonly PositionRow[], timeZone: string): DailyPosition[] {
  const days = new Map<string, DailyPosition>();
  for (const r of rows) {
    const date = localDateOf(r.startMs, timeZone);
    let d = days.get(date);
    if (d === undefined) {
      d = {
        date,
        demandMwh: 0n,
        salesMwh: 0n,
        purchasesMwh: 0n,
        openMwh: 0n,
        markToMarket: 0n,
        hoursWithoutPrice: 0,
      };
      days.set(date, d);
    }
    d.demandMwh += r.demandMwh;
    d.salesMwh += r.salesMwh;
    d.purchasesMwh += r.purchasesMwh;
    d.openMwh += r.openMwh;
    if (r.markToMarket === undefined) d.hoursWithoutPrice++;
    else d.markToMarket += r.markToMarket;
  }
  return [...days.values()];
}

/**
 * A flat demand forecast: each month's forecast energy spread evenly over the month's hours (the
 * POD forecast is monthly, SLP × annual consumption; a finer profile is future work).
 */
export function spreadMonthlyForecast(
  months: readonly { period: LocalPeriod; mwh: Mwh4; hours: number[] }[],
): Map<number, Mwh4> {
  const out = new Map<number, Mwh4>();
  for (const m of months) {
    if (m.hours.length === 0) continue;
    const parts = splitEvenly(m.mwh, m.hours.length);
    m.hours.forEach((t, i) => out.set(t, (out.get(t) ?? 0n) + (parts[i] as Mwh4)));
  }
  return out;
}
