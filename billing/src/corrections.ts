// `c4e bill-corrections --from YYYY-MM --to YYYY-MM`: retroactive price corrections. Every issued
// monthly invoice of the months is billed again from the inputs stored with it (`billing_input`:
// consumption, period, time zone) under today's tariff (contract or catalogue product, whose price
// schedules carry the past `from` dates) and today's contract terms (network tariff, levy); where a
// line differs, `computeRetroactiveCorrection` gives a difference invoice or credit note that
// references the original. Issued invoices are never edited. The basis of a second correction is the
// state the last correction applied, so corrections add up; an unchanged state creates nothing.
import { createHash } from "node:crypto";
import {
  type ComputeInvoiceParams,
  type ContractTerms,
  type Tariff,
  computeInvoice,
  computeRetroactiveCorrection,
  parseContractTerms,
  parseTariff,
} from "@c4e/domain";
import type pg from "pg";
import {
  BillRunError,
  POD_CONTEXT_SELECT,
  queryPodContexts,
  contractTerms,
  monthParameters,
  monthPeriod,
  vatRates,
} from "./bill-run.ts";
import { withTransaction } from "@c4e/prisma";
import { insertDraftInvoices, issueInvoices, loadInvoices } from "./invoice-store.ts";

export const CREDIT_NOTE_SERIES = "CN";

export type BillCorrectionsParams = { from: string; to: string; issue?: boolean; issueDate?: string };

export type BillCorrectionsSummary = {
  /** issued monthly invoices looked at */
  checked: number;
  created: { id: string; originalNumber: string; kind: string; totalMinor: string }[];
  /** invoices without the stored inputs (billed before corrections were possible) or failing */
  skipped: { invoiceNumber: string; reason: string }[];
  issued: { id: string; number: string }[];
};

/** The priced state a correction applies: energy tariff and contract terms. */
type PriceState = { tariff: Tariff; terms: ContractTerms };

/** JSON with sorted keys (jsonb reorders keys; the hash must not depend on it). */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const hashOf = (s: PriceState) => createHash("sha256").update(stableJson(s)).digest("hex").slice(0, 16);

function parseState(json: { tariff: unknown; terms: unknown }, what: string): PriceState {
  const t = parseTariff(json.tariff);
  if (!t.ok)
    throw new BillRunError(
      `${what}: invalid tariff (${t.errors[0]?.path}: ${t.errors[0]?.message})`,
      "TARIFF_INVALID",
    );
  const c = parseContractTerms(json.terms);
  if (!c.ok) throw new BillRunError(`${what}: invalid terms (${c.errors[0]?.path}: ${c.errors[0]?.message})`);
  return { tariff: t.tariff, terms: c.terms };
}

