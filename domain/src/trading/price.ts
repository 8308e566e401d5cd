/**
 * Prices per MWh and amounts, exact. A price is a bigint count of 10⁻⁶ currency units per MWh
 * (`PriceMicro`); an amount for a quantity is then `mwh4 × priceMicro` in 10⁻¹⁰ currency units
 * (`Amount10`), an exact integer. The hot paths (matching, mark-to-market of 8.76 million intervals)
 * stay in integer arithmetic; turning an amount into money goes through decimal.js and the billing
 * rounding (`amountToDecimal`, then `roundToMinor` once per invoice line).
 */
import { BillingDecimal, formatDecimal } from "../billing/money.ts";
import { TradingInputError } from "./errors.ts";
import type { Mwh4 } from "./mwh.ts";

export type PriceMicro = bigint;
/** An amount in 10⁻¹⁰ currency units (0.0001 MWh × 10⁻⁶ per MWh). */
export type Amount10 = bigint;

const PRICE_TEXT = /^(-)?(\d{1,12})(?:\.(\d{1,6}))?$/;

/**
 * Parses a price per MWh with at most 6 decimals (a day-ahead price per kWh with 8 decimals is one
 * per MWh with 5). Refuses more digits rather than rounding.
 * @example parsePrice("85.5") // 85500000n
 */
export function parsePrice(text: string, path = "price"): PriceMicro {
  const m = PRICE_TEXT.exec(text.trim());
  if (m === null)
    throw new TradingInputError(
      path,
      `a price per MWh with at most 6 decimals expected (got ${JSON.stringify(text)})`,
    );
  const v = BigInt(m[2] as string) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0"));
  return m[1] === "-" ? -v : v;
}

/** A Decimal price per MWh as PriceMicro; refuses more than 6 decimals. */
export function decimalToPrice(value: BillingDecimal, path: string): PriceMicro {
  const micro = value.times(1_000_000);
  if (!micro.isInteger())
    throw new TradingInputError(path, `${value.toFixed()} has more than 6 decimals per MWh`);
  return BigInt(micro.toFixed(0));
}

export function priceToDecimal(p: PriceMicro): BillingDecimal {
  return new BillingDecimal(p.toString()).div(1_000_000);
}

export function formatPrice(p: PriceMicro): string {
  return formatDecimal(priceToDecimal(p));
}

/** Exact amount of a quantity at a price. */
export function amountOf(mwh: Mwh4, price: PriceMicro): Amount10 {
  return mwh * price;
}

export function amountToDecimal(a: Amount10): BillingDecimal {
  return new BillingDecimal(a.toString()).div(10_000_000_000);
}

/** An amount as an exact decimal text (for JSON and reports). */
export function formatAmount(a: Amount10): string {
  return formatDecimal(amountToDecimal(a));
}
