/** The contract terms of a POD for a month: VAT, levy, network charges and advances. */
import { type ContractTerms, applicableNetworkCharges } from "@c4e/domain";
import type pg from "pg";
import { BillRunError } from "./errors.ts";
import type { PodContext } from "./pod-context.ts";

export type MonthParameters = Map<string, string>;

export async function monthParameters(pool: pg.Pool, monthStart: string): Promise<MonthParameters> {
  const r = await pool.query<{ code: string; value: string }>(
    `SELECT code, value::text FROM monthly_parameter WHERE month = $1`,
    [monthStart],
  );
  return new Map(r.rows.map((x) => [x.code, x.value]));
}

export type VatRates = { defaultRate: string; byGroup: Partial<Record<string, string>> };

/** VAT per line group from the billing items (the energy item's rate is the default). */
export async function vatRates(pool: pg.Pool): Promise<VatRates> {
  const r = await pool.query<{ group: string; rates: string[] }>(
    `SELECT "group"::text, array_agg(DISTINCT trim_scale(vat_rate)::text) AS rates FROM billing_item GROUP BY "group"`,
  );
  const byGroup: Record<string, string> = {};
  for (const row of r.rows) if (row.rates.length === 1) byGroup[row.group] = row.rates[0] as string;
  return { defaultRate: byGroup.energy ?? "19", byGroup };
}

/** The domain's contract terms from the contract, the POD's network tariff and the month's parameters. */
export function contractTerms(ctx: PodContext, parameters: MonthParameters, vat: VatRates): ContractTerms {
  const { energy: _energy, ...others } = vat.byGroup;
  const byGroup = Object.fromEntries(Object.entries(others).filter(([, rate]) => rate !== vat.defaultRate));
  const terms: ContractTerms = {
    vatRate: vat.defaultRate,
    ...(Object.keys(byGroup).length > 0 ? { vatRateByGroup: byGroup } : {}),
    priceIncludesLevy: ctx.price_includes_levy,
    paymentTermsDays: ctx.payment_terms_days,
  };
  if (!ctx.price_includes_levy) {
    const unit = parameters.get("levy_unit_price");
    if (unit === undefined)
      throw new BillRunError(`monthly parameter levy_unit_price missing for the period`, "PARAMETER_MISSING");
    const ratio = parameters.get("levy_ratio") ?? "1";
    terms.levy = { code: "levy", description: "Renewable levy", price: multiplyDecimal(unit, ratio) };
  }
  const network = applicableNetworkCharges(ctx.network_tariff, ctx.network_charges_payer);
  if (network !== undefined) terms.network = network;
  if (ctx.advance_mode === "percentage" && ctx.advance_percent) {
    terms.advances = { basis: "percentage", percentage: ctx.advance_percent };
  } else if (ctx.advance_mode === "fifteen_day") {
    terms.advances = { basis: "fifteen_days" };
  }
  return terms;
}

/** Exact product of two non-negative decimal strings. */
export function multiplyDecimal(a: string, b: string): string {
  const scale = (s: string) => (s.split(".")[1] ?? "").length;
  const digits = (s: string) => BigInt(s.replace(".", ""));
  const n = digits(a) * digits(b);
  const sc = scale(a) + scale(b);
  if (sc === 0) return n.toString();
  const text = n.toString().padStart(sc + 1, "0");
  const out = `${text.slice(0, -sc)}.${text.slice(-sc)}`.replace(/0+$/, "").replace(/\.$/, "");
  return out;
}

export function maxDate(...dates: (string | null)[]): string {
  return dates.filter((d): d is string => d !== null).reduce((a, b) => (b > a ? b : a));
}

export function minDate(...dates: (string | null)[]): string {
  return dates.filter((d): d is string => d !== null).reduce((a, b) => (b < a ? b : a));
}
