/**
 * A proportional split with caps: each participant receives a share of `total` proportional to its
 * weight, never more than its cap; what a capped participant cannot take is redistributed among the
 * others in proportion to their weights ("water filling"), and what nobody can take is returned as
 * `unallocated` (for solar: the export).
 *
 * The capped set is found exactly (rational comparisons on bigints), then the uncapped participants
 * share the rest by largest remainder. Rounding can add at most one unit to a floor, and a participant
 * still uncapped has an exact quota strictly below its integer cap, so rounding never breaks a cap.
 */
import { AllocationInputError } from "./errors.ts";
import { allocateLargestRemainder } from "./largest-remainder.ts";

export type CappedProportionalParams = {
  /** What there is to share (Wh, minor units); ≥ 0. */
  total: bigint;
  /** Integer weights, ≥ 0 (e.g. each consumer's consumption in the interval). */
  weights: readonly bigint[];
  /** The most each participant may receive, ≥ 0 (e.g. its consumption). Same length as weights. */
  caps: readonly bigint[];
};

export type CappedProportionalResult = {
  /** One part per participant: 0 ≤ partᵢ ≤ capᵢ. */
  parts: bigint[];
  /** total − Σ parts: what no participant could take (0 unless every participant with weight is capped). */
  unallocated: bigint;
};

/**
 * @example allocateCappedProportional({ total: 10n, weights: [1n, 1n], caps: [2n, 100n] }) // { parts: [2n, 8n], unallocated: 0n }
 * @example allocateCappedProportional({ total: 10n, weights: [3n, 1n], caps: [3n, 1n] }) // { parts: [3n, 1n], unallocated: 6n }
 */
export function allocateCappedProportional(params: CappedProportionalParams): CappedProportionalResult {
  const { total, weights, caps } = params;
  if (total < 0n) throw new AllocationInputError("total", `negative total ${total}`);
  if (weights.length !== caps.length) {
    throw new AllocationInputError("caps", `${caps.length} caps for ${weights.length} weights`);
  }
  weights.forEach((w, i) => {
    if (w < 0n) throw new AllocationInputError(`weights[${i}]`, `negative weight ${w}`);
  });
  caps.forEach((c, i) => {
    if (c < 0n) throw new AllocationInputError(`caps[${i}]`, `negative cap ${c}`);
  });

  const parts = weights.map(() => 0n);
  let active = weights.map((w, i) => i).filter((i) => weights[i]! > 0n && caps[i]! > 0n);
  let remaining = total;
  for (;;) {
    if (active.length === 0 || remaining === 0n) break;
    const weightSum = active.reduce((s, i) => s + weights[i]!, 0n);
    // Capped: quota = remaining × wᵢ / W ≥ capᵢ.
    const capped = active.filter((i) => remaining * weights[i]! >= caps[i]! * weightSum);
    if (capped.length === 0) {
      const split = allocateLargestRemainder(
        remaining,
        active.map((i) => weights[i]!),
      );
      active.forEach((i, k) => {
        parts[i] = split[k]!;
      });
      remaining = 0n;
      break;
    }
    for (const i of capped) {
      parts[i] = caps[i]!;
      remaining -= caps[i]!;
    }
    active = active.filter((i) => !capped.includes(i));
  }
  return { parts, unallocated: remaining };
}
