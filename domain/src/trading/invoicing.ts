/**
 * Invoices from delivery notes. All notes of one counterparty with the same currency and price type
 * whose window falls in the invoice period become ONE invoice, one line per note, each line rounded
 * once to the currency's minor unit (billing's `finishLine`), VAT per rate on the rounded lines
 * (billing's `assembleInvoice`). Purchase side: an incoming invoice is checked against our notes.
 */
import type { CurrencyCode, Invoice } from "../billing/invoice.ts";
import { assembleInvoice, finishLine } from "../billing/invoice-builder.ts";
import { type LocalPeriod, localMidnightUtcMs } from "../billing/local-time.ts";
import { BillingDecimal, roundToMinor } from "../billing/money.ts";
import type { DeliveryNote } from "./delivery-notes.ts";
import { type Mwh4, formatMwh, mwhToDecimal } from "./mwh.ts";
import { amountToDecimal } from "./price.ts";

export type InvoiceableNote = DeliveryNote & {
  /** the stored note's id or reference, printed on the line */
  reference: string;
  contractNumber: string;
  counterpartyId: string;
  currency: CurrencyCode;
  priceType: string;
  vatRate: string;
};

export type ConsolidatedInvoice = {
  counterpartyId: string;
  currency: CurrencyCode;
  priceType: string;
  period: LocalPeriod;
  noteReferences: string[];
  invoice: Invoice;
};

/** The grouping key: counterparty, currency, price type. */
function keyOf(n: InvoiceableNote): string {
  return JSON.stringify([n.counterpartyId, n.currency, n.priceType]);
}

/**
 * Consolidates notes into invoices for `period` (notes outside it are left out). Lines are ordered
 * by contract number and window; the unit price shown is the volume-weighted average per MWh rounded to 6
 * decimals (÷ 1000 per kWh, billing's unit), the amount is the exact sum of the interval amounts, rounded once.
 */
export function consolidateInvoices(
  notes: readonly InvoiceableNote[],
  period: LocalPeriod,
  timeZone: string,
): ConsolidatedInvoice[] {
  const groups = new Map<string, InvoiceableNote[]>();
  for (const n of notes) {
    if (n.period.start < period.start || n.period.end > period.end) continue;
    const list = groups.get(keyOf(n)) ?? [];
    list.push(n);
    groups.set(keyOf(n), list);
  }
  return [...groups.values()].map((list) => {
    list.sort((a, b) =>
      a.contractNumber === b.contractNumber
        ? a.period.start.localeCompare(b.period.start)
        : a.contractNumber.localeCompare(b.contractNumber),
    );
    const first = list[0] as InvoiceableNote;
    const lines = list.map((n) => {
      // The invoice line's units are billing's (kWh); 4-decimal MWh are exactly 1-decimal kWh. The
      // breakdown keeps MWh and the average price per MWh for the document.
      const quantityMwh = mwhToDecimal(n.quantityMwh);
      const quantity = quantityMwh.times(1000);
      const precise = amountToDecimal(n.amount);
      const perMwh = quantityMwh.isZero()
        ? new BillingDecimal(0)
        : precise.div(quantityMwh).toDecimalPlaces(6);
      const unitPrice = perMwh.div(1000);
      return finishLine(
        {
          group: "energy",
          code: `trading.delivery`,
          description: `${n.contractNumber} delivery ${n.period.start} – ${n.period.end} (${n.source}, note ${n.reference})`,
          quantity,
          unit: "kWh",
          unitPrice,
          precise,
          startMs: localMidnightUtcMs(n.period.start, timeZone),
          endMs: localMidnightUtcMs(n.period.end, timeZone),
          breakdown: {
            note: n.reference,
            intervals: n.intervals,
            quantityMwh: formatMwh(n.quantityMwh),
            averagePricePerMwh: perMwh.toFixed(),
          },
        },
        n.currency,
        n.vatRate,
      );
    });
    return {
      counterpartyId: first.counterpartyId,
      currency: first.currency,
      priceType: first.priceType,
      period,
      noteReferences: list.map((n) => n.reference),
      invoice: assembleInvoice({ kind: "monthly", currency: first.currency, period, timeZone, lines }),
    };
  });
}

/** A line of a counterparty's invoice to us, as keyed in by back office. */
export type IncomingLine = { noteReference: string; quantityMwh: Mwh4; amountMinor: bigint };

export type IncomingDifference =
  | { kind: "quantity"; noteReference: string; expectedMwh: string; invoicedMwh: string }
  | { kind: "amount"; noteReference: string; expectedMinor: string; invoicedMinor: string }
  | { kind: "missing_line"; noteReference: string }
  | { kind: "unknown_note"; noteReference: string };

/**
 * Checks an incoming invoice against our delivery notes: every note invoiced once with the same
 * quantity and an amount within `toleranceMinor` of our note rounded once; lines for notes we do not
 * know and notes not invoiced are flagged.
 */
export function checkIncomingInvoice(
  notes: readonly InvoiceableNote[],
  lines: readonly IncomingLine[],
  toleranceMinor = 0n,
): { ok: boolean; differences: IncomingDifference[] } {
  const byRef = new Map(notes.map((n) => [n.reference, n]));
  const seen = new Set<string>();
  const differences: IncomingDifference[] = [];
  for (const l of lines) {
    const n = byRef.get(l.noteReference);
    if (n === undefined || seen.has(l.noteReference)) {
      differences.push({ kind: "unknown_note", noteReference: l.noteReference });
      continue;
    }
    seen.add(l.noteReference);
    if (l.quantityMwh !== n.quantityMwh)
      differences.push({
        kind: "quantity",
        noteReference: n.reference,
        expectedMwh: formatMwh(n.quantityMwh),
        invoicedMwh: formatMwh(l.quantityMwh),
      });
    const expected = roundToMinor(amountToDecimal(n.amount), n.currency);
    const diff = expected - l.amountMinor;
    if (diff > toleranceMinor || -diff > toleranceMinor)
      differences.push({
        kind: "amount",
        noteReference: n.reference,
        expectedMinor: expected.toString(),
        invoicedMinor: l.amountMinor.toString(),
      });
  }
  for (const n of notes)
    if (!seen.has(n.reference)) differences.push({ kind: "missing_line", noteReference: n.reference });
  return { ok: differences.length === 0, differences };
}