/** Creates the corrections of the issued monthly invoices of months `from`..`to` (idempotent). */
export async function billCorrections(
  pool: pg.Pool,
  params: BillCorrectionsParams,
): Promise<BillCorrectionsSummary> {
  const start = monthPeriod(params.from).start;
  const end = monthPeriod(params.to).end;
  if (end <= start) throw new BillRunError(`--to must not be before --from`);
  const originals = await pool.query<{
    id: string;
    number: string;
    pod_id: string;
    period_start: string;
    billing_input: {
      tariff: unknown;
      terms: unknown;
      period: ComputeInvoiceParams["period"];
      timeZone: string;
      consumption: ComputeInvoiceParams["consumption"];
    } | null;
    corrections: number;
    last_state: { tariff: unknown; terms: unknown } | null;
  }>(
    `SELECT i.id, i.number, i.pod_id, i.period_start::text, i.billing_input,
       (SELECT count(*)::int FROM invoice c WHERE c.original_invoice_id = i.id AND c.idempotency_key LIKE 'correction:%') AS corrections,
       (SELECT c.billing_input -> 'corrected' FROM invoice c
        WHERE c.original_invoice_id = i.id AND c.idempotency_key LIKE 'correction:%' AND c.status <> 'voided'
        ORDER BY c.created_at DESC, c.idempotency_key DESC LIMIT 1) AS last_state
     FROM invoice i
     WHERE i.kind = 'monthly' AND i.status = 'issued' AND i.pod_id IS NOT NULL
       AND i.period_start >= $1 AND i.period_start < $2
     ORDER BY i.number`,
    [start, end],
  );
  const summary: BillCorrectionsSummary = {
    checked: originals.rows.length,
    created: [],
    skipped: [],
    issued: [],
  };
  if (originals.rows.length === 0) return summary;
  const contexts = await queryPodContexts(pool, `${POD_CONTEXT_SELECT} WHERE p.id = ANY($1::text[])`, [
    [...new Set(originals.rows.map((o) => o.pod_id))],
  ]);
  const ctxOf = new Map(contexts.map((c) => [c.pod_id, c]));
  const vat = await vatRates(pool);
  const stored = new Map(
    (
      await loadInvoices(
        pool,
        originals.rows.map((o) => o.id),
      )
    ).map((s) => [s.id, s]),
  );
  for (const o of originals.rows) {
    try {
      const ctx = ctxOf.get(o.pod_id);
      const original = stored.get(o.id);
      if (!ctx || !original) throw new BillRunError(`POD ${o.pod_id} has no contract any more`, "NOT_FOUND");
      if (!o.billing_input)
        throw new BillRunError(`no stored billing inputs (billed before they were kept)`, "NOT_FOUND");
      const input = o.billing_input;
      const current = parseState(
        {
          tariff: ctx.tariff,
          terms: contractTerms(ctx, await monthParameters(pool, o.period_start.slice(0, 8) + "01"), vat),
        },
        "current",
      );
      // The basis: the invoice as issued (its lines), or as the last correction left it (its state).
      // Without an earlier correction the state billed is not compared: a correction without any
      // line difference is simply empty.
      const basisState = o.last_state === null ? null : parseState(o.last_state, "basis");
      if (basisState !== null && hashOf(current) === hashOf(basisState)) continue;
      const base: ComputeInvoiceParams = {
        tariff: basisState?.tariff ?? current.tariff,
        terms: basisState?.terms ?? current.terms,
        period: input.period,
        timeZone: input.timeZone,
        consumption: input.consumption,
      };
      const basisInvoice = basisState === null ? original.invoice : computeInvoice(base);
      const [correction] = computeRetroactiveCorrection({
        correctedTariff: current.tariff,
        invoices: [{ number: o.number, invoice: basisInvoice, params: { ...base, terms: current.terms } }],
      });
      if (!correction) continue;
      const [id] = await withTransaction(pool, (c) =>
        insertDraftInvoices(c, [
          {
            invoice: correction.invoice,
            contractId: original.contractId,
            podId: original.podId,
            seriesId: correction.invoice.kind === "credit_note" ? CREDIT_NOTE_SERIES : ctx.invoice_series,
            originalInvoiceId: o.id,
            idempotencyKey: `correction:${o.id}:${o.corrections + 1}:${hashOf(current)}`,
            billingInput: { ...base, corrected: current },
            buyer: original.buyer,
            paymentTermsDays: original.paymentTermsDays,
          },
        ]),
      );
      if (id) {
        summary.created.push({
          id,
          originalNumber: o.number,
          kind: correction.invoice.kind,
          totalMinor: correction.invoice.totalMinor.toString(),
        });
      }
    } catch (err) {
      summary.skipped.push({ invoiceNumber: o.number, reason: (err as Error).message });
    }
  }
  if (params.issue) {
    // this call's corrections and any an earlier call left as drafts
    const drafts = await pool.query<{ id: string }>(
      `SELECT id FROM invoice WHERE status = 'draft' AND idempotency_key LIKE 'correction:%'
       AND original_invoice_id = ANY($1::uuid[])`,
      [originals.rows.map((o) => o.id)],
    );
    if (drafts.rows.length > 0) {
      const ids = drafts.rows.map((r) => r.id);
      const res = await issueInvoices(pool, { invoiceIds: ids }, { issueDate: params.issueDate });
      summary.issued = res.issued.map((i) => ({ id: i.id, number: i.number }));
    }
  }
  return summary;
}
