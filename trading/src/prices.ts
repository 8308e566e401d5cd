// Day-ahead prices. Trading stores them where billing's dynamic tariffs read them: billing's
// `market_price` (price per kWh, 15- or 60-minute intervals, per zone), written only through billing's
// `importMarketPrices`. Two input formats (docs/trading.md, "Day-ahead prices"):
//   - `trading`: CSV `start,price_per_mwh` — ISO 8601 instant with offset or Z, price per MWh with ≤ 5 decimals;
//   - `entsoe-local`: the ENTSO-E export as in trading/data (`time,DAM_price`, local wall time
//     `DDmonYYYY HH:MM:SS` in the zone's time zone, EUR/kWh as floats): the repeated autumn hour is told
//     apart by order, an empty price is "no data" (skipped and counted), and the float is restored to
//     the 2-decimal EUR/MWh ENTSO-E publishes.
import { importMarketPrices } from "@c4e/billing/market-prices";
import { zonedTimeToUtcMs } from "@c4e/domain";
import {
  type MarketPrices,
  type PriceMicro,
  TradingInputError,
  formatPrice,
  parsePrice,
} from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { parse } from "csv-parse/sync";
import { Decimal } from "decimal.js";
import type pg from "pg";

export type PriceRow = { startMs: number; price: PriceMicro };

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Parses the documented `start,price_per_mwh` CSV; errors name `file:line`. */
export function parseTradingPriceCsv(text: string, file: string): PriceRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  const errors: string[] = [];
  const rows: PriceRow[] = [];
  const header = Object.keys(records[0] ?? { start: "", price_per_mwh: "" }).join(",");
  if (header !== "start,price_per_mwh")
    throw new TradingInputError(
      `${file}:1`,
      `header "start,price_per_mwh" expected (got ${JSON.stringify(header)})`,
    );
  records.forEach((r, i) => {
    const at = `${file}:${i + 2}`;
    const start = r.start ?? "";
    const ms = Date.parse(start);
    if (
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(start) ||
      Number.isNaN(ms)
    ) {
      errors.push(`${at}: start: an ISO 8601 instant with offset expected (got ${JSON.stringify(start)})`);
      return;
    }
    try {
      const price = parsePrice(r.price_per_mwh ?? "", "price_per_mwh");
      // stored per kWh with 8 decimals (billing's market_price): at most 5 decimals per MWh
      if (price % 10n !== 0n) errors.push(`${at}: price_per_mwh: at most 5 decimals (stored per kWh with 8)`);
      else rows.push({ startMs: ms, price });
    } catch (e) {
      errors.push(`${at}: ${(e as Error).message}`);
    }
  });
  if (errors.length > 0)
    throw new TradingInputError(file, `nothing imported: ${errors.slice(0, 20).join("; ")}`);
  return rows;
}

/**
 * Parses the ENTSO-E export (`time,DAM_price`, local time, EUR/kWh floats). Returns the rows and the
 * number of empty ("no data") rows skipped; an unreadable time or price names `file:line`.
 */
