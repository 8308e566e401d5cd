/** A POD with its contract, customer, grid meter and the tariff that applies, as bill runs read it. */
import { type Consumption, type NetworkCharge, type Tariff, applicableTariff } from "@c4e/domain";
import type { Queryable } from "@c4e/prisma";
import {
  type ConsumptionComparison,
  type InvoiceBuyer,
  type MeterReadings,
  type RegisterReadings,
  touBandHours,
} from "../invoice-content.ts";

/**
 * POD, contract, customer, candidate tariffs and grid meter of a POD: `${POD_CONTEXT_SELECT} WHERE …`.
 * The rows are `PodContextRow`s; `podContextOf` decides the applicable tariff (domain's precedence).
 */
export const POD_CONTEXT_SELECT = `SELECT p.id AS pod_id, p.identifier, p.name AS pod_name, p.address AS pod_address, p.metering::text,
         p.annual_reference_kwh::text, p.monthly_forecast_kwh::text[] AS monthly_forecast_kwh, p.time_zone,
         p.market_zone, p.sign_in_date::text, p.sign_out_date::text,
         p.network_charges_payer::text, nt.tariff AS network_tariff,
         c.id AS contract_id, c.number AS contract_number, c.valid_from::text AS contract_from,
         c.valid_to::text AS contract_to, c.payment_terms_days, c.advance_mode::text, c.advance_basis::text,
         c.advance_percent::text, c.price_includes_levy, c.invoice_series,
         c.customer_number, c.billing_address,
         c.energy_tariff AS contract_tariff, c.product_id, c.product_version,
         pv.tariff AS product_version_tariff, pr.tariff AS product_tariff,
         cu.id AS customer_id, cu.name AS customer_name,
         (SELECT m.id FROM meter m WHERE m.site_id = p.site_id AND m.kind = 'grid' ORDER BY m.id LIMIT 1) AS meter_id
       FROM pod p
       JOIN contract c ON c.id = p.contract_id
       JOIN customer cu ON cu.id = c.customer_id
       LEFT JOIN product pr ON pr.id = c.product_id
       LEFT JOIN product_version pv ON pv.product_id = c.product_id AND pv.version = c.product_version
       LEFT JOIN network_tariff nt ON nt.id = p.network_tariff_id`;

type PodColumns = {
  pod_id: string;
  identifier: string;
  pod_name: string;
  pod_address: string;
  metering: "slp" | "amr";
  annual_reference_kwh: string;
  monthly_forecast_kwh: string[];
  time_zone: string;
  market_zone: string;
  sign_in_date: string;
  sign_out_date: string | null;
  network_charges_payer: "customer" | "trader";
  network_tariff: { charges?: NetworkCharge[] } | null;
  contract_id: string;
  contract_number: string;
  contract_from: string;
  contract_to: string | null;
  payment_terms_days: number;
  advance_mode: "none" | "percentage" | "fifteen_day";
  advance_basis: "forecast" | "annual_reference";
  advance_percent: string | null;
  price_includes_levy: boolean;
  invoice_series: string;
  customer_number: string | null;
  billing_address: string | null;
  customer_id: string;
  customer_name: string;
  meter_id: string | null;
};

/** A row of `POD_CONTEXT_SELECT`: the candidate tariffs not yet decided. */
export type PodContextRow = PodColumns & {
  contract_tariff: unknown;
  product_id: string | null;
  product_version: number | null;
  product_version_tariff: unknown;
  product_tariff: unknown;
};

/** A POD's context with the applicable tariff: `tariff_key` names it (cache key, billing input). */
export type PodContext = PodColumns & { tariff_key: string; tariff: unknown };

/** What a bill run knows about the supply of a billed period (see `supplyFactsOf`). */
export type SupplyFacts = {
  /** register readings at the period's start and end (AMR; only registers with both) */
  registers: RegisterReadings[];
  /** imported kWh of the issued monthly invoice of the same period a year earlier */
  previousYear: { start: string; end: string; kwh: string } | null;
};

/** What the bill run computed a draft from, for the parts of the buyer snapshot that depend on it. */
export type BilledSupply = { tariff: Tariff; consumption: Consumption; facts: SupplyFacts | undefined };

/**
 * What an invoice of the POD shows about its buyer and supply (captured when the draft is made, so
 * an issued invoice never changes): customer number (never the internal id), billing address, POD,
 * and for monthly bills the meter with its readings (or "estimated" for SLP), the TOU band hours
 * and the consumption compared with a year earlier (Directive (EU) 2019/944 Annex I).
 */
export function buyerOf(ctx: PodColumns, billed?: BilledSupply): InvoiceBuyer {
  const buyer: InvoiceBuyer = {
    customerId: ctx.customer_id,
    customerName: ctx.customer_name,
    customerAddress: ctx.billing_address ?? ctx.pod_address,
    contractNumber: ctx.contract_number,
    podIdentifier: ctx.identifier,
    podAddress: ctx.pod_address,
  };
  if (ctx.customer_number !== null) buyer.customerNumber = ctx.customer_number;
  if (ctx.billing_address !== null) buyer.billingAddress = ctx.billing_address;
  if (billed === undefined) return buyer;
  const readings: MeterReadings =
    ctx.metering === "slp"
      ? { kind: "estimated", basis: "standard load profile" }
      : (billed.facts?.registers.length ?? 0) > 0
        ? { kind: "measured", registers: billed.facts?.registers ?? [] }
        : { kind: "unavailable" };
  buyer.meter = { meterNumber: ctx.meter_id, readings };
  const bands = touBandHours(billed.tariff);
  if (bands.length > 0) buyer.touBands = bands;
  const consumption = importKwhOf(billed.consumption);
  if (consumption !== null)
    buyer.consumption = { ...consumption, previousYear: billed.facts?.previousYear ?? null };
  return buyer;
}

