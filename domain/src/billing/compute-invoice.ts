/** The monthly invoice (SLP or AMR) with the period's advances deducted. */
import { type BillLinesParams, billLines } from "./bill-lines.ts";
import { type AdvanceDeduction, buildInvoice } from "./invoice-builder.ts";
import type { Invoice } from "./invoice.ts";

export type ComputeInvoiceParams = BillLinesParams & {
  /** Issued advance invoices of the period (gross amounts) to deduct. */
  advances?: readonly AdvanceDeduction[];
  /** References of advances an earlier invoice already deducted: never deducted again. */
  alreadyDeducted?: readonly string[];
};

/**
 * Computes the monthly invoice: lines by tariff and terms, each rounded once, VAT per rate, advances
 * deducted once each.
 * @example computeInvoice({ tariff, terms, period: { start: "2025-06-01", end: "2025-07-01" },
 *   timeZone: "Europe/Berlin", consumption: { kind: "slp", annualKwh: "3000" } })
 */
export function computeInvoice(params: ComputeInvoiceParams): Invoice {
  const { lines } = billLines(params);
  return buildInvoice({
    kind: "monthly",
    currency: params.tariff.currency,
    period: params.period,
    timeZone: params.timeZone,
    lines,
    terms: params.terms,
    advances: params.advances ?? [],
    alreadyDeducted: params.alreadyDeducted ?? [],
  });
}
