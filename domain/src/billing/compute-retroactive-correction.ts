/**
 * Retroactive price correction: a price changed for past periods. Every issued invoice is billed
 * again with the corrected tariff; where lines differ, a difference invoice (more to pay) or a credit
 * note (less) references the original. Issued invoices are never edited.
 */
import { billLines } from "./bill-lines.ts";
import type { ComputeInvoiceParams } from "./compute-invoice.ts";
import { vatRateFor } from "./contract-terms.ts";
import { assembleInvoice, finishLine } from "./invoice-builder.ts";
import type { Invoice, InvoiceLine } from "./invoice.ts";
import { BillingDecimal, formatDecimal, roundToMinor } from "./money.ts";
import type { Tariff } from "./tariff.ts";

export type IssuedInvoice = {
  /** The issued invoice's number, referenced by the correction. */
  number: string;
  /** The invoice as issued (its precise line amounts are the basis of the difference). */
  invoice: Invoice;
  /** The inputs it was computed from (tariff, terms, period, consumption). */
  params: ComputeInvoiceParams;
};

export type ComputeRetroactiveCorrectionParams = {
  correctedTariff: Tariff;
  invoices: readonly IssuedInvoice[];
};

export type Correction = { originalInvoiceNumber: string; invoice: Invoice };

/**
 * One correction per affected invoice. A difference line per line key (code + line period):
 * precise = corrected − issued, rounded once; quantity and unit price explain it (same quantity:
 * the price difference; a line only on one side: its full quantity, negated when it disappears).
 * Advances are not touched. Unaffected invoices produce nothing.
 */
export function computeRetroactiveCorrection(params: ComputeRetroactiveCorrectionParams): Correction[] {
  const out: Correction[] = [];
  for (const issued of params.invoices) {
    const p = { ...issued.params, tariff: params.correctedTariff };
    const currency = params.correctedTariff.currency;
    const corrected = billLines(p).lines.map((l) => finishLine(l, currency, vatRateFor(p.terms, l.group)));
    const lines = differenceLines(issued.invoice.lines, corrected, currency);
    if (lines.length === 0) continue;
    const draft = assembleInvoice({
      kind: "difference",
      currency,
      period: { start: issued.invoice.period.start, end: issued.invoice.period.end },
      timeZone: issued.invoice.period.timeZone,
      lines,
      references: { originalInvoiceNumber: issued.number },
    });
    out.push({
      originalInvoiceNumber: issued.number,
      invoice: { ...draft, kind: draft.totalMinor < 0n ? "credit_note" : "difference" },
    });
  }
  return out;
}

const key = (l: InvoiceLine): string => `${l.code}|${l.period.start}|${l.period.end}`;

function differenceLines(
  before: readonly InvoiceLine[],
  after: readonly InvoiceLine[],
  currency: Invoice["currency"],
): InvoiceLine[] {
  const old = new Map(before.map((l) => [key(l), l]));
  const keys = [...new Set([...after.map(key), ...before.map(key)])];
  const fresh = new Map(after.map((l) => [key(l), l]));
  const out: InvoiceLine[] = [];
  for (const k of keys) {
    const a = old.get(k);
    const b = fresh.get(k);
    const precise = new BillingDecimal(b?.preciseAmount ?? "0").minus(a?.preciseAmount ?? "0");
    if (precise.isZero()) continue;
    const base = (b ?? a)!;
    let quantity: string;
    let unitPrice: string;
    let unit = base.unit;
    if (a !== undefined && b !== undefined && a.quantity === b.quantity) {
      quantity = b.quantity;
      unitPrice = formatDecimal(new BillingDecimal(b.unitPrice).minus(a.unitPrice));
    } else if (a === undefined && b !== undefined) {
      quantity = b.quantity;
      unitPrice = b.unitPrice;
    } else if (a !== undefined && b === undefined) {
      quantity = formatDecimal(new BillingDecimal(a.quantity).negated());
      unitPrice = a.unitPrice;
    } else {
      quantity = "1";
      unit = "item";
      unitPrice = formatDecimal(precise);
    }
    const line: InvoiceLine = {
      group: base.group,
      code: base.code,
      description: `Correction: ${base.description}`,
      quantity,
      unit,
      unitPrice,
      amountMinor: roundToMinor(precise, currency),
      preciseAmount: formatDecimal(precise),
      vatRate: base.vatRate,
      period: { start: base.period.start, end: base.period.end },
      breakdown: {
        issuedPreciseAmount: a?.preciseAmount ?? "0",
        correctedPreciseAmount: b?.preciseAmount ?? "0",
      },
    };
    out.push(line);
  }
  return out;
}
