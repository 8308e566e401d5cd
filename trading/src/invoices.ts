// Sales invoices from delivery notes, through billing's invoice store and numbering (series INV): all
// uninvoiced sales notes of a month with the same counterparty, currency and price type become one
// draft invoice (domain `consolidateInvoices`: one line per note, rounded once). The counterparty is
// billed as a b2b customer with one billing contract per currency (@c4e/billing/wholesale-accounts).
// Purchase side: incoming invoices are recorded with their check against our notes.
import { createHash } from "node:crypto";
import { openWholesaleAccount } from "@c4e/billing/wholesale-accounts";
import { insertDraftInvoices, issueInvoicesIn } from "@c4e/billing/invoice-store";
import type { CurrencyCode } from "@c4e/domain";
import {
  type InvoiceableNote,
  checkIncomingInvoice,
  consolidateInvoices,
  parseMwh,
} from "@c4e/domain/trading";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { Decimal } from "decimal.js";
import type pg from "pg";
import { monthPeriod, listDeliveryNotes, type StoredNote } from "./delivery-notes.ts";
import { type TradingContext, type TradingResult, refuse } from "./errors.ts";

type CounterpartyRow = {
  id: string;
  name: string;
  vat_id: string;
  address: string;
  email: string | null;
  payment_terms_days: number;
  vat_rate: string;
};

/** An amount text (exact decimal) as 10⁻¹⁰ units. */
function amount10(text: string): bigint {
  return BigInt(new Decimal(text).times(1e10).toFixed(0));
}

function asInvoiceable(n: StoredNote, cp: CounterpartyRow): InvoiceableNote {
  return {
    contractId: n.contractId,
    period: { start: n.periodStart, end: n.periodEnd },
    source: n.source,
    intervals: n.intervals,
    quantityMwh: parseMwh(n.quantityMwh),
    amount: amount10(n.amountPrecise),
    reference: n.reference,
    contractNumber: n.contractNumber,
    counterpartyId: n.counterpartyId,
    currency: n.currency as CurrencyCode,
    priceType: n.priceType,
    vatRate: cp.vat_rate,
  };
}

export type TradingInvoice = {
  invoiceId: string;
  counterpartyId: string;
  currency: string;
  priceType: string;
  notes: string[];
  number?: string;
};

/**
 * Drafts (and with `issue`, issues) the month's sales invoices in one transaction. A re-run finds no
 * uninvoiced notes and creates nothing.
 */
export async function invoiceDeliveryNotes(
  pool: pg.Pool,
  ctx: TradingContext,
  p: { month: string; timeZone: string; issue?: boolean; issueDate?: string },
): Promise<TradingResult<TradingInvoice[]>> {
  return withTransaction(pool, (db) => invoiceDeliveryNotesIn(db, ctx, p));
}

export async function invoiceDeliveryNotesIn(
  db: Queryable,
  ctx: TradingContext,
  p: { month: string; timeZone: string; issue?: boolean; issueDate?: string },
): Promise<TradingResult<TradingInvoice[]>> {
  const period = monthPeriod(p.month);
  const notes = (await listDeliveryNotes(db, ctx, { month: p.month, invoiced: false })).filter(
    (n) => n.side === "sell",
  );
  if (notes.length === 0) return { ok: true, value: [] };
  const cps = await db.query<CounterpartyRow>(
    `SELECT id, name, vat_id, address, email, payment_terms_days, trim_scale(vat_rate)::text AS vat_rate
     FROM trading_counterparty WHERE retailer_id = $1 AND id = ANY($2::text[])`,
    [ctx.retailerId, [...new Set(notes.map((n) => n.counterpartyId))]],
  );
  const cpById = new Map(cps.rows.map((r) => [r.id, r]));
  const invoiceable = notes.map((n) => asInvoiceable(n, cpById.get(n.counterpartyId) as CounterpartyRow));
  const consolidated = consolidateInvoices(invoiceable, { start: period.from, end: period.to }, p.timeZone);
  const out: TradingInvoice[] = [];
  for (const inv of consolidated) {
    const cp = cpById.get(inv.counterpartyId) as CounterpartyRow;
    const account = await openWholesaleAccount(db, {
      retailerId: ctx.retailerId,
      counterpartyId: cp.id,
      name: cp.name,
      email: cp.email,
      currency: inv.currency,
      paymentTermsDays: cp.payment_terms_days,
      validFrom: period.from,
    });
    if (!account.ok) return refuse("no_trader", account.reason);
    const noteIds = notes.filter((n) => inv.noteReferences.includes(n.reference)).map((n) => n.id);
    const key = createHash("sha256")
      .update([...noteIds].sort().join(","))
      .digest("hex")
      .slice(0, 32);
    const contractNumbers = [
      ...new Set(notes.filter((n) => noteIds.includes(n.id)).map((n) => n.contractNumber)),
    ];
    const [invoiceId] = await insertDraftInvoices(db, [
      {
        invoice: inv.invoice,
        contractId: account.contractId,
        seriesId: "INV",
        buyer: {
          customerId: account.customerId,
          customerName: cp.name,
          // the buyer's VAT id is printed with the address (EU VAT Directive Art. 226(4), reverse charge)
          customerAddress: `${cp.address}${cp.address ? "\n" : ""}VAT ${cp.vat_id}`,
          contractNumber: contractNumbers.join(", "),
        },
        paymentTermsDays: cp.payment_terms_days,
        idempotencyKey: `trading:${ctx.retailerId}:${p.month}:${key}`,
        billingInput: { trading: { month: p.month, priceType: inv.priceType, notes: inv.noteReferences } },
      },
    ]);
    if (!invoiceId) return refuse("conflict", `an invoice for notes ${inv.noteReferences.join(", ")} exists`);
    await db.query(
      `UPDATE trading_delivery_note SET invoice_id = $1 WHERE id = ANY($2::uuid[]) AND invoice_id IS NULL`,
      [invoiceId, noteIds],
    );
    out.push({
      invoiceId,
      counterpartyId: cp.id,
      currency: inv.currency,
      priceType: inv.priceType,
      notes: inv.noteReferences,
    });
  }
  if (p.issue) {
    // one at a time, so the numbers follow the order of the invoices (counterparty, price type)
    for (const o of out) {
      const issued = await issueInvoicesIn(db, { invoiceIds: [o.invoiceId] }, { issueDate: p.issueDate });
      const n = issued.issued[0]?.number;
      if (n) o.number = n;
    }
  }
  return { ok: true, value: out };
}

