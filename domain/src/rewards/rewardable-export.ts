/**
 * Which stored export readings a settlement rewards (docs/reward-policy.md): a positive export delta
 * that `rewardEligibility` marked eligible when it was stored, not yet in a reward batch, on a grid
 * meter (PV meters measure production, not export to the grid), of a customer with a primary wallet
 * whose address is well formed (nobody to mint to otherwise).
 */

export type RewardableExportRow = {
  register: "import" | "export";
  /** The delta to the previous reading, in Wh; null for the meter's first reading. */
  deltaWh: bigint | null;
  /** `rewardEligibility` when the reading was stored (baseline and gap). */
  rewardEligible: boolean;
  rewardBatchId: string | null;
  meterKind: string;
  /** The customer's primary wallet, if any. */
  wallet: string | null;
};

export type NotRewardableReason =
  "not_export" | "no_positive_delta" | "ineligible" | "already_batched" | "not_grid_meter" | "no_wallet";

export type RewardableExport = { rewardable: true } | { rewardable: false; reason: NotRewardableReason };

const ADDRESS = /^0x[0-9a-f]{40}$/i;

/**
 * Whether a stored reading's export delta is rewarded by the next settlement of its period.
 * @example rewardableExport({ register: "export", deltaWh: 120n, rewardEligible: true,
 *   rewardBatchId: null, meterKind: "grid", wallet: "0x…40 hex" }) // { rewardable: true }
 */
export function rewardableExport(row: RewardableExportRow): RewardableExport {
  if (row.register !== "export") return { rewardable: false, reason: "not_export" };
  if (row.deltaWh === null || row.deltaWh <= 0n) return { rewardable: false, reason: "no_positive_delta" };
  if (!row.rewardEligible) return { rewardable: false, reason: "ineligible" };
  if (row.rewardBatchId !== null) return { rewardable: false, reason: "already_batched" };
  if (row.meterKind !== "grid") return { rewardable: false, reason: "not_grid_meter" };
  if (row.wallet === null || !ADDRESS.test(row.wallet)) return { rewardable: false, reason: "no_wallet" };
  return { rewardable: true };
}
