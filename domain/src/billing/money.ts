/**
 * Money arithmetic for billing: one configured Decimal clone, ISO 4217 minor units, and the single
 * rounding step from a precise amount to integer minor units.
 *
 * Rounding rule: every invoice line is computed exactly (50 significant digits, no intermediate
 * rounding) and rounded ONCE to the currency's minor unit, half away from zero ("commercial
 * rounding", DIN 1333; decimal.js ROUND_HALF_UP): 0.125 → 0.13, −0.125 → −0.13. VAT is computed per
 * rate on the sum of that rate's rounded net lines and rounded once per rate by the same rule.
 */
import { Decimal } from "decimal.js";
import type { CurrencyCode } from "./invoice.ts";

/** The Decimal used by all billing computations: 50 significant digits, half away from zero. */
export const BillingDecimal = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_UP });
export type BillingDecimal = InstanceType<typeof BillingDecimal>;

/**
 * ISO 4217 minor-unit digits. HUF has 2 minor digits in ISO 4217 (the fillér), although cash
 * payments are rounded to 5 forints and invoices in practice often show whole forints; we invoice to
 * the ISO 4217 minor unit and leave cash rounding to payment. CZK likewise keeps 2 digits (the haléř
 * is no longer a coin; cash is rounded to whole crowns at payment).
 */
const MINOR_UNIT_DIGITS: Readonly<Record<CurrencyCode, number>> = {
  EUR: 2,
  CHF: 2,
  HUF: 2,
  CZK: 2,
  CNY: 2,
  USD: 2,
};

export const CURRENCY_CODES: readonly CurrencyCode[] = ["EUR", "CHF", "HUF", "CZK", "CNY", "USD"];

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === "string" && (CURRENCY_CODES as readonly string[]).includes(value);
}

/**
 * Digits of the currency's minor unit (ISO 4217).
 * @example minorUnitDigits("EUR") // 2
 */
export function minorUnitDigits(currency: CurrencyCode): number {
  return MINOR_UNIT_DIGITS[currency];
}

/** A decimal as a plain string: no exponent, no trailing zeros, never "-0". */
export function formatDecimal(value: BillingDecimal): string {
  const s = value.toFixed();
  return s === "-0" ? "0" : s;
}

/**
 * Rounds a precise major-unit amount once to integer minor units, half away from zero.
 * @example roundToMinor(new BillingDecimal("12.345"), "EUR") // 1235n
 */
export function roundToMinor(amount: BillingDecimal, currency: CurrencyCode): bigint {
  const digits = minorUnitDigits(currency);
  const minor = amount.times(new BillingDecimal(10).pow(digits)).toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  return BigInt(formatDecimal(minor));
}

/** Integer minor units back to a major-unit Decimal (exact). */
export function minorToMajor(minor: bigint, currency: CurrencyCode): BillingDecimal {
  return new BillingDecimal(minor.toString()).div(new BillingDecimal(10).pow(minorUnitDigits(currency)));
}

/** A decimal string as accepted in tariffs, terms and meter data: `-?digits(.digits)?`. */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

/** Parses a decimal string (throws on anything else; callers validate first). */
export function dec(value: string | number | BillingDecimal): BillingDecimal {
  if (typeof value === "string" && !DECIMAL_PATTERN.test(value)) {
    throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  }
  return new BillingDecimal(value);
}