/** The trading invoices of the retailer (drafts and issued), newest first. */
export async function listTradingInvoices(
  db: Queryable,
  ctx: TradingContext,
): Promise<
  {
    id: string;
    number: string | null;
    status: string;
    customerName: string;
    currency: string;
    totalMinor: string;
    periodStart: string;
    notes: number;
  }[]
> {
  const res = await db.query(
    `SELECT i.id, i.number, i.status::text, i.buyer->>'customerName' AS "customerName", i.currency,
       i.total_minor::text AS "totalMinor", i.period_start::text AS "periodStart", count(n.id)::int AS notes
     FROM invoice i JOIN trading_delivery_note n ON n.invoice_id = i.id
     WHERE n.retailer_id = $1 GROUP BY i.id ORDER BY i.period_start DESC, i.created_at DESC`,
    [ctx.retailerId],
  );
  return res.rows;
}

export type IncomingInvoiceInput = {
  counterpartyId: string;
  number: string;
  lines: { noteReference: string; quantityMwh: string; amountMinor: string }[];
  toleranceMinor?: number;
};

/**
 * Records a counterparty's invoice to us and checks it against our purchase notes of that
 * counterparty; differences are stored with it and returned.
 */
export async function recordIncomingInvoice(
  db: Queryable,
  ctx: TradingContext,
  p: IncomingInvoiceInput,
): Promise<
  TradingResult<{
    id: string;
    ok: boolean;
    differences: ReturnType<typeof checkIncomingInvoice>["differences"];
  }>
> {
  const cp = await db.query<CounterpartyRow>(
    `SELECT id, name, vat_id, address, email, payment_terms_days, trim_scale(vat_rate)::text AS vat_rate
     FROM trading_counterparty WHERE id = $1 AND retailer_id = $2`,
    [p.counterpartyId, ctx.retailerId],
  );
  const row = cp.rows[0];
  if (!row) return refuse("not_found", `no counterparty ${p.counterpartyId}`);
  const errors: { path: string; message: string }[] = [];
  const lines = p.lines.flatMap((l, i) => {
    try {
      if (!/^-?\d+$/.test(l.amountMinor)) throw new Error("amountMinor: integer minor units expected");
      return [
        {
          noteReference: l.noteReference,
          quantityMwh: parseMwh(l.quantityMwh, "quantityMwh"),
          amountMinor: BigInt(l.amountMinor),
        },
      ];
    } catch (e) {
      errors.push({ path: `lines[${i}]`, message: (e as Error).message });
      return [];
    }
  });
  if (errors.length > 0) return refuse("invalid", "incoming invoice: invalid lines", errors);
  // our purchase notes of this counterparty in the months the invoice's lines refer to: a note of
  // those months that the invoice leaves out is flagged as missing
  const refs = new Set(p.lines.map((l) => l.noteReference));
  const mine = (await listDeliveryNotes(db, ctx)).filter(
    (n) => n.side === "buy" && n.counterpartyId === p.counterpartyId,
  );
  const months = new Set(mine.filter((n) => refs.has(n.reference)).map((n) => n.periodStart.slice(0, 7)));
  const ours = mine.filter((n) => months.has(n.periodStart.slice(0, 7)));
  const check = checkIncomingInvoice(
    ours.map((n) => asInvoiceable(n, row)),
    lines,
    BigInt(p.toleranceMinor ?? 0),
  );
  const res = await db.query<{ id: string }>(
    `INSERT INTO trading_incoming_invoice (retailer_id, counterparty_id, number, lines, check_result, ok)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (counterparty_id, number) DO NOTHING RETURNING id`,
    [ctx.retailerId, p.counterpartyId, p.number, JSON.stringify(p.lines), JSON.stringify(check), check.ok],
  );
  const id = res.rows[0]?.id;
  if (!id) return refuse("conflict", `invoice ${p.number} of ${p.counterpartyId} is already recorded`);
  return { ok: true, value: { id, ok: check.ok, differences: check.differences } };
}
