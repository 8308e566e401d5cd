/**
 * The invoice as the billing domain produces it. This output type is a contract with the persistence
 * side (billing/): it renders, stores and numbers exactly this shape. Amounts are integer minor units
 * (bigint); decimals cross boundaries as strings. See docs/billing.md.
 */

import type { QuantityUnit } from "./charges/commodity.ts";
import type { CurrencyCode } from "./iso-4217.ts";

export type { CurrencyCode };
export type LineGroup = "energy" | "network" | "levy" | "fee" | "tax" | "credit";
export type InvoiceLine = {
  group: LineGroup;
  code: string;
  description: string;
  quantity: string;
  unit: QuantityUnit | "kW" | "day" | "month" | "year" | "item";
  unitPrice: string; // decimals as strings
  amountMinor: bigint /* rounded once */;
  preciseAmount: string /* unrounded */;
  vatRate: string /* percent, e.g. "19" */;
  period: { start: string; end: string } /* ISO instants */;
  breakdown?: Record<string, unknown>;
};
/**
 * The mark of an invoice billed from incomplete interval data (released by staff, or a bill case
 * with `allowIncomplete`): what was expected, what was there, and where the gaps are.
 */
export type InvoiceDataQuality = {
  incomplete: true;
  expectedIntervals: number;
  foundIntervals: number;
  /** the first merged ranges of missing intervals (ISO instants, end exclusive) */
  missingRanges: { start: string; end: string; intervals: number }[];
  /** how many ranges there are in all, when more than `missingRanges` lists */
  missingRangeCount?: number;
};
export type InvoiceKind = "advance" | "monthly" | "settlement" | "difference" | "credit_note";
export type Invoice = {
  kind: InvoiceKind;
  currency: CurrencyCode;
  minorUnitDigits: number;
  period: { start: string; end: string; timeZone: string }; // start/end local dates YYYY-MM-DD, end exclusive
  lines: InvoiceLine[];
  vatSummary: { vatRate: string; netMinor: bigint; vatMinor: bigint }[];
  netMinor: bigint;
  vatMinor: bigint;
  totalMinor: bigint; // totalMinor = netMinor + vatMinor; netMinor = Σ lines.amountMinor
  advancesDeducted: { reference: string; amountMinor: bigint }[]; // gross amounts of advance invoices deducted
  amountDueMinor: bigint; // totalMinor − Σ advancesDeducted (negative = credit)
  references?: { originalInvoiceNumber?: string };
  /** set when the invoice was billed from incomplete data (shown on the document) */
  dataQuality?: InvoiceDataQuality;
};

/**
 * The invoice as plain JSON: bigints become decimal strings, keys come in the declared order
 * (breakdown keys sorted), so equal invoices serialise to equal text.
 */
export function invoiceToJson(invoice: Invoice): unknown {
  const out: Record<string, unknown> = {
    kind: invoice.kind,
    currency: invoice.currency,
    minorUnitDigits: invoice.minorUnitDigits,
    period: { start: invoice.period.start, end: invoice.period.end, timeZone: invoice.period.timeZone },
    lines: invoice.lines.map(lineToJson),
    vatSummary: invoice.vatSummary.map((v) => ({
      vatRate: v.vatRate,
      netMinor: v.netMinor.toString(),
      vatMinor: v.vatMinor.toString(),
    })),
    netMinor: invoice.netMinor.toString(),
    vatMinor: invoice.vatMinor.toString(),
    totalMinor: invoice.totalMinor.toString(),
    advancesDeducted: invoice.advancesDeducted.map((a) => ({
      reference: a.reference,
      amountMinor: a.amountMinor.toString(),
    })),
    amountDueMinor: invoice.amountDueMinor.toString(),
  };
  if (invoice.references !== undefined) {
    const refs: Record<string, unknown> = {};
    if (invoice.references.originalInvoiceNumber !== undefined) {
      refs.originalInvoiceNumber = invoice.references.originalInvoiceNumber;
    }
    out.references = refs;
  }
  if (invoice.dataQuality !== undefined) out.dataQuality = stableJson(invoice.dataQuality);
  return out;
}

function lineToJson(line: InvoiceLine): unknown {
  const out: Record<string, unknown> = {
    group: line.group,
    code: line.code,
    description: line.description,
    quantity: line.quantity,
    unit: line.unit,
    unitPrice: line.unitPrice,
    amountMinor: line.amountMinor.toString(),
    preciseAmount: line.preciseAmount,
    vatRate: line.vatRate,
    period: { start: line.period.start, end: line.period.end },
  };
  if (line.breakdown !== undefined) out.breakdown = stableJson(line.breakdown);
  return out;
}

/** Plain JSON with sorted object keys and bigints as strings. */
export function stableJson(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(stableJson);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = stableJson(v);
    }
    return out;
  }
  return value;
}
