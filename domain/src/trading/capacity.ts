/**
 * Cross-border transmission capacity rights: per border and direction, a constant capacity in MW for
 * every hour of a product period (hourly, daily, weekly, monthly, yearly auction products) at a
 * price per MW and hour. Capacity is hourly: a right of 100 MW for a month is 100 MWh of transfer
 * capacity in each of the month's hours (743/744/745 of them).
 */
import type { LocalPeriod } from "../billing/local-time.ts";
import { TradingInputError } from "./errors.ts";
import { deliveryGrid } from "./delivery-grid.ts";
import { type Mwh4, parseMwh } from "./mwh.ts";
import { type Amount10, type PriceMicro, parsePrice } from "./price.ts";

export type CapacityProduct = "hourly" | "daily" | "weekly" | "monthly" | "yearly";

export type CapacityRight = {
  id: string;
  /** e.g. "HU-AT" */
  border: string;
  /** e.g. "HU>AT" (export from HU) */
  direction: string;
  product: CapacityProduct;
  /** local delivery period of the right (one hour's day for hourly rights, with fromHour/toHour) */
  period: LocalPeriod;
  /** hourly rights: local hours [fromHour, toHour) of the single day */
  fromHour?: number;
  toHour?: number;
  mw: string;
  pricePerMwh: string;
};

export type CapacityHour = { border: string; direction: string; startMs: number; mw: Mwh4; cost: Amount10 };

/**
 * The rights summed per border, direction and hour, with the cost of each hour (MW × 1 h × price).
 * The MW value is kept in the 4-decimal unit of MWh (capacity × one hour).
 */
export function capacityHours(rights: readonly CapacityRight[], timeZone: string): CapacityHour[] {
  const out = new Map<string, CapacityHour>();
  rights.forEach((r, n) => {
    const path = `rights[${n}]`;
    const mw = parseMwh(r.mw, `${path}.mw`);
    if (mw <= 0n) throw new TradingInputError(`${path}.mw`, `a positive capacity expected`);
    const price: PriceMicro = parsePrice(r.pricePerMwh, `${path}.pricePerMwh`);
    if (!/^[A-Z]{2}>[A-Z]{2}$/.test(r.direction))
      throw new TradingInputError(
        `${path}.direction`,
        `"XX>YY" expected (got ${JSON.stringify(r.direction)})`,
      );
    const grid = deliveryGrid(r.period, timeZone, 60);
    const from = (r.fromHour ?? 0) * 60;
    const to = (r.toHour ?? 24) * 60;
    if (r.product === "hourly" && grid.days.length !== 1)
      throw new TradingInputError(`${path}.period`, `an hourly right covers hours of one day`);
    for (let i = 0; i < grid.startMs.length; i++) {
      const minute = grid.localMinute[i] as number;
      if (minute < from || minute >= to) continue;
      const t = grid.startMs[i] as number;
      const key = `${r.border}|${r.direction}|${t}`;
      const h = out.get(key) ?? { border: r.border, direction: r.direction, startMs: t, mw: 0n, cost: 0n };
      h.mw += mw;
      h.cost += mw * price;
      out.set(key, h);
    }
  });
  return [...out.values()].sort(
    (a, b) =>
      a.border.localeCompare(b.border) || a.direction.localeCompare(b.direction) || a.startMs - b.startMs,
  );
}

/** Hours where the scheduled cross-border flow exceeds the capacity held (or none is held). */
export function capacityShortfalls(
  hours: readonly CapacityHour[],
  flows: readonly { direction: string; startMs: number; mwh: Mwh4 }[],
): { direction: string; startMs: number; flowMwh: Mwh4; capacityMw: Mwh4 }[] {
  const held = new Map<string, Mwh4>();
  for (const h of hours)
    held.set(`${h.direction}|${h.startMs}`, (held.get(`${h.direction}|${h.startMs}`) ?? 0n) + h.mw);
  const out = [];
  for (const f of flows) {
    const cap = held.get(`${f.direction}|${f.startMs}`) ?? 0n;
    if (f.mwh > cap)
      out.push({ direction: f.direction, startMs: f.startMs, flowMwh: f.mwh, capacityMw: cap });
  }
  return out;
}
