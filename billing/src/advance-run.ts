// `c4e bill-advances --period YYYY-MM [--issue]`: advance (partial) invoices for the contracts with
// advances. One per POD and month (natural key `advance:<pod>:<YYYY-MM>`, unique on invoice), series
// ADV; the monthly bill run deducts the issued ones once.
import {
  type AggregatedConsumption,
  BillingDecimal,
  type Tariff,
  computeAdvanceInvoice,
  formatDecimal,
  monthsFraction,
  parseTariff,
  touWindows,
} from "@c4e/domain";
import type pg from "pg";
import {
  type PodContext,
  POD_CONTEXT_SELECT,
  queryPodContexts,
  contractTerms,
  maxDate,
  minDate,
  monthParameters,
  monthPeriod,
  vatRates,
} from "./bill-run.ts";
import { buyerOf } from "./bill-run/pod-context.ts";
import { withTransaction } from "@c4e/prisma";
import { type DraftInvoiceParams, insertDraftInvoices, issueInvoices } from "./invoice-store.ts";

export const ADVANCE_SERIES = "ADV";

export type BillAdvancesParams = { period: string; issue?: boolean; issueDate?: string };

export type BillAdvancesSummary = {
  period: string;
  /** drafts inserted by this call */
  drafted: number;
  /** PODs whose advance of the month already existed (drafted or issued before) */
  existing: number;
  failed: { podId: string; error: string }[];
  issued: { id: string; number: string }[];
};

/** The forecast of a month for a flat profile: kWh per band in proportion to the band's hours, mean kW as peak. */
export function flatForecast(
  tariff: Tariff,
  period: { start: string; end: string },
  timeZone: string,
  forecastKwh: string,
): AggregatedConsumption {
  const windows = touWindows({ tariff, period, timeZone });
  const totalMs = windows.reduce((a, w) => a + (w.end.getTime() - w.start.getTime()), 0);
  const byBandMs = new Map<string, number>();
  for (const w of windows)
    byBandMs.set(w.band, (byBandMs.get(w.band) ?? 0) + w.end.getTime() - w.start.getTime());
  const total = new BillingDecimal(forecastKwh);
  const bands = [...byBandMs.entries()];
  let rest = total;
  const importKwhByBand: Record<string, string> = {};
  bands.forEach(([band, ms], i) => {
    // rounded to the Wh; the last band takes the remainder so the bands sum to the forecast exactly
    const q = i === bands.length - 1 ? rest : total.times(ms).div(totalMs).toDecimalPlaces(3);
    rest = rest.minus(q);
    importKwhByBand[band] = formatDecimal(q);
  });
  const out: AggregatedConsumption = {
    kind: "aggregated",
    importKwhByBand,
    importKwh: formatDecimal(total),
    exportKwh: "0",
  };
  if (tariff.demand) out.peakDemandKw = formatDecimal(total.div(totalMs / 3_600_000).toDecimalPlaces(3));
  return out;
}

/** The forecast kWh of the POD for the (possibly partial) month: its monthly forecast or annual / 12, × month fraction. */
function forecastKwh(ctx: PodContext, month: number, period: { start: string; end: string }): string {
  let base: string;
  if (ctx.advance_basis === "annual_reference") {
    base = formatDecimal(new BillingDecimal(ctx.annual_reference_kwh).div(12));
  } else {
    const f = ctx.monthly_forecast_kwh[month - 1];
    if (f === undefined) throw new Error(`POD has no monthly forecast (advance basis: forecast)`);
    base = f;
  }
  return formatDecimal(new BillingDecimal(base).times(monthsFraction(period)).toDecimalPlaces(3));
}

/** Drafts (and with `issue` issues) the advance invoices of the month; idempotent per POD and month. */
export async function billAdvances(pool: pg.Pool, params: BillAdvancesParams): Promise<BillAdvancesSummary> {
  const run = monthPeriod(params.period);
  const month = Number(params.period.slice(5, 7));
  const pods = await queryPodContexts(
    pool,
    `${POD_CONTEXT_SELECT}
     WHERE c.advance_mode <> 'none'
       AND p.sign_in_date < $2 AND (p.sign_out_date IS NULL OR p.sign_out_date > $1)
       AND c.valid_from < $2 AND (c.valid_to IS NULL OR c.valid_to > $1)
     ORDER BY p.id`,
    [run.start, run.end],
  );
  const parameters = await monthParameters(pool, run.start);
  const vat = await vatRates(pool);
  // An advance drafted after the month's invoice would never be deducted: refuse it.
  const billed = await pool.query<{ pod_id: string }>(
    `SELECT DISTINCT pod_id FROM invoice WHERE kind = 'monthly' AND status <> 'voided'
     AND pod_id = ANY($1::text[]) AND period_start >= $2 AND period_start < $3
     AND NOT EXISTS (SELECT 1 FROM invoice a WHERE a.idempotency_key = 'advance:' || invoice.pod_id || ':' || $4)`,
    [pods.map((p) => p.pod_id), run.start, run.end, params.period],
  );
  const monthBilled = new Set(billed.rows.map((r) => r.pod_id));
  const failed: BillAdvancesSummary["failed"] = [];
  const drafts: DraftInvoiceParams[] = [];
  for (const ctx of pods) {
    try {
      if (monthBilled.has(ctx.pod_id))
        throw new Error(
          `the month is already billed (monthly invoice exists): an advance would not be deducted`,
        );
      const parsed = parseTariff(ctx.tariff);
      if (!parsed.ok)
        throw new Error(`invalid tariff: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
      const tariff = parsed.tariff;
      if (tariff.dynamic !== undefined)
        throw new Error(`advances of a dynamic tariff need a price forecast (not stored)`);
      const period = {
        start: maxDate(run.start, ctx.sign_in_date, ctx.contract_from),
        end: minDate(run.end, ctx.sign_out_date, ctx.contract_to),
      };
      const terms = contractTerms(ctx, parameters, vat);
      const forecast = flatForecast(tariff, period, ctx.time_zone, forecastKwh(ctx, month, period));
      const input = { tariff, terms, period, timeZone: ctx.time_zone, forecast };
      drafts.push({
        invoice: computeAdvanceInvoice(input),
        contractId: ctx.contract_id,
        podId: ctx.pod_id,
        seriesId: ADVANCE_SERIES,
        idempotencyKey: `advance:${ctx.pod_id}:${params.period}`,
        billingInput: input,
        buyer: buyerOf(ctx),
        paymentTermsDays: ctx.payment_terms_days,
      });
    } catch (err) {
      failed.push({ podId: ctx.pod_id, error: (err as Error).message });
    }
  }
  const ids = await withTransaction(pool, (c) => insertDraftInvoices(c, drafts));
  const drafted = ids.filter((id) => id !== null).length;
  let issued: BillAdvancesSummary["issued"] = [];
  if (params.issue) {
    // every draft advance of the month, also those an earlier call left as drafts
    const all = await pool.query<{ id: string }>(
      `SELECT id FROM invoice WHERE idempotency_key = ANY($1::text[]) AND status = 'draft'`,
      [drafts.map((d) => d.idempotencyKey)],
    );
    if (all.rows.length > 0) {
      const res = await issueInvoices(
        pool,
        { invoiceIds: all.rows.map((r) => r.id) },
        { issueDate: params.issueDate },
      );
      issued = res.issued.map((i) => ({ id: i.id, number: i.number }));
    }
  }
  return { period: params.period, drafted, existing: drafts.length - drafted, failed, issued };
}
