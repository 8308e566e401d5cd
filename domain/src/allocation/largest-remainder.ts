/**
 * Largest-remainder (Hamilton) apportionment of an integer total (Wh, minor units) over weights, so
 * the parts are integers that sum exactly to the total.
 *
 * Each part is first the floor of its exact quota `total × wᵢ / Σw`; the units left over go, one
 * each, to the parts with the largest fractional remainders, ties to the lower index (deterministic,
 * independent of the platform). No part is ever more than one unit away from its exact quota, and a
 * zero weight always gets zero.
 */
import { BillingDecimal } from "../billing/money.ts";
import { AllocationInputError } from "./errors.ts";

/** A non-negative weight: an integer (Wh, m², days) or an exact decimal (a ratio such as "0.35"). */
export type Weight = bigint | string | BillingDecimal;

/**
 * Splits `total` (which may be negative) over `weights` by largest remainder; Σ result = total.
 * @example allocateLargestRemainder(10n, [1n, 1n, 1n]) // [4n, 3n, 3n]
 * @example allocateLargestRemainder(-10n, [1n, 1n, 1n]) // [-4n, -3n, -3n]
 * @example allocateLargestRemainder(100n, ["0.5", "0.25", "0.25"]) // [50n, 25n, 25n]
 */
export function allocateLargestRemainder(total: bigint, weights: readonly Weight[]): bigint[] {
  const ints = integerWeights(weights);
  const sum = ints.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    if (total === 0n) return ints.map(() => 0n);
    throw new AllocationInputError(
      "weights",
      weights.length === 0
        ? `no weights to allocate ${total} over`
        : `all weights are zero; cannot allocate ${total}`,
    );
  }
  const negative = total < 0n;
  const magnitude = negative ? -total : total;
  const parts = ints.map((w) => (magnitude * w) / sum);
  const remainders = ints.map((w, i) => ({ i, r: (magnitude * w) % sum }));
  let left = magnitude - parts.reduce((a, b) => a + b, 0n);
  // left < number of positive weights, because each remainder is < 1 unit.
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i, r } of remainders) {
    if (left === 0n) break;
    if (r === 0n && ints[i] === 0n) continue;
    parts[i] = parts[i]! + 1n;
    left -= 1n;
  }
  return negative ? parts.map((p) => (p === 0n ? 0n : -p)) : parts;
}

/** Scales decimal weights to integers by a common power of ten; validates each one. */
function integerWeights(weights: readonly Weight[]): bigint[] {
  if (weights.every((w) => typeof w === "bigint")) {
    weights.forEach((w, i) => {
      if (w < 0n) throw new AllocationInputError(`weights[${i}]`, `negative weight ${w}`);
    });
    return weights as bigint[];
  }
  const decimals = weights.map((w, i) => {
    let d: BillingDecimal;
    try {
      d = typeof w === "bigint" ? new BillingDecimal(w.toString()) : new BillingDecimal(w);
    } catch {
      throw new AllocationInputError(`weights[${i}]`, `not a number: ${JSON.stringify(String(w))}`);
    }
    if (!d.isFinite())
      throw new AllocationInputError(`weights[${i}]`, `not a finite number: ${d.toString()}`);
    if (d.isNegative() && !d.isZero())
      throw new AllocationInputError(`weights[${i}]`, `negative weight ${d.toFixed()}`);
    return d;
  });
  const places = Math.max(0, ...decimals.map((d) => d.decimalPlaces()));
  const scale = new BillingDecimal(10).pow(places);
  return decimals.map((d) => BigInt(d.times(scale).toFixed(0)));
}
