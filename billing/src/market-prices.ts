// Market prices for dynamic tariffs: `market_price` holds a price per kWh for each 15- or 60-minute
// interval (UTC start) of a bidding zone. The bill run joins them in SQL (aggregate-intervals.ts).
// Import: CSV `start,price` (ISO 8601 instant, price per kWh in the currency), all or nothing.
import { parse } from "csv-parse/sync";
import type pg from "pg";
import { BillRunError } from "./bill-run.ts";
import { withTransaction } from "@c4e/prisma";

export type MarketPriceImportParams = { zone: string; currency: string; resolutionMinutes: 15 | 60 };

const PRICE = /^-?\d{1,9}(\.\d{1,8})?$/;

/**
 * Imports a price series; every row is checked first (instant on the resolution grid, decimal price
 * with up to 8 places, no duplicates), then all rows are upserted in one transaction (a republished
 * price replaces the stored one). Returns the rows written.
 */
export async function importMarketPrices(
  pool: pg.Pool,
  csv: string,
  params: MarketPriceImportParams,
): Promise<{ rows: number; from?: string; to?: string }> {
  if (params.resolutionMinutes !== 15 && params.resolutionMinutes !== 60)
    throw new BillRunError(`--resolution must be 15 or 60`);
  if (!/^[A-Z]{3}$/.test(params.currency)) throw new BillRunError(`--currency must be an ISO 4217 code`);
  if (!params.zone) throw new BillRunError(`--zone is required`);
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const errors: string[] = [];
  const starts: string[] = [];
  const prices: string[] = [];
  const seen = new Set<number>();
  rows.forEach((r, i) => {
    const line = i + 2;
    const ms = Date.parse(r.start ?? "");
    if (!/^\d{4}-\d{2}-\d{2}T/.test(r.start ?? "") || Number.isNaN(ms)) {
      errors.push(`line ${line}: start: an ISO 8601 instant expected (got ${JSON.stringify(r.start)})`);
    } else if (ms % (params.resolutionMinutes * 60_000) !== 0) {
      errors.push(`line ${line}: start: not on the ${params.resolutionMinutes}-minute grid`);
    } else if (seen.has(ms)) {
      errors.push(`line ${line}: start: duplicate`);
    }
    seen.add(ms);
    if (!PRICE.test(r.price ?? ""))
      errors.push(`line ${line}: price: a decimal per kWh expected (got ${JSON.stringify(r.price)})`);
    starts.push(new Date(ms).toISOString());
    prices.push(r.price ?? "");
  });
  if (errors.length > 0) throw new BillRunError(`nothing imported: ${errors.slice(0, 20).join("; ")}`);
  await withTransaction(pool, (c) =>
    c.query(
      `INSERT INTO market_price (zone, start_at, resolution_minutes, currency, price)
       SELECT $1, u.start_at, $2, $3, u.price FROM unnest($4::timestamptz[], $5::numeric[]) AS u(start_at, price)
       ON CONFLICT (zone, resolution_minutes, start_at) DO UPDATE SET price = EXCLUDED.price, currency = EXCLUDED.currency`,
      [params.zone, params.resolutionMinutes, params.currency, starts, prices],
    ),
  );
  const sorted = [...starts].sort();
  return { rows: rows.length, from: sorted[0], to: sorted.at(-1) };
}
