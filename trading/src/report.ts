// The monthly statistical return (V614-like; layout in domain/src/trading/statistics.ts and
// docs/trading.md): delivered volumes and amounts per side and counterparty country from the month's
// delivery notes, and the cross-border capacity held, exported as CSV and xlsx.
import type { CurrencyCode } from "@c4e/domain";
import {
  STATISTICS_COLUMNS,
  type StatisticsRow,
  capacityHours,
  parseMwh,
  statisticsRows,
} from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { Decimal } from "decimal.js";
import ExcelJS from "exceljs";
import { monthPeriod } from "./delivery-notes.ts";
import type { TradingContext } from "./errors.ts";
import { listCapacityRights } from "./capacity.ts";

/**
 * The return's rows for `month` in `currency` (notes in other currencies are left out and counted).
 * Notes are issued first (issueDeliveryNotes); the report reads them, it does not compute delivery.
 */
export async function statisticalReport(
  db: Queryable,
  ctx: TradingContext,
  p: { month: string; homeCountry: string; currency: CurrencyCode; timeZone: string },
): Promise<{ rows: StatisticsRow[]; otherCurrencyNotes: number }> {
  const { from, to } = monthPeriod(p.month);
  const notes = await db.query<{
    side: "buy" | "sell";
    country: string;
    q: string;
    a: string;
    currency: string;
  }>(
    `SELECT c.side::text AS side, cp.country, n.quantity_mwh::text AS q, n.amount_precise::text AS a, n.currency
     FROM trading_delivery_note n JOIN trading_contract c ON c.id = n.contract_id
     JOIN trading_counterparty cp ON cp.id = c.counterparty_id
     WHERE n.retailer_id = $1 AND n.period_start >= $2::date AND n.period_start < $3::date`,
    [ctx.retailerId, from, to],
  );
  const same = notes.rows.filter((n) => n.currency === p.currency);
  const rights = (await listCapacityRights(db, ctx, { from, to })).filter((r) => r.currency === p.currency);
  // capacity of the month only (a yearly right contributes its hours in this month)
  const clipped = rights.map((r) => ({
    ...r,
    period: {
      start: r.period.start < from ? from : r.period.start,
      end: r.period.end > to ? to : r.period.end,
    },
  }));
  const rows = statisticsRows({
    month: p.month,
    homeCountry: p.homeCountry,
    currency: p.currency,
    deals: same.map((n) => ({
      side: n.side,
      counterpartyCountry: n.country,
      quantityMwh: parseMwh(new Decimal(n.q).toFixed(4)),
      amount: BigInt(new Decimal(n.a).times(1e10).toFixed(0)),
    })),
    capacity: capacityHours(clipped, p.timeZone),
  });
  return { rows, otherCurrencyNotes: notes.rows.length - same.length };
}

function amountText(minor: bigint, currency: CurrencyCode, digits: number): string {
  void currency;
  return new Decimal(minor.toString()).div(new Decimal(10).pow(digits)).toFixed(digits);
}

/** The rows as CSV with the documented columns (amount in major units with the minor digits). */
export function reportCsv(rows: readonly StatisticsRow[], digits: number): string {
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [
    STATISTICS_COLUMNS.join(","),
    ...rows.map((r) =>
      [
        r.month,
        r.code,
        r.label,
        r.partner,
        r.quantityMwh,
        amountText(r.amountMinor, r.currency, digits),
        r.currency,
      ]
        .map(esc)
        .join(","),
    ),
    "",
  ].join("\n");
}

/** The rows as an xlsx workbook (one sheet, same columns; numbers as numbers with fixed formats). */
export async function reportXlsx(rows: readonly StatisticsRow[], digits: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("V614");
  ws.columns = STATISTICS_COLUMNS.map((c) => ({ header: c, key: c, width: c === "label" ? 44 : 16 }));
  for (const r of rows)
    ws.addRow({
      month: r.month,
      code: r.code,
      label: r.label,
      partner: r.partner,
      // exceljs writes JS numbers; 4-decimal MWh and minor-unit amounts below 2^53 are exact in a double
      quantity_mwh: Number(r.quantityMwh),
      amount: Number(amountText(r.amountMinor, r.currency, digits)),
      currency: r.currency,
    });
  ws.getColumn("quantity_mwh").numFmt = "0.0000";
  ws.getColumn("amount").numFmt = digits === 0 ? "0" : `0.${"0".repeat(digits)}`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
