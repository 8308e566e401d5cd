/**
 * The internal solar price and the legal cap on it.
 *
 * Cost price (StromVV Art. 16 para. 1 style: the costs a community may pass on are the plant's
 * capital costs — depreciation and interest — and its operating and maintenance costs): the annual
 * capital cost is the annuity of the investment over its years at the interest rate
 * (`I × r / (1 − (1 + r)^−n)`, or `I / n` at 0 %), plus the operating costs per year, divided by the
 * solar kWh the residents use in a year. Or the manager fixes the internal price directly.
 *
 * The cap (StromVV Art. 16 para. 2–3 style): what residents pay per solar kWh may not exceed the grid
 * supplier's standard product; where the cost price is lower, a named rule decides how the saving is
 * shared. Prices per kWh are rounded once to `PRICE_DECIMALS` places (half away from zero) before
 * they are compared or billed, so the invoice shows the price it bills with.
 */
import { Decimal } from "decimal.js";
import { BillingDecimal, DECIMAL_PATTERN, formatDecimal } from "../billing/money.ts";
import { CommunityInputError } from "./errors.ts";

export const PRICE_DECIMALS = 5;

export type CostBasis = {
  kind: "cost_basis";
  /** the plant's investment, major units */
  investment: string;
  /** yearly interest, percent (e.g. "2.5") */
  interestRatePercent: string;
  /** depreciation period in years */
  years: number;
  /** operating and maintenance costs per year, major units */
  operatingCostsPerYear: string;
  /** the solar kWh residents use in a year (the divisor) */
  selfConsumedKwhPerYear: string;
};
export type FixedPrice = { kind: "fixed"; pricePerKwh: string };
export type SolarPriceBasis = CostBasis | FixedPrice;

/**
 * How the saving (standard price − cost price) is shared when the cost price is lower:
 * - `cost_only`: residents pay the cost price (they keep the whole saving);
 * - `half_saving` (StromVV Art. 16 para. 3 as in force 2018–2024): the cost price plus half the saving;
 * - `share_of_standard`: a flat share of the standard product (e.g. "0.8" = 80 %), never above it.
 * Every rule is capped at the standard product.
 */
export type CapRule =
  { rule: "cost_only" } | { rule: "half_saving" } | { rule: "share_of_standard"; share: string };

export const CAP_RULE_NAMES: Readonly<Record<CapRule["rule"], string>> = {
  cost_only: "cost price only (the residents keep the saving)",
  half_saving: "cost price plus half the saving (StromVV Art. 16 para. 3, 2018 version)",
  share_of_standard: "flat share of the supplier's standard product",
};

export type SolarPrice = {
  /** what residents pay per solar kWh (rounded to PRICE_DECIMALS) */
  pricePerKwh: string;
  /** the cost price per kWh (rounded), before the rule and the cap */
  costPricePerKwh: string;
  standardPricePerKwh: string;
  rule: CapRule["rule"];
  /** true when the standard product limited the price */
  capBinding: boolean;
  /** the arithmetic in words, for the invoice breakdown and the statement */
  explanation: string;
};

const P = (d: BillingDecimal) => d.toDecimalPlaces(PRICE_DECIMALS, Decimal.ROUND_HALF_UP);

/** The cost price per kWh of a cost basis (rounded to PRICE_DECIMALS). */
export function costPricePerKwh(basis: SolarPriceBasis): BillingDecimal {
  if (basis.kind === "fixed") return P(nonNegative(basis.pricePerKwh, "solarPrice.pricePerKwh"));
  const investment = nonNegative(basis.investment, "solarPrice.investment");
  const rate = nonNegative(basis.interestRatePercent, "solarPrice.interestRatePercent").div(100);
  const opex = nonNegative(basis.operatingCostsPerYear, "solarPrice.operatingCostsPerYear");
  const kwh = nonNegative(basis.selfConsumedKwhPerYear, "solarPrice.selfConsumedKwhPerYear");
  if (kwh.isZero()) throw new CommunityInputError("solarPrice.selfConsumedKwhPerYear", "must be above zero");
  if (!Number.isInteger(basis.years) || basis.years < 1 || basis.years > 100) {
    throw new CommunityInputError(
      "solarPrice.years",
      `not a depreciation period in whole years: ${basis.years}`,
    );
  }
  const capital = rate.isZero()
    ? investment.div(basis.years)
    : investment.times(rate).div(new BillingDecimal(1).minus(rate.plus(1).pow(-basis.years)));
  return P(capital.plus(opex).div(kwh));
}

/**
 * The price residents pay per solar kWh under the cap rule.
 * @example solarPrice({ kind: "fixed", pricePerKwh: "0.15" }, "0.25", { rule: "half_saving" }).pricePerKwh // "0.2"
 */
export function solarPrice(basis: SolarPriceBasis, standardPricePerKwh: string, cap: CapRule): SolarPrice {
  const standard = P(nonNegative(standardPricePerKwh, "standardPricePerKwh"));
  const cost = costPricePerKwh(basis);
  let wanted: BillingDecimal;
  let how: string;
  switch (cap.rule) {
    case "cost_only":
      wanted = cost;
      how = `cost price ${formatDecimal(cost)}`;
      break;
    case "half_saving":
      wanted = cost.lt(standard) ? P(cost.plus(standard.minus(cost).div(2))) : cost;
      how = cost.lt(standard)
        ? `cost ${formatDecimal(cost)} + (standard ${formatDecimal(standard)} − cost) / 2 = ${formatDecimal(wanted)}`
        : `cost price ${formatDecimal(cost)} (no saving to share)`;
      break;
    case "share_of_standard": {
      const share = nonNegative(cap.share, "capRule.share");
      if (share.gt(1))
        throw new CommunityInputError(
          "capRule.share",
          `a share above 1 (${cap.share}) would exceed the standard product`,
        );
      wanted = P(standard.times(share));
      how = `${formatDecimal(share)} × standard ${formatDecimal(standard)} = ${formatDecimal(wanted)}`;
      break;
    }
    default: {
      const never: never = cap;
      throw new CommunityInputError("capRule", `unknown rule ${JSON.stringify(never)}`);
    }
  }
  const capBinding = wanted.gt(standard);
  const price = capBinding ? standard : wanted;
  return {
    pricePerKwh: formatDecimal(price),
    costPricePerKwh: formatDecimal(cost),
    standardPricePerKwh: formatDecimal(standard),
    rule: cap.rule,
    capBinding,
    explanation: capBinding
      ? `${how}, capped at the supplier's standard product ${formatDecimal(standard)}`
      : `${how} (≤ standard product ${formatDecimal(standard)})`,
  };
}

function nonNegative(text: string, where: string): BillingDecimal {
  if (typeof text !== "string" || !DECIMAL_PATTERN.test(text) || text.startsWith("-")) {
    throw new CommunityInputError(where, `not a non-negative decimal: ${JSON.stringify(text)}`);
  }
  return new BillingDecimal(text);
}
