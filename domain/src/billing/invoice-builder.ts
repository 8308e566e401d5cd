/**
 * Turning precise draft lines into an invoice: each line rounded once, VAT per rate on the sum of
 * that rate's rounded lines (rounded once per rate), totals as sums of rounded amounts, advances
 * deducted at most once each.
 */
import { type ContractTerms, vatRateFor } from "./contract-terms.ts";
import type { CurrencyCode, Invoice, InvoiceKind, InvoiceLine, LineGroup } from "./invoice.ts";
import { type LocalPeriod, isoOf } from "./local-time.ts";
import { BillingDecimal, formatDecimal, minorToMajor, minorUnitDigits, roundToMinor } from "./money.ts";

export type DraftLine = {
  group: LineGroup;
  code: string;
  description: string;
  quantity: BillingDecimal;
  unit: InvoiceLine["unit"];
  unitPrice: BillingDecimal;
  /** The exact amount in major units; usually quantity × unitPrice (× months for kW charges). */
  precise: BillingDecimal;
  startMs: number;
  endMs: number;
  breakdown?: Record<string, unknown>;
};

/** An issued advance invoice to deduct: its reference (number) and gross amount. */
export type AdvanceDeduction = { reference: string; amountMinor: bigint };

export type BuildInvoiceParams = {
  kind: InvoiceKind;
  currency: CurrencyCode;
  period: LocalPeriod;
  timeZone: string;
  lines: DraftLine[];
  terms: ContractTerms;
  advances?: readonly AdvanceDeduction[];
  alreadyDeducted?: readonly string[];
  references?: Invoice["references"];
};

/** Rounds one draft line (once) into an invoice line. */
export function finishLine(line: DraftLine, currency: CurrencyCode, vatRate: string): InvoiceLine {
  const out: InvoiceLine = {
    group: line.group,
    code: line.code,
    description: line.description,
    quantity: formatDecimal(line.quantity),
    unit: line.unit,
    unitPrice: formatDecimal(line.unitPrice),
    amountMinor: roundToMinor(line.precise, currency),
    preciseAmount: formatDecimal(line.precise),
    vatRate,
    period: { start: isoOf(line.startMs), end: isoOf(line.endMs) },
  };
  if (line.breakdown !== undefined) out.breakdown = line.breakdown;
  return out;
}

/** Assembles the invoice from draft lines (VAT rate per line from the terms). */
export function buildInvoice(params: BuildInvoiceParams): Invoice {
  const lines = params.lines.map((l) => finishLine(l, params.currency, vatRateFor(params.terms, l.group)));
  return assembleInvoice({ ...params, lines });
}

/** Assembles the invoice from finished (rounded) lines. */
export function assembleInvoice(
  params: Omit<BuildInvoiceParams, "lines" | "terms"> & { lines: InvoiceLine[] },
): Invoice {
  const { currency, lines } = params;
  const vatSummary = vatSummaryOf(lines, currency);
  const netMinor = lines.reduce((s, l) => s + l.amountMinor, 0n);
  const vatMinor = vatSummary.reduce((s, v) => s + v.vatMinor, 0n);
  const totalMinor = netMinor + vatMinor;
  const advancesDeducted = deductibleAdvances(params.advances ?? [], params.alreadyDeducted ?? []);
  const amountDueMinor = totalMinor - advancesDeducted.reduce((s, a) => s + a.amountMinor, 0n);
  const invoice: Invoice = {
    kind: params.kind,
    currency,
    minorUnitDigits: minorUnitDigits(currency),
    period: { start: params.period.start, end: params.period.end, timeZone: params.timeZone },
    lines,
    vatSummary,
    netMinor,
    vatMinor,
    totalMinor,
    advancesDeducted,
    amountDueMinor,
  };
  if (params.references !== undefined) invoice.references = params.references;
  return invoice;
}

/**
 * VAT per rate (ascending): net = Σ rounded lines of the rate; VAT = net × rate / 100, rounded once.
 */
export function vatSummaryOf(lines: readonly InvoiceLine[], currency: CurrencyCode): Invoice["vatSummary"] {
  const byRate = new Map<string, bigint>();
  for (const l of lines) byRate.set(l.vatRate, (byRate.get(l.vatRate) ?? 0n) + l.amountMinor);
  return [...byRate]
    .sort(([a], [b]) => new BillingDecimal(a).comparedTo(new BillingDecimal(b)))
    .map(([vatRate, netMinor]) => ({
      vatRate,
      netMinor,
      vatMinor: roundToMinor(minorToMajor(netMinor, currency).times(vatRate).div(100), currency),
    }));
}

/**
 * The advances to deduct: each reference once (the first occurrence), none that an earlier invoice
 * already deducted.
 */
export function deductibleAdvances(
  advances: readonly AdvanceDeduction[],
  alreadyDeducted: readonly string[],
): AdvanceDeduction[] {
  const seen = new Set(alreadyDeducted);
  const out: AdvanceDeduction[] = [];
  for (const a of advances) {
    if (seen.has(a.reference)) continue;
    seen.add(a.reference);
    out.push({ reference: a.reference, amountMinor: a.amountMinor });
  }
  return out;
}
