// Open position per hour and delivery day: the retail demand forecast of the retailer's PODs plus
// sales, minus purchases, valued at the zone's day-ahead prices (mark-to-market).
//
// Demand forecast: each POD's monthly forecast (billing's `pod.monthly_forecast_kwh`, SLP share ×
// annual consumption) summed over the retailer's supplied PODs and spread evenly over the hours of the
// month, rounded to 0.1 kWh (0.0001 MWh). An hourly SLP shape and AMR history are not used yet.
import { addDays, localMidnightUtcMs } from "@c4e/domain";
import {
  type Mwh4,
  type PositionRow,
  dailyPosition,
  deliveryGrid,
  formatAmount,
  formatMwh,
  openPosition,
  spreadMonthlyForecast,
} from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { loadBook } from "./book.ts";
import type { TradingContext } from "./errors.ts";

/** Hourly demand forecast (UTC hour start → MWh) of the retailer's PODs over [from, to). */
export async function demandForecast(
  db: Queryable,
  ctx: TradingContext,
  p: { from: string; to: string; timeZone: string },
): Promise<Map<number, Mwh4>> {
  const res = await db.query<{ m: number; units: string }>(
    `SELECT m, round(sum(p.monthly_forecast_kwh[m]) * 10)::bigint::text AS units
     FROM pod p JOIN contract c ON c.id = p.contract_id JOIN customer cu ON cu.id = c.customer_id,
       generate_series(1, 12) AS m
     WHERE cu.retailer_id = $1 AND cardinality(p.monthly_forecast_kwh) = 12
     GROUP BY m`,
    [ctx.retailerId],
  );
  const perMonth = new Map(res.rows.map((r) => [Number(r.m), BigInt(r.units)]));
  const months: { period: { start: string; end: string }; mwh: Mwh4; hours: number[] }[] = [];
  let start = `${p.from.slice(0, 7)}-01`;
  while (start < p.to) {
    const end = `${addDays(start, 31).slice(0, 7)}-01`;
    const grid = deliveryGrid({ start, end }, p.timeZone, 60);
    months.push({
      period: { start, end },
      mwh: perMonth.get(Number(start.slice(5, 7))) ?? 0n,
      hours: grid.startMs,
    });
    start = end;
  }
  const fromMs = localMidnightUtcMs(p.from, p.timeZone);
  const toMs = localMidnightUtcMs(p.to, p.timeZone);
  const all = spreadMonthlyForecast(months);
  for (const t of all.keys()) if (t < fromMs || t >= toMs) all.delete(t);
  return all;
}

export type PositionView = {
  hours: {
    start: string;
    demandMwh: string;
    salesMwh: string;
    purchasesMwh: string;
    openMwh: string;
    markToMarket: string | null;
  }[];
  days: {
    date: string;
    demandMwh: string;
    salesMwh: string;
    purchasesMwh: string;
    openMwh: string;
    markToMarket: string;
    hoursWithoutPrice: number;
  }[];
  rows: PositionRow[];
};

/** The open position of [from, to) in `zone` (contracts of that zone; its prices for the valuation). */
export async function positionFor(
  db: Queryable,
  ctx: TradingContext,
  p: { from: string; to: string; timeZone: string; zone: string; withDemand?: boolean },
): Promise<PositionView> {
  const book = await loadBook(db, ctx, { ...p, zones: [p.zone] });
  const entries = book.entries.filter((e) => e.contract.zone === p.zone);
  const demand = p.withDemand === false ? new Map<number, Mwh4>() : await demandForecast(db, ctx, p);
  const rows = openPosition({
    demand,
    sales: entries.filter((e) => e.contract.side === "sell").map((e) => e.shape),
    purchases: entries.filter((e) => e.contract.side === "buy").map((e) => e.shape),
    market: book.market.get(p.zone),
    fromMs: localMidnightUtcMs(p.from, p.timeZone),
    toMs: localMidnightUtcMs(p.to, p.timeZone),
  });
  return {
    rows,
    hours: rows.map((r) => ({
      start: new Date(r.startMs).toISOString(),
      demandMwh: formatMwh(r.demandMwh),
      salesMwh: formatMwh(r.salesMwh),
      purchasesMwh: formatMwh(r.purchasesMwh),
      openMwh: formatMwh(r.openMwh),
      markToMarket: r.markToMarket === undefined ? null : formatAmount(r.markToMarket),
    })),
    days: dailyPosition(rows, p.timeZone).map((d) => ({
      date: d.date,
      demandMwh: formatMwh(d.demandMwh),
      salesMwh: formatMwh(d.salesMwh),
      purchasesMwh: formatMwh(d.purchasesMwh),
      openMwh: formatMwh(d.openMwh),
      markToMarket: formatAmount(d.markToMarket),
      hoursWithoutPrice: d.hoursWithoutPrice,
    })),
  };
}

/** The hourly position as CSV (start, demand, sales, purchases, open, mark-to-market). */
export function positionCsv(view: PositionView): string {
  return [
    "start,demand_mwh,sales_mwh,purchases_mwh,open_mwh,mark_to_market",
    ...view.hours.map((h) =>
      [h.start, h.demandMwh, h.salesMwh, h.purchasesMwh, h.openMwh, h.markToMarket ?? ""].join(","),
    ),
  ].join("\n");
}
