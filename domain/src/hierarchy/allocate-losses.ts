/**
 * Allocates a node's loss to its children per interval, in integer Wh (or litres) that sum exactly
 * to the loss, with the largest-remainder split of `allocation/`. The basis is either each child's
 * own consumption in that interval (losses follow use) or fixed weights (floor area, shares).
 *
 * Outcomes are values: an interval whose loss is missing stays unallocated ("missing"), and an
 * interval with a loss but no basis (every child read zero, or every weight is zero) is reported
 * as "no-basis" rather than guessed.
 */
import { type Weight, allocateLargestRemainder } from "../allocation/index.ts";
import { BillingDecimal } from "../billing/money.ts";
import { refuse } from "./errors.ts";
import type { NodeLoss } from "./losses.ts";

export type LossAllocationBasis =
  { kind: "consumption" } | { kind: "fixed"; weights: ReadonlyMap<string, Weight> };

export type AllocatedLoss =
  | { startMs: number; status: "allocated"; lossWh: bigint; shares: { nodeId: string; shareWh: bigint }[] }
  | { startMs: number; status: "missing" }
  | { startMs: number; status: "no-basis"; lossWh: bigint };

/**
 * Splits each interval's loss over the children present in it.
 * @example
 * // loss 10 Wh, children read 30 and 10 Wh → shares 8 and 2 (7.5 and 2.5, the tie to the first)
 */
export function allocateLosses(losses: readonly NodeLoss[], basis: LossAllocationBasis): AllocatedLoss[] {
  return losses.map((l): AllocatedLoss => {
    if (l.lossWh === null) return { startMs: l.startMs, status: "missing" };
    const ids = l.children.map((c) => c.nodeId);
    let weights: Weight[];
    if (basis.kind === "consumption") {
      // A child that feeds back (negative reading) carries no share of the loss.
      weights = l.children.map((c) => (c.valueWh !== null && c.valueWh > 0n ? c.valueWh : 0n));
    } else {
      weights = ids.map((id) => {
        const w = basis.weights.get(id);
        if (w === undefined) refuse(`weights`, `no weight for child ${id}`);
        return w;
      });
    }
    if (l.lossWh === 0n) {
      return {
        startMs: l.startMs,
        status: "allocated",
        lossWh: 0n,
        shares: ids.map((nodeId) => ({ nodeId, shareWh: 0n })),
      };
    }
    if (isAllZero(weights)) return { startMs: l.startMs, status: "no-basis", lossWh: l.lossWh };
    const parts = allocateLargestRemainder(l.lossWh, weights);
    return {
      startMs: l.startMs,
      status: "allocated",
      lossWh: l.lossWh,
      shares: ids.map((nodeId, i) => ({ nodeId, shareWh: parts[i]! })),
    };
  });
}

/** Each child's total share over the allocated intervals, and what stayed unallocated. */
export function totalAllocatedLosses(allocated: readonly AllocatedLoss[]): {
  sharesWh: Map<string, bigint>;
  missingIntervals: number;
  unallocatedWh: bigint;
} {
  const sharesWh = new Map<string, bigint>();
  let missingIntervals = 0;
  let unallocatedWh = 0n;
  for (const a of allocated) {
    if (a.status === "missing") missingIntervals++;
    else if (a.status === "no-basis") unallocatedWh += a.lossWh;
    else for (const s of a.shares) sharesWh.set(s.nodeId, (sharesWh.get(s.nodeId) ?? 0n) + s.shareWh);
  }
  return { sharesWh, missingIntervals, unallocatedWh };
}

function isAllZero(weights: readonly Weight[]): boolean {
  return weights.every((w) => {
    if (typeof w === "bigint") return w === 0n;
    try {
      return new BillingDecimal(w).isZero();
    } catch {
      return false; // not a number: allocateLargestRemainder names the bad weight
    }
  });
}
