/** A POD with its contract, customer, grid meter and the tariff that applies, as bill runs read it. */
import { type NetworkCharge, applicableTariff } from "@c4e/domain";
import type { Queryable } from "@c4e/prisma";
import type { Buyer } from "../invoice-store.ts";

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

/** What an invoice of the POD shows about its buyer (captured when the draft is made). */
export function buyerOf(ctx: PodColumns): Buyer {
  return {
    customerId: ctx.customer_id,
    customerName: ctx.customer_name,
    customerAddress: ctx.pod_address,
    contractNumber: ctx.contract_number,
    podIdentifier: ctx.identifier,
    podAddress: ctx.pod_address,
  };
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
