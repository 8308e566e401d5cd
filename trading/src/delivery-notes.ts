// Delivery notes: per contract and payment-schedule window in a month, from the contracted shape or,
// where recorded, the actual deliveries (trading_delivery). Idempotent: a window that already has a
// note is skipped (unique contract + period start), so running the month again creates nothing new.
import { addDays, roundToMinor } from "@c4e/domain";
import type { CurrencyCode } from "@c4e/domain";
import {
  type Mwh4,
  amountToDecimal,
  deliveryNotes as computeNotes,
  formatAmount,
  formatMwh,
  parseMwh,
  priceTypeOf,
} from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { loadBook } from "./book.ts";
import type { TradingContext } from "./errors.ts";

export type StoredNote = {
  id: string;
  reference: string;
  contractId: string;
  contractNumber: string;
  side: "buy" | "sell";
  counterpartyId: string;
  periodStart: string;
  periodEnd: string;
  source: "contracted" | "actual";
  intervals: number;
  quantityMwh: string;
  amountPrecise: string;
  amountMinor: string;
  currency: string;
  priceType: string;
  invoiceId: string | null;
};

/** `YYYY-MM` → the month's local dates. */
export function monthPeriod(month: string): { from: string; to: string } {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw new RangeError(`month: YYYY-MM expected (got ${JSON.stringify(month)})`);
  const from = `${month}-01`;
  return { from, to: `${addDays(from, 31).slice(0, 7)}-01` };
}

/** Records actual delivered quantities (replacing earlier ones for the same interval). */
export async function recordDeliveries(
  db: Queryable,
  ctx: TradingContext,
  contractId: string,
  rows: { start: string; mwh: string }[],
): Promise<number> {
  const own = await db.query(`SELECT 1 FROM trading_contract WHERE id = $1 AND retailer_id = $2`, [
    contractId,
    ctx.retailerId,
  ]);
  if (own.rowCount !== 1) throw new RangeError(`no contract ${contractId}`);
  const starts = rows.map((r, i) => {
    const ms = Date.parse(r.start);
    if (Number.isNaN(ms)) throw new RangeError(`deliveries[${i}].start: an ISO instant expected`);
    return new Date(ms).toISOString();
  });
  const mwh = rows.map((r, i) => formatMwh(parseMwh(r.mwh, `deliveries[${i}].mwh`)));
  const res = await db.query(
    `INSERT INTO trading_delivery (contract_id, start_at, mwh)
     SELECT $1, u.s, u.q FROM unnest($2::timestamptz[], $3::numeric[]) AS u(s, q)
     ON CONFLICT (contract_id, start_at) DO UPDATE SET mwh = EXCLUDED.mwh`,
    [contractId, starts, mwh],
  );
  return res.rowCount ?? 0;
}

/**
 * Issues the delivery notes of every contract delivering in `month` (local dates in `timeZone`).
 * Returns the notes created now (existing windows are left as they are).
 */
export async function issueDeliveryNotes(
  db: Queryable,
  ctx: TradingContext,
  p: { month: string; timeZone: string },
): Promise<{ created: number; notes: StoredNote[] }> {
  const period = monthPeriod(p.month);
  const book = await loadBook(db, ctx, { ...period, timeZone: p.timeZone });
  const rows: Record<string, unknown>[] = [];
  for (const e of book.entries) {
    if (e.shape.startMs.length === 0) continue;
    const c = e.contract;
    const actualRes = await db.query<{ ms: string; mwh: string }>(
      `SELECT (extract(epoch FROM start_at) * 1000)::bigint::text AS ms, mwh::text FROM trading_delivery
       WHERE contract_id = $1 AND start_at >= $2 AND start_at < $3`,
      [c.id, new Date(e.shape.startMs[0] as number), new Date((e.shape.startMs.at(-1) as number) + 1)],
    );
    const actual = new Map<number, Mwh4>(actualRes.rows.map((r) => [Number(r.ms), parseMwh(r.mwh)]));
    const notes = computeNotes({
      contractId: c.id,
      shape: e.shape,
      prices: e.prices(),
      schedule: c.paymentSchedule,
      period: { start: c.deliveryStart, end: c.deliveryEnd },
      timeZone: c.timeZone,
      actual,
      within: { start: period.from, end: period.to },
    });
    for (const n of notes)
      rows.push({
        // contract ids are unique across retailers (numbers only within one), so the reference is too
        reference: `DN-${c.id}-${n.period.start.replaceAll("-", "")}`,
        retailer_id: ctx.retailerId,
        contract_id: c.id,
        contract_version: c.version,
        period_start: n.period.start,
        period_end: n.period.end,
        source: n.source,
        intervals: n.intervals,
        quantity_mwh: formatMwh(n.quantityMwh),
        amount_precise: formatAmount(n.amount),
        amount_minor: roundToMinor(amountToDecimal(n.amount), c.currency as CurrencyCode).toString(),
        currency: c.currency,
        price_type: priceTypeOf(c.terms.price),
      });
  }
  if (rows.length === 0) return { created: 0, notes: [] };
  const res = await db.query<{ id: string }>(
    `INSERT INTO trading_delivery_note (reference, retailer_id, contract_id, contract_version, period_start, period_end,
       source, intervals, quantity_mwh, amount_precise, amount_minor, currency, price_type)
     SELECT u.reference, u.retailer_id, u.contract_id, u.contract_version, u.period_start, u.period_end, u.source,
       u.intervals, u.quantity_mwh, u.amount_precise, u.amount_minor, u.currency, u.price_type
     FROM json_to_recordset($1::json) AS u(reference text, retailer_id text, contract_id text, contract_version int,
       period_start date, period_end date, source text, intervals int, quantity_mwh numeric, amount_precise numeric,
       amount_minor bigint, currency text, price_type text)
     ON CONFLICT DO NOTHING RETURNING id`,
    [JSON.stringify(rows)],
  );
  const notes = await listDeliveryNotes(db, ctx, { ids: res.rows.map((r) => r.id) });
  return { created: res.rows.length, notes };
}

export async function listDeliveryNotes(
  db: Queryable,
  ctx: TradingContext,
  f: { ids?: string[]; month?: string; invoiced?: boolean } = {},
): Promise<StoredNote[]> {
  const where = ["n.retailer_id = $1"];
  const params: unknown[] = [ctx.retailerId];
  if (f.ids) {
    params.push(f.ids);
    where.push(`n.id = ANY($${params.length}::uuid[])`);
  }
  if (f.month) {
    const { from, to } = monthPeriod(f.month);
    params.push(from, to);
    where.push(`n.period_start >= $${params.length - 1}::date AND n.period_start < $${params.length}::date`);
  }
  if (f.invoiced !== undefined) where.push(f.invoiced ? `n.invoice_id IS NOT NULL` : `n.invoice_id IS NULL`);
  const res = await db.query<StoredNote>(
    `SELECT n.id, n.reference, n.contract_id AS "contractId", c.number AS "contractNumber", c.side::text,
       c.counterparty_id AS "counterpartyId", n.period_start::text AS "periodStart", n.period_end::text AS "periodEnd",
       n.source, n.intervals, trim_scale(n.quantity_mwh)::text AS "quantityMwh",
       trim_scale(n.amount_precise)::text AS "amountPrecise", n.amount_minor::text AS "amountMinor", n.currency,
       n.price_type AS "priceType", n.invoice_id AS "invoiceId"
     FROM trading_delivery_note n JOIN trading_contract c ON c.id = n.contract_id
     WHERE ${where.join(" AND ")} ORDER BY n.period_start, c.number`,
    params,
  );
  return res.rows;
}