export function parseEntsoeLocalCsv(
  text: string,
  file: string,
  timeZone: string,
): { rows: PriceRow[]; skipped: number } {
  const lines = text.split(/\r?\n/);
  const errors: string[] = [];
  const rows: PriceRow[] = [];
  const seen = new Set<number>();
  let skipped = 0;
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === "") return;
    const at = `${file}:${i + 1}`;
    const [time = "", price = ""] = line.split(",");
    const m = /^(\d{2})([a-z]{3})(\d{4}) (\d{2}):(\d{2}):00$/.exec(time.trim());
    const month = m ? MONTHS.indexOf(m[2] as string) + 1 : 0;
    if (!m || month === 0) {
      errors.push(`${at}: time: DDmonYYYY HH:MM:SS expected (got ${JSON.stringify(time)})`);
      return;
    }
    if (price.trim() === "") {
      skipped++;
      return;
    }
    if (!/^-?\d*\.?\d+$/.test(price.trim())) {
      errors.push(`${at}: DAM_price: a number expected (got ${JSON.stringify(price)})`);
      return;
    }
    const date = `${m[3]}-${String(month).padStart(2, "0")}-${m[1]}`;
    const minutes = Number(m[4]) * 60 + Number(m[5]);
    // the first instant with this wall time; the repeated autumn hour is the one an hour later
    let ms = zonedTimeToUtcMs(date, minutes, timeZone);
    if (seen.has(ms)) ms += 3_600_000;
    if (seen.has(ms)) {
      errors.push(`${at}: ${time} appears more often than the zone's clock allows`);
      return;
    }
    seen.add(ms);
    // EUR/kWh float → EUR/MWh with the 2 decimals ENTSO-E publishes (half away from zero)
    const perMwh = new Decimal(price.trim()).times(1000).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    rows.push({ startMs: ms, price: parsePrice(perMwh.toFixed(2), "DAM_price") });
  });
  if (errors.length > 0)
    throw new TradingInputError(file, `nothing imported: ${errors.slice(0, 20).join("; ")}`);
  return { rows, skipped };
}

/** Stores the rows through billing's market-price import (per kWh = per MWh ÷ 1000, exact). */
export async function storeDayAheadPrices(
  pool: pg.Pool,
  rows: readonly PriceRow[],
  p: { zone: string; currency: string; resolutionMinutes: 15 | 60 },
): Promise<{ rows: number; from?: string; to?: string }> {
  const csv = [
    "start,price",
    ...rows.map(
      (r) => `${new Date(r.startMs).toISOString()},${new Decimal(formatPrice(r.price)).div(1000).toFixed()}`,
    ),
  ].join("\n");
  return importMarketPrices(pool, csv, p);
}

/** A price per kWh text (≤ 8 decimals, as stored) as a price per MWh, exact. */
export function perKwhTextToPrice(text: string): PriceMicro {
  const neg = text.startsWith("-");
  const [int = "0", frac = ""] = (neg ? text.slice(1) : text).split(".");
  const v = BigInt(int + frac.padEnd(9, "0").slice(0, 9)); // × 10⁹ = × 1000 (per MWh) × 10⁶ (micro)
  return neg ? -v : v;
}

/** The zone's prices with start in [fromMs, toMs): 15-minute prices where stored, else hourly. */
export async function loadMarketPrices(
  db: Queryable,
  zone: string,
  fromMs: number,
  toMs: number,
): Promise<MarketPrices> {
  const res = await db.query<{ ms: string; price: string }>(
    `SELECT (extract(epoch FROM start_at) * 1000)::bigint::text AS ms, price::text FROM market_price
     WHERE zone = $1 AND start_at >= $2 AND start_at < $3 ORDER BY resolution_minutes DESC, start_at`,
    [zone, new Date(fromMs), new Date(toMs)],
  );
  const out: MarketPrices = new Map();
  for (const r of res.rows) out.set(Number(r.ms), perKwhTextToPrice(r.price));
  return out;
}

/** Hourly prices of a zone for the prices page and chart. */
export async function listPrices(
  db: Queryable,
  zone: string,
  fromMs: number,
  toMs: number,
): Promise<{ start: string; pricePerMwh: string; resolutionMinutes: number }[]> {
  const res = await db.query<{ start_at: Date; price: string; resolution_minutes: number }>(
    `SELECT start_at, price::text, resolution_minutes FROM market_price
     WHERE zone = $1 AND start_at >= $2 AND start_at < $3 ORDER BY start_at, resolution_minutes`,
    [zone, new Date(fromMs), new Date(toMs)],
  );
  return res.rows.map((r) => ({
    start: r.start_at.toISOString(),
    pricePerMwh: formatPrice(perKwhTextToPrice(r.price)),
    resolutionMinutes: r.resolution_minutes,
  }));
}
