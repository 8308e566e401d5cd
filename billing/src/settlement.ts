// Annual settlement of SLP PODs: the distributor's readings (`settlement_reading`, one per POD and
// date) give the consumption since the last settlement; the kWh the issued monthly invoices billed
// in that time are subtracted, and `computeAnnualSettlement` prices the difference (invoiced, or
// credited when negative). One settlement per POD and reading date (natural key
// `settlement:<pod>:<date>`); a re-run creates nothing.
import {
  type BilledConsumption,
  BillingDecimal,
  type PriceValue,
  computeAnnualSettlement,
  formatDecimal,
  parseTariff,
} from "@c4e/domain";
import { parse } from "csv-parse/sync";
import type pg from "pg";
import {
  BillRunError,
  type MonthParameters,
  POD_CONTEXT_SELECT,
  queryPodContexts,
  contractTerms,
  monthParameters,
  multiplyDecimal,
  vatRates,
} from "./bill-run.ts";
import { buyerOf } from "./bill-run/pod-context.ts";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { insertDraftInvoices, issueInvoices } from "./invoice-store.ts";

export type SettlementReadingInput = { podId: string; date: string; kwh: string; source?: string };

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const KWH = /^\d{1,11}(\.\d{1,3})?$/;

function checkReading(r: SettlementReadingInput): string[] {
  const errors: string[] = [];
  if (!r.podId) errors.push("pod: required");
  if (!DATE.test(r.date)) errors.push(`date: YYYY-MM-DD expected (got ${JSON.stringify(r.date)})`);
  if (!KWH.test(r.kwh))
    errors.push(`kwh: a non-negative number with up to 3 decimals (got ${JSON.stringify(r.kwh)})`);
  return errors;
}

/**
 * Records distributor readings, all or nothing. The same reading again is accepted (idempotent);
 * a different value for an existing (POD, date) is refused: a settled reading is not edited.
 */
export async function recordSettlementReadings(
  pool: pg.Pool,
  readings: SettlementReadingInput[],
): Promise<{ recorded: number; unchanged: number }> {
  const problems = readings.flatMap((r, i) => checkReading(r).map((e) => `reading ${i + 1}: ${e}`));
  if (problems.length > 0) throw new BillRunError(problems.join("; "));
  return withTransaction(pool, async (c) => {
    let recorded = 0;
    let unchanged = 0;
    for (const r of readings) {
      const pod = await c.query(`SELECT 1 FROM pod WHERE id = $1`, [r.podId]);
      if (pod.rowCount === 0) throw new BillRunError(`no POD ${r.podId}`, "NOT_FOUND");
      const ins = await c.query(
        `INSERT INTO settlement_reading (pod_id, read_on, kwh, source) VALUES ($1, $2, $3, $4)
         ON CONFLICT (pod_id, read_on) DO NOTHING`,
        [r.podId, r.date, r.kwh, r.source ?? "manual"],
      );
      if (ins.rowCount === 1) {
        recorded++;
        continue;
      }
      const old = await c.query<{ same: boolean; kwh: string }>(
        `SELECT kwh = $3::numeric AS same, kwh::text FROM settlement_reading WHERE pod_id = $1 AND read_on = $2`,
        [r.podId, r.date, r.kwh],
      );
      if (!old.rows[0]?.same)
        throw new BillRunError(
          `POD ${r.podId} already has a reading of ${old.rows[0]?.kwh} kWh on ${r.date}`,
        );
      unchanged++;
    }
    return { recorded, unchanged };
  });
}

/** CSV `pod_id,date,kwh` (header row, any order) → readings. */
export function parseSettlementCsv(csv: string): SettlementReadingInput[] {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return rows.map((r) => ({ podId: r.pod_id ?? "", date: r.date ?? "", kwh: r.kwh ?? "", source: "csv" }));
}

export type BillSettlementsParams = {
  /** the PODs to settle; undefined = every SLP POD with a reading on `date` */
  podIds?: string[];
  /** the reading date settled (the settlement period ends here, exclusive) */
  date: string;
  issue?: boolean;
  issueDate?: string;
};

export type BillSettlementsSummary = {
  drafted: number;
  existing: number;
  failed: { podId: string; error: string }[];
  issued: { id: string; number: string }[];
};

/** The levy per kWh over the period as a price schedule from the monthly parameters (unit price × ratio). */
async function levySchedule(db: Queryable, from: string, to: string): Promise<PriceValue> {
  const r = await db.query<{ month: string; unit: string | null; ratio: string | null }>(
    `SELECT m::date::text AS month,
       (SELECT value::text FROM monthly_parameter WHERE month = m::date AND code = 'levy_unit_price') AS unit,
       (SELECT value::text FROM monthly_parameter WHERE month = m::date AND code = 'levy_ratio') AS ratio
     FROM generate_series(date_trunc('month', $1::date), $2::date - 1, interval '1 month') AS m ORDER BY m`,
    [from, to],
  );
  const schedule: { from: string; price: string }[] = [];
  for (const row of r.rows) {
    if (row.unit === null)
      throw new BillRunError(
        `monthly parameter levy_unit_price missing for ${row.month}`,
        "PARAMETER_MISSING",
      );
    const price = multiplyDecimal(trim(row.unit), trim(row.ratio ?? "1"));
    if (schedule.at(-1)?.price === price) continue;
    schedule.push({ from: row.month < from ? from : row.month, price });
  }
  return schedule.length === 1 ? (schedule[0] as { price: string }).price : schedule;
}

