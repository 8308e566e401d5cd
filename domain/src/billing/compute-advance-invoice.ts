/** The advance (partial) invoice: a share of the forecast bill of the period. */
import { type BillLinesParams, billLines } from "./bill-lines.ts";
import type { AdvanceTerms } from "./contract-terms.ts";
import { BillingInputError } from "./errors.ts";
import { buildInvoice } from "./invoice-builder.ts";
import type { Invoice } from "./invoice.ts";
import { daysBetween } from "./local-time.ts";
import { BillingDecimal, formatDecimal } from "./money.ts";
import { checkPeriod } from "./tou-windows.ts";

export type ComputeAdvanceInvoiceParams = Omit<BillLinesParams, "consumption"> & {
  /** The forecast consumption of the period (e.g. the POD's monthly forecast). */
  forecast: BillLinesParams["consumption"];
  /** Defaults to terms.advances. */
  basis?: AdvanceTerms;
};

/**
 * The share of the forecast billed in advance: `percentage` / 100, or 15 / days-in-period for the
 * 15-day share.
 */
export function advanceShare(basis: AdvanceTerms, periodDays: number): InstanceType<typeof BillingDecimal> {
  if (basis.basis === "percentage") return new BillingDecimal(basis.percentage).div(100);
  return BillingDecimal.min(1, new BillingDecimal(15).div(periodDays));
}

/**
 * Prices the forecast like a monthly bill and takes the share of every line (quantity and amount
 * scaled, unit price kept), each line rounded once, VAT per rate. Its total is what the monthly
 * invoice later deducts.
 */
export function computeAdvanceInvoice(params: ComputeAdvanceInvoiceParams): Invoice {
  checkPeriod(params.period, params.timeZone);
  const basis = params.basis ?? params.terms.advances;
  if (basis === undefined) throw new BillingInputError("invalid_input", "no advance basis in the terms");
  const share = advanceShare(basis, daysBetween(params.period.start, params.period.end));
  const { lines } = billLines({ ...params, consumption: params.forecast });
  return buildInvoice({
    kind: "advance",
    currency: params.tariff.currency,
    period: params.period,
    timeZone: params.timeZone,
    terms: params.terms,
    lines: lines.map((l) => ({
      ...l,
      code: `advance.${l.code}`,
      description: `Advance: ${l.description}`,
      quantity: l.quantity.times(share),
      precise: l.precise.times(share),
      breakdown: { ...l.breakdown, advanceShare: formatDecimal(share) },
    })),
  });
}
