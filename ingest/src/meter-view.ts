import type { AcceptedReading, ParsedInterval, StoredReading } from "@c4e/domain";

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
} & (
    | { readonly origin: "stored" /** deltas differ from the stored ones */; deltaChanged: boolean }
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
   */
  accept(accepted: readonly AcceptedReading[], source: Omit<ReadingSource, "intervals">): void;
  entries(): readonly ViewEntry[];
};

export function createMeterView(stored: readonly ViewEntry[]): MeterView {
  const list: ViewEntry[] = [...stored].sort((a, b) => a.at.getTime() - b.at.getTime());

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
          origin: "new",
          source: { ...source, intervals: reading.intervals },
        };
        list.splice(lowerBound(reading.at.getTime()), 0, entry);
        added.add(entry);
      }
      for (const entry of added) {
        const index = list.indexOf(entry);
        const follower = list[index + 1];
        if (follower === undefined || added.has(follower)) continue; // the domain computed those
        follower.importDeltaWh = follower.importWh - entry.importWh;
        follower.exportDeltaWh = follower.exportWh - entry.exportWh;
        if (follower.origin === "stored") follower.deltaChanged = true;
        entry.exportRewardBatchId = follower.exportRewardBatchId;
      }
    },
    entries: () => list,
  };
}
