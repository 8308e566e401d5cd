import {
  type AcceptedReading,
  type ParsedInterval,
  rewardEligibility,
  type StoredReading,
} from "@c4e/domain";

/**
 * The readings of one meter that a batch can see: the stored ones around the batch's instants plus
 * those accepted earlier in the same batch. Messages of a batch are checked in arrival order against
 * this view, so two messages for the same meter in one batch get the right references and deltas.
 */

/** Where a newly accepted reading came from (for its rows). */
export type ReadingSource = {
  readonly gatewayId: string;
  readonly messageId: string;
  readonly receivedAt: Date;
  readonly intervals: readonly ParsedInterval[];
};

export type ViewEntry = StoredReading & {
  importDeltaWh: bigint | null;
  exportDeltaWh: bigint | null;
  /** Reward batch of the export row (a new entry inherits its follower's, see `accept`). */
  exportRewardBatchId: string | null;
  /** Whether the export delta may be rewarded (domain `rewardEligibility`). */
  exportRewardEligible: boolean;
} & (
    | {
        readonly origin: "stored" /** deltas or eligibility differ from the stored ones */;
        deltaChanged: boolean;
      }
    | { readonly origin: "new"; readonly source: ReadingSource }
  );

export type Neighbours = {
  previous: StoredReading | undefined;
  next: StoredReading | undefined;
  existing: StoredReading[];
};

export type MeterView = {
  /** References for readings spanning [minAt, maxAt], in `checkReadings`' terms. */
  neighbours(minAt: Date, maxAt: Date): Neighbours;
  /**
   * Adds accepted readings (with the domain's deltas) and re-bases the delta of the reading that
   * follows each of them, so that deltas keep partitioning the register's growth when a late reading
   * lands between two others. If that follower's export was already rewarded, the new reading's export
   * row joins the same reward batch: its energy was paid as part of the follower's delta.
   * The meter's first accepted reading sets its reward baseline; the reward eligibility of every new
   * reading and of every re-based follower is decided against it (`rewardEligibility`), so a reading
   * back-dated before the baseline never makes energy before the baseline rewardable.
   */
  accept(accepted: readonly AcceptedReading[], source: Omit<ReadingSource, "intervals">): void;
  entries(): readonly ViewEntry[];
  /** The meter's reward baseline; `isNew` when this view set it (to be stored). */
  baseline(): { at: Date; isNew: boolean } | null;
};

export type MeterViewOptions = {
  /** The meter's stored reward baseline; null for a meter without readings. */
  baselineAt: Date | null;
  /** Longest rewardable span between two readings. */
  maxGapMinutes: number;
};

export function createMeterView(stored: readonly ViewEntry[], options: MeterViewOptions): MeterView {
  const list: ViewEntry[] = [...stored].sort((a, b) => a.at.getTime() - b.at.getTime());
  let baseline = options.baselineAt === null ? null : { at: options.baselineAt, isNew: false };
  const eligibleAt = (index: number): boolean => {
    const entry = list[index] as ViewEntry;
    if (baseline === null) return false;
    return rewardEligibility({
      at: entry.at,
      previousAt: list[index - 1]?.at ?? null,
      baselineAt: baseline.at,
      maxGapMinutes: options.maxGapMinutes,
    }).eligible;
  };

  /** First index whose instant is ≥ ms. */
  const lowerBound = (ms: number): number => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as ViewEntry).at.getTime() < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    neighbours(minAt, maxAt) {
      const from = lowerBound(minAt.getTime());
      const to = lowerBound(maxAt.getTime() + 1);
      return { previous: list[from - 1], next: list[to], existing: list.slice(from, to) };
    },
    accept(accepted, source) {
      const added = new Set<ViewEntry>();
      for (const reading of accepted) {
        const entry: ViewEntry = {
          at: reading.at,
          importWh: reading.importWh,
          exportWh: reading.exportWh,
          importDeltaWh: reading.importDeltaWh,
          exportDeltaWh: reading.exportDeltaWh,
          exportRewardBatchId: null,
          exportRewardEligible: false,
          origin: "new",
          source: { ...source, intervals: reading.intervals },
        };
        list.splice(lowerBound(reading.at.getTime()), 0, entry);
        added.add(entry);
      }
      if (baseline === null && accepted.length > 0) {
        // The first message C4E accepts of this meter: its earliest reading is the baseline, for good.
        const first = Math.min(...accepted.map((r) => r.at.getTime()));
        baseline = { at: new Date(first), isNew: true };
      }
      for (const entry of added) {
        const index = list.indexOf(entry);
        entry.exportRewardEligible = eligibleAt(index);
        const follower = list[index + 1];
        if (follower === undefined || added.has(follower)) continue; // the domain computed those
        follower.importDeltaWh = follower.importWh - entry.importWh;
        follower.exportDeltaWh = follower.exportWh - entry.exportWh;
        follower.exportRewardEligible = eligibleAt(index + 1);
        if (follower.origin === "stored") follower.deltaChanged = true;
      }
      // A run of new readings inside a delta that was already rewarded splits that delta: every one of
      // them joins the follower's batch (not only the last), or the first ones would be paid again.
      let followerBatch: string | null = null;
      for (let i = list.length - 1; i >= 0; i--) {
        const entry = list[i] as ViewEntry;
        if (added.has(entry)) entry.exportRewardBatchId = followerBatch;
        else followerBatch = entry.exportRewardBatchId;
      }
    },
    entries: () => list,
    baseline: () => baseline,
  };
}
