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
import { type CurrencyCode, ISO_4217_MINOR_UNITS } from "./iso-4217.ts";

/** The Decimal used by all billing computations: 50 significant digits, half away from zero. */
export const BillingDecimal = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_UP });
export type BillingDecimal = InstanceType<typeof BillingDecimal>;

/**
 * Minor-unit digits come from the ISO 4217 table (`iso-4217.ts`). HUF has 2 minor digits in ISO 4217
 * (the fillér), although cash payments are rounded to 5 forints and invoices in practice often show
 * whole forints; we invoice to the ISO 4217 minor unit and leave cash rounding to payment. CZK likewise
 * keeps 2 digits (the haléř is no longer a coin; cash is rounded to whole crowns at payment).
 */
export const CURRENCY_CODES: readonly CurrencyCode[] = Object.keys(ISO_4217_MINOR_UNITS) as CurrencyCode[];

/** An active ISO 4217 code (withdrawn and non-money codes such as XAU are not). */
export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === "string" && Object.hasOwn(ISO_4217_MINOR_UNITS, value);
}

/**
 * Digits of the currency's minor unit (ISO 4217): 0, 2, 3 or 4.
 * @example minorUnitDigits("EUR") // 2
 * @example minorUnitDigits("JPY") // 0
 * @example minorUnitDigits("KWD") // 3
 */
export function minorUnitDigits(currency: CurrencyCode): number {
  return ISO_4217_MINOR_UNITS[currency];
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
