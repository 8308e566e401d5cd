/**
 * Which export deltas may earn rewards (docs/reward-policy.md, "Baselines").
 *
 * A meter's first accepted reading sets its reward baseline: the register value the meter had when C4E
 * first saw it. Energy before the baseline was never verified by C4E (it may be the meter's whole
 * lifetime register, or a back-dated reading made up by a gateway), so it is never rewarded. A delta
 * is rewardable only when it starts at or after the baseline and spans at most `maxGapMinutes`: the
 * first reading after a longer silence only re-sets the reference, it does not pay for the silence.
 * The plausibility gate already bounds every delta by the meter's rated power; the gap bound keeps the
 * energy of one period bounded by rated power × (period + gap), which the on-chain mint cap relies on.
 */

/** Why a delta is not rewardable. */
export type RewardIneligibleReason =
  /** The meter's first reading: it sets the baseline, its delta is null or reaches before it. */
  | "baseline"
  /** The reading lies before the meter's baseline (a back-dated reading). */
  | "before_baseline"
  /** The delta starts before the baseline (the baseline reading, re-based by a back-dated one). */
  | "spans_baseline"
  /** The previous reading is further back than the longest rewardable gap. */
  | "gap";

export type RewardEligibility = { eligible: true } | { eligible: false; reason: RewardIneligibleReason };

export interface RewardEligibilityParams {
  /** Instant of the reading that closes the delta. */
  readonly at: Date;
  /** Instant of the reading the delta is measured from; null when there is none. */
  readonly previousAt: Date | null;
  /** The meter's reward baseline (the instant of its first accepted reading). */
  readonly baselineAt: Date;
  /** Longest rewardable span between two readings, in minutes (> 0). */
  readonly maxGapMinutes: number;
}

/**
 * Whether the export delta of the reading at `at`, measured from `previousAt`, may be rewarded.
 * @example rewardEligibility({ at: t("10:15"), previousAt: t("10:00"), baselineAt: t("08:00"),
 *   maxGapMinutes: 60 }) // { eligible: true }
 */
export function rewardEligibility(params: RewardEligibilityParams): RewardEligibility {
  const { at, previousAt, baselineAt, maxGapMinutes } = params;
  if (!Number.isFinite(maxGapMinutes) || maxGapMinutes <= 0) {
    throw new RangeError(`maxGapMinutes must be a positive number, got ${maxGapMinutes}`);
  }
  const atMs = at.getTime();
  const baselineMs = baselineAt.getTime();
  if (Number.isNaN(atMs) || Number.isNaN(baselineMs)) throw new RangeError("at and baselineAt must be valid");
  if (atMs < baselineMs) return { eligible: false, reason: "before_baseline" };
  if (previousAt === null || atMs === baselineMs) return { eligible: false, reason: "baseline" };
  const previousMs = previousAt.getTime();
  if (Number.isNaN(previousMs) || previousMs >= atMs) {
    throw new RangeError("previousAt must be a valid instant before at");
  }
  if (previousMs < baselineMs) return { eligible: false, reason: "spans_baseline" };
  if (atMs - previousMs > maxGapMinutes * 60_000) return { eligible: false, reason: "gap" };
  return { eligible: true };
}