/** The imported kWh the domain bills from, where the consumption states it. */
function importKwhOf(c: Consumption): Omit<ConsumptionComparison, "previousYear"> | null {
  switch (c.kind) {
    case "aggregated":
      return { currentKwh: c.importKwh };
    case "readings":
      return null;
    case "slp":
      return null;
    case "intervals":
      return null;
  }
}

/**
 * Per POD of a chunk: the grid meter's register readings at the start and the end of its billed
 * period (the last reading at or before each instant, at most a day before it) and the previous
 * year's billed import for the same period. Two queries for the whole chunk.
 */
export async function supplyFactsOf(
  db: Queryable,
  jobs: { ctx: PodColumns; period: { start: string; end: string } }[],
): Promise<Map<string, SupplyFacts>> {
  const out = new Map<string, SupplyFacts>();
  if (jobs.length === 0) return out;
  for (const j of jobs) out.set(j.ctx.pod_id, { registers: [], previousYear: null });
  const amr = jobs.filter((j) => j.ctx.metering === "amr" && j.ctx.meter_id !== null);
  if (amr.length > 0) {
    const r = await db.query<{
      pod_id: string;
      register: "import" | "export";
      start_at: Date;
      start_wh: string;
      end_at: Date;
      end_wh: string;
    }>(
      `SELECT x.pod_id, g.register, s.at AS start_at, s.value_wh::text AS start_wh, e.at AS end_at,
              e.value_wh::text AS end_wh
       FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::text[])
              AS x(pod_id, meter_id, start_date, end_date, tz)
       CROSS JOIN (VALUES ('import'), ('export')) AS g(register)
       CROSS JOIN LATERAL (
         SELECT r.at, r.value_wh FROM reading r
         WHERE r.meter_id = x.meter_id AND r.register = g.register
           AND r.at <= (x.start_date::timestamp AT TIME ZONE x.tz)
           AND r.at > (x.start_date::timestamp AT TIME ZONE x.tz) - interval '1 day'
         ORDER BY r.at DESC LIMIT 1) s
       CROSS JOIN LATERAL (
         SELECT r.at, r.value_wh FROM reading r
         WHERE r.meter_id = x.meter_id AND r.register = g.register
           AND r.at <= (x.end_date::timestamp AT TIME ZONE x.tz)
           AND r.at > (x.end_date::timestamp AT TIME ZONE x.tz) - interval '1 day'
         ORDER BY r.at DESC LIMIT 1) e
       ORDER BY x.pod_id, g.register DESC`,
      [
        amr.map((j) => j.ctx.pod_id),
        amr.map((j) => j.ctx.meter_id),
        amr.map((j) => j.period.start),
        amr.map((j) => j.period.end),
        amr.map((j) => j.ctx.time_zone),
      ],
    );
    for (const row of r.rows) {
      out.get(row.pod_id)?.registers.push({
        register: row.register,
        obis: row.register === "import" ? "1.8.0" : "2.8.0",
        startAt: row.start_at.toISOString(),
        startWh: row.start_wh,
        endAt: row.end_at.toISOString(),
        endWh: row.end_wh,
      });
    }
  }
  const prev = await db.query<{ pod_id: string; start: string; end: string; kwh: string }>(
    `SELECT DISTINCT ON (i.pod_id) i.pod_id, i.period_start::text AS start, i.period_end::text AS "end",
            i.billing_input->'consumption'->>'importKwh' AS kwh
     FROM unnest($1::text[], $2::date[], $3::date[]) AS x(pod_id, start_date, end_date)
     JOIN invoice i ON i.pod_id = x.pod_id AND i.period_start = (x.start_date - interval '1 year')::date
       AND i.period_end = (x.end_date - interval '1 year')::date
     WHERE i.kind = 'monthly' AND i.status = 'issued'
       AND i.billing_input->'consumption'->>'importKwh' IS NOT NULL
     ORDER BY i.pod_id, i.issued_at DESC`,
    [jobs.map((j) => j.ctx.pod_id), jobs.map((j) => j.period.start), jobs.map((j) => j.period.end)],
  );
  for (const row of prev.rows) {
    const facts = out.get(row.pod_id);
    if (facts) facts.previousYear = { start: row.start, end: row.end, kwh: row.kwh };
  }
  return out;
}

/**
 * The context with the tariff that applies (contract over product version over product). Without
 * any, `tariff` is null: parsing it fails and the POD's item fails with that message.
 */
export function podContextOf<R extends PodContextRow>(
  row: R,
): Omit<R, keyof Omit<PodContextRow, keyof PodColumns>> & PodContext {
  const {
    contract_tariff: contractTariff,
    product_id: productId,
    product_version: productVersion,
    product_version_tariff: productVersionTariff,
    product_tariff: productTariff,
    ...rest
  } = row;
  const applicable = applicableTariff({
    contractId: row.contract_id,
    contractTariff,
    productId,
    productVersion,
    productVersionTariff,
    productTariff,
  });
  return {
    ...rest,
    tariff_key: applicable?.key ?? `contract:${row.contract_id}`,
    tariff: applicable?.tariff ?? null,
  };
}

/** Runs `${POD_CONTEXT_SELECT} ${rest}` and decides each row's tariff. */
export async function queryPodContexts<Extra extends object = object>(
  db: Queryable,
  sql: string,
  params: unknown[],
): Promise<(PodContext & Extra)[]> {
  const r = await db.query<PodContextRow & Extra>(sql, params);
  return r.rows.map((row) => podContextOf(row) as PodContext & Extra);
}
