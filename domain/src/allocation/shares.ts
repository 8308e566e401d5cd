/**
 * Share bases: how a total (common-area electricity, losses, a fee, a plant's output) is split among
 * participants. One variant per basis; `sharesWeights` turns a basis into the weights the largest
 * remainder split uses, so every business allocates the same way.
 */
import { BillingDecimal } from "../billing/money.ts";
import { AllocationInputError } from "./errors.ts";
import { allocateLargestRemainder, type Weight } from "./largest-remainder.ts";

/** In proportion to each participant's measured consumption (Wh) in the same period. */
export type ByConsumption = { basis: "consumption"; consumptionWh: readonly bigint[] };
/** In proportion to floor area (m², decimals allowed). */
export type ByArea = { basis: "area"; areaM2: readonly string[] };
/** The same share for each of `count` participants. */
export type Equal = { basis: "equal"; count: number };
/** Fixed ratios (e.g. "0.35", or "35" of 100 ownership shares); need not sum to 1. */
export type ByRatio = { basis: "ratio"; ratios: readonly string[] };

export type ShareBasis = ByConsumption | ByArea | Equal | ByRatio;

/** The weights a basis stands for (validated; the error names the basis and position). */
export function sharesWeights(basis: ShareBasis): Weight[] {
  switch (basis.basis) {
    case "consumption":
      return basis.consumptionWh.map((wh, i) => {
        if (wh < 0n) throw new AllocationInputError(`consumptionWh[${i}]`, `negative consumption ${wh} Wh`);
        return wh;
      });
    case "area":
      return basis.areaM2.map((a, i) => nonNegativeDecimal(a, `areaM2[${i}]`));
    case "equal":
      if (!Number.isSafeInteger(basis.count) || basis.count < 0) {
        throw new AllocationInputError("count", `not a participant count: ${basis.count}`);
      }
      return Array.from({ length: basis.count }, () => 1n);
    case "ratio":
      return basis.ratios.map((r, i) => nonNegativeDecimal(r, `ratios[${i}]`));
    default: {
      const never: never = basis;
      throw new AllocationInputError("basis", `unknown share basis ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Splits an integer total by a share basis; the parts sum exactly to the total.
 * @example allocateByShares(1000n, { basis: "area", areaM2: ["80", "60", "60"] }) // [400n, 300n, 300n]
 */
export function allocateByShares(total: bigint, basis: ShareBasis): bigint[] {
  return allocateLargestRemainder(total, sharesWeights(basis));
}

function nonNegativeDecimal(text: string, where: string): BillingDecimal {
  if (!/^\d+(\.\d+)?$/.test(text))
    throw new AllocationInputError(where, `not a non-negative decimal: ${JSON.stringify(text)}`);
  return new BillingDecimal(text);
}