const trim = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);

/** Drafts (and with `issue` issues) the settlement invoices of the reading date. */
export async function billSettlements(
  pool: pg.Pool,
  params: BillSettlementsParams,
): Promise<BillSettlementsSummary> {
  if (!DATE.test(params.date)) throw new BillRunError(`--date must be YYYY-MM-DD`);
  const pods = await queryPodContexts<{ reading_kwh: string | null }>(
    pool,
    `${POD_CONTEXT_SELECT.replace("SELECT p.id AS pod_id", "SELECT sr.kwh::text AS reading_kwh, p.id AS pod_id")}
     LEFT JOIN settlement_reading sr ON sr.pod_id = p.id AND sr.read_on = $1
     WHERE ($2::text[] IS NULL AND sr.pod_id IS NOT NULL AND p.metering = 'slp') OR p.id = ANY($2::text[])
     ORDER BY p.id`,
    [params.date, params.podIds ?? null],
  );
  const vat = await vatRates(pool);
  const failed: BillSettlementsSummary["failed"] = [];
  const drafted: string[] = [];
  let existing = 0;
  for (const ctx of pods) {
    try {
      if (ctx.metering !== "slp") throw new BillRunError(`only SLP PODs are settled (this one is AMR)`);
      if (ctx.reading_kwh === null)
        throw new BillRunError(`no distributor reading on ${params.date}`, "NOT_FOUND");
      const prev = await pool.query<{ read_on: string; kwh: string }>(
        `SELECT read_on::text, kwh::text FROM settlement_reading WHERE pod_id = $1 AND read_on < $2
         ORDER BY read_on DESC LIMIT 1`,
        [ctx.pod_id, params.date],
      );
      const from = prev.rows[0];
      if (!from)
        throw new BillRunError(
          `no earlier reading to settle from (record the reading at sign-in)`,
          "NOT_FOUND",
        );
      const period = { start: from.read_on, end: params.date };
      const parsed = parseTariff(ctx.tariff);
      if (!parsed.ok)
        throw new BillRunError(
          `invalid tariff: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`,
        );
      // What was billed: the energy quantities of the issued monthly invoices of the period.
      const billedRows = await pool.query<{ number: string; kwh: string }>(
        `SELECT i.number, coalesce(sum(l.quantity), 0)::text AS kwh
         FROM invoice i LEFT JOIN invoice_line l ON l.invoice_id = i.id AND l."group" = 'energy'
         WHERE i.pod_id = $1 AND i.kind = 'monthly' AND i.status = 'issued'
           AND i.period_start >= $2 AND i.period_start < $3
         GROUP BY i.id, i.number ORDER BY i.number`,
        [ctx.pod_id, period.start, period.end],
      );
      const billed: BilledConsumption[] = billedRows.rows.map((r) => ({
        reference: r.number,
        importKwh: formatDecimal(new BillingDecimal(r.kwh)),
      }));
      const parameters: MonthParameters = await monthParameters(pool, `${params.date.slice(0, 7)}-01`);
      const terms = contractTerms(
        ctx,
        new Map([...parameters, ["levy_unit_price", parameters.get("levy_unit_price") ?? "0"]]),
        vat,
      );
      if (terms.levy)
        terms.levy = { ...terms.levy, price: await levySchedule(pool, period.start, period.end) };
      const input = {
        tariff: parsed.tariff,
        terms,
        period,
        timeZone: ctx.time_zone,
        reading: {
          from: { at: from.read_on, kwh: trim(from.kwh) },
          to: { at: params.date, kwh: trim(ctx.reading_kwh) },
        },
        billed,
      };
      const invoice = computeAnnualSettlement(input);
      const [id] = await withTransaction(pool, (c) =>
        insertDraftInvoices(c, [
          {
            invoice,
            contractId: ctx.contract_id,
            podId: ctx.pod_id,
            seriesId: ctx.invoice_series,
            idempotencyKey: `settlement:${ctx.pod_id}:${params.date}`,
            billingInput: input,
            buyer: buyerOf(ctx),
            paymentTermsDays: ctx.payment_terms_days,
          },
        ]),
      );
      if (id) drafted.push(id);
      else existing++;
    } catch (err) {
      failed.push({ podId: ctx.pod_id, error: (err as Error).message });
    }
  }
  let issued: BillSettlementsSummary["issued"] = [];
  if (params.issue) {
    const drafts = await pool.query<{ id: string }>(
      `SELECT id FROM invoice WHERE kind = 'settlement' AND status = 'draft' AND idempotency_key = ANY($1::text[])`,
      [pods.map((p) => `settlement:${p.pod_id}:${params.date}`)],
    );
    if (drafts.rows.length > 0) {
      const res = await issueInvoices(
        pool,
        { invoiceIds: drafts.rows.map((r) => r.id) },
        { issueDate: params.issueDate },
      );
      issued = res.issued.map((i) => ({ id: i.id, number: i.number }));
    }
  }
  return { drafted: drafted.length, existing, failed, issued };
}
