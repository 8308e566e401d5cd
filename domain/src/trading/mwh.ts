/**
 * Exact energy quantities for the trading book: MWh with 4 decimals (DESIGN.md "Trading quantities").
 *
 * A quantity is a `bigint` count of 0.0001 MWh (= 100 Wh), so sums, differences and comparisons are
 * exact integer arithmetic and never see a float; `1.5 MWh` is `15000n`. We chose bigint over a
 * quantised decimal.js value because the hot paths (expanding 1,000 contracts × 8,760 hours, matching
 * per hour) only add, subtract and compare; money is computed with decimal.js (`mwhToDecimal`).
 */
import { BillingDecimal } from "../billing/money.ts";
import { TradingInputError } from "./errors.ts";

/** 0.0001 MWh units per MWh. */
export const MWH_SCALE = 10_000n;
export const MWH_DIGITS = 4;

/** A quantity in 0.0001 MWh units. */
export type Mwh4 = bigint;

const MWH_TEXT = /^(-)?(\d{1,15})(?:\.(\d{1,4}))?$/;

/**
 * Parses a decimal MWh text with at most 4 decimals; refuses more (no silent rounding), a comma,
 * an exponent or a float-like value, naming `path`.
 * @example parseMwh("1.5") // 15000n
 */
export function parseMwh(text: string, path = "quantity"): Mwh4 {
  const m = MWH_TEXT.exec(text.trim());
  if (m === null) {
    throw new TradingInputError(path, `MWh with at most 4 decimals expected (got ${JSON.stringify(text)})`);
  }
  const units = BigInt(m[2] as string) * MWH_SCALE + BigInt((m[3] ?? "").padEnd(4, "0"));
  return m[1] === "-" ? -units : units;
}

/** The quantity as a plain decimal text with 4 decimals, e.g. `15000n` → "1.5000". */
export function formatMwh(q: Mwh4): string {
  const neg = q < 0n;
  const a = neg ? -q : q;
  const text = `${a / MWH_SCALE}.${(a % MWH_SCALE).toString().padStart(MWH_DIGITS, "0")}`;
  return neg ? `-${text}` : text;
}

/** The quantity as an exact Decimal in MWh (for money). */
export function mwhToDecimal(q: Mwh4): BillingDecimal {
  return new BillingDecimal(q.toString()).div(10_000);
}

/**
 * A Decimal MWh value as units; refuses values with more than 4 decimals.
 * @example decimalToMwh(new BillingDecimal("0.25"), "x") // 2500n
 */
export function decimalToMwh(value: BillingDecimal, path: string): Mwh4 {
  const units = value.times(10_000);
  if (!units.isInteger())
    throw new TradingInputError(path, `${value.toFixed()} MWh has more than 4 decimals`);
  return BigInt(units.toFixed(0));
}

export function sumMwh(values: Iterable<Mwh4>): Mwh4 {
  let s = 0n;
  for (const v of values) s += v;
  return s;
}

export function minMwh(a: Mwh4, b: Mwh4): Mwh4 {
  return a < b ? a : b;
}

/**
 * Splits `total` into `n` parts that differ by at most one unit and sum exactly to `total` (the
 * first `total mod n` parts get the extra unit; for a negative total, the extra unit is negative).
 */
export function splitEvenly(total: Mwh4, n: number): Mwh4[] {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`cannot split into ${n} parts`);
  const count = BigInt(n);
  const neg = total < 0n;
  const a = neg ? -total : total;
  const base = a / count;
  const rest = Number(a % count);
  const out: Mwh4[] = new Array<Mwh4>(n);
  for (let i = 0; i < n; i++) {
    const v = i < rest ? base + 1n : base;
    out[i] = neg ? -v : v;
  }
  return out;
}
