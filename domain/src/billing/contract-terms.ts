/**
 * Contract terms that change the bill: VAT, the renewable levy, network charges (and who pays them),
 * advances and payment terms. See docs/billing.md.
 */
import type { LineGroup } from "./invoice.ts";
import { type PriceValue, priceValue } from "./tariff.ts";
import { type FieldError, Validator, join } from "./validation.ts";

export type NetworkCharge = {
  code: string;
  description: string;
  per: "kWh" | "day" | "month";
  price: PriceValue;
};
export type AdvanceTerms =
  /** `percentage` % of the forecast bill of the period. */
  | { basis: "percentage"; percentage: string }
  /** The forecast bill of the first 15 days: 15 / days-in-period of the forecast. */
  | { basis: "fifteen_days" };

export type ContractTerms = {
  /** VAT percent for every line, e.g. "19". */
  vatRate: string;
  /** VAT percent per line group where it differs (e.g. credit: "0" for a non-taxable feed-in). */
  vatRateByGroup?: Partial<Record<LineGroup, string>>;
  /** True when the energy price already contains the renewable levy (then no levy line). */
  priceIncludesLevy: boolean;
  /** The renewable levy per kWh; required when priceIncludesLevy is false. */
  levy?: { code: string; description: string; price: PriceValue };
  /** Network charges; `paidBy: "trader"` keeps them off the customer's invoice. */
  network?: { paidBy: "customer" | "trader"; charges: NetworkCharge[] };
  advances?: AdvanceTerms;
  /** Days from issue to due date (printed by the document renderer). */
  paymentTermsDays: number;
};

export type ParseContractTermsResult =
  { ok: true; terms: ContractTerms } | { ok: false; errors: FieldError[] };

const GROUPS = ["energy", "network", "levy", "fee", "tax", "credit"] as const;

/** Validates contract terms JSON; every error names its field path. */
export function parseContractTerms(json: unknown): ParseContractTermsResult {
  const v = new Validator();
  const t = v.object("", json, [
    "vatRate",
    "vatRateByGroup",
    "priceIncludesLevy",
    "levy",
    "network",
    "advances",
    "paymentTermsDays",
  ]);
  if (t === undefined) return { ok: false, errors: v.errors };
  v.decimal("vatRate", t.vatRate, { nonNegative: true });
  if (t.vatRateByGroup !== undefined) {
    const g = v.object("vatRateByGroup", t.vatRateByGroup, GROUPS);
    if (g !== undefined)
      for (const [k, rate] of Object.entries(g))
        v.decimal(join("vatRateByGroup", k), rate, { nonNegative: true });
  }
  const includes = v.boolean("priceIncludesLevy", t.priceIncludesLevy);
  if (t.levy !== undefined) {
    const l = v.object("levy", t.levy, ["code", "description", "price"]);
    if (l !== undefined) {
      v.string("levy.code", l.code);
      v.string("levy.description", l.description);
      priceValue(v, "levy.price", l.price);
    }
  } else if (includes === false) {
    v.error("levy", "required when priceIncludesLevy is false");
  }
  if (t.network !== undefined) {
    const n = v.object("network", t.network, ["paidBy", "charges"]);
    if (n !== undefined) {
      v.oneOf("network.paidBy", n.paidBy, ["customer", "trader"] as const);
      const charges = v.array("network.charges", n.charges) ?? [];
      charges.forEach((item, i) => {
        const p = join("network.charges", i);
        const c = v.object(p, item, ["code", "description", "per", "price"]);
        if (c === undefined) return;
        v.string(join(p, "code"), c.code);
        v.string(join(p, "description"), c.description);
        v.oneOf(join(p, "per"), c.per, ["kWh", "day", "month"] as const);
        priceValue(v, join(p, "price"), c.price);
      });
    }
  }
  if (t.advances !== undefined) {
    const a = v.object("advances", t.advances, ["basis", "percentage"]);
    if (a !== undefined) {
      const basis = v.oneOf("advances.basis", a.basis, ["percentage", "fifteen_days"] as const);
      if (basis === "percentage") v.decimal("advances.percentage", a.percentage, { positive: true });
      if (basis === "fifteen_days" && a.percentage !== undefined) {
        v.error("advances.percentage", "only with basis percentage");
      }
    }
  }
  v.integer("paymentTermsDays", t.paymentTermsDays, 0);
  if (v.errors.length > 0) return { ok: false, errors: v.errors };
  return { ok: true, terms: json as ContractTerms };
}

/** The VAT percent of a line group under these terms. */
export function vatRateFor(terms: ContractTerms, group: LineGroup): string {
  return terms.vatRateByGroup?.[group] ?? terms.vatRate;
}
