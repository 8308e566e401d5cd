// c4e-test: needs no machine services (npm run test:integration skips this file)
import { describe, expect, it } from "vitest";
import { createMeterView, type ViewEntry } from "./meter-view.ts";

const stored = (
  at: string,
  importWh: bigint,
  exportWh: bigint,
  exportDeltaWh: bigint | null,
  reward: string | null,
) =>
  ({
    at: new Date(at),
    importWh,
    exportWh,
    importDeltaWh: exportDeltaWh === null ? null : 0n,
    exportDeltaWh,
    exportRewardBatchId: reward,
    exportRewardEligible: exportDeltaWh !== null,
    origin: "stored",
    deltaChanged: false,
  }) satisfies ViewEntry;

const OPTIONS = { baselineAt: new Date("2026-11-01T10:00:00Z"), maxGapMinutes: 60 };

const source = { gatewayId: "gw-1", messageId: "m", receivedAt: new Date("2026-11-01T12:00:00Z") };

describe("meter view", () => {
  it("gives checkReadings the neighbours of a span", () => {
    const view = createMeterView(
      [
        stored("2026-11-01T10:00:00Z", 0n, 100n, null, null),
        stored("2026-11-01T11:00:00Z", 0n, 300n, 200n, null),
        stored("2026-11-01T12:00:00Z", 0n, 400n, 100n, null),
      ],
      OPTIONS,
    );
    const n = view.neighbours(new Date("2026-11-01T10:30:00Z"), new Date("2026-11-01T11:00:00Z"));
    expect(n.previous?.exportWh).toBe(100n);
    expect(n.existing.map((e) => e.exportWh)).toEqual([300n]);
    expect(n.next?.exportWh).toBe(400n);
  });

  it("re-bases the follower of a late reading and lets it inherit the follower's reward batch", () => {
    // stored 10:00 = 100 and 11:00 = 300 (delta 200, already rewarded in batch X); late 10:30 = 250
    const view = createMeterView(
      [
        stored("2026-11-01T10:00:00Z", 0n, 100n, null, null),
        stored("2026-11-01T11:00:00Z", 0n, 300n, 200n, "X"),
      ],
      OPTIONS,
    );
    view.accept(
      [
        {
          meterId: "m-1",
          at: new Date("2026-11-01T10:30:00Z"),
          importWh: 0n,
          exportWh: 250n,
          intervals: [],
          importDeltaWh: 0n,
          exportDeltaWh: 150n,
        },
      ],
      source,
    );
    const entries = view.entries();
    expect(entries.map((e) => [e.exportWh, e.exportDeltaWh, e.exportRewardBatchId, e.origin])).toEqual([
      [100n, null, null, "stored"],
      [250n, 150n, "X", "new"], // paid as part of X's 200
      [300n, 50n, "X", "stored"], // 150 + 50 = the 200 that X rewarded
    ]);
    expect(entries[2]?.origin === "stored" && entries[2].deltaChanged).toBe(true);
  });

  it("puts every one of several late readings inside a rewarded delta into its batch (no second payment)", () => {
    // stored 10:00 = 100 and 11:00 = 300 (delta 200, rewarded in X); late 10:20 = 150 and 10:40 = 250
    const view = createMeterView(
      [
        stored("2026-11-01T10:00:00Z", 0n, 100n, null, null),
        stored("2026-11-01T11:00:00Z", 0n, 300n, 200n, "X"),
      ],
      OPTIONS,
    );
    const late = (at: string, exportWh: bigint, exportDeltaWh: bigint) => ({
      meterId: "m-1",
      at: new Date(at),
      importWh: 0n,
      exportWh,
      intervals: [],
      importDeltaWh: 0n,
      exportDeltaWh,
    });
    view.accept([late("2026-11-01T10:20:00Z", 150n, 50n), late("2026-11-01T10:40:00Z", 250n, 100n)], source);
    const rows = view.entries().map((e) => [e.exportDeltaWh, e.exportRewardBatchId]);
    expect(rows).toEqual([
      [null, null],
      [50n, "X"], // before the fix this one had no batch and was paid a second time
      [100n, "X"],
      [50n, "X"],
    ]);
  });

  it("keeps a baseline: a reading back-dated before it never makes the baseline's delta rewardable", () => {
    const view = createMeterView([stored("2026-11-01T10:00:00Z", 0n, 40_000_000n, null, null)], OPTIONS);
    view.accept(
      [
        {
          meterId: "m-1",
          at: new Date("2026-11-01T09:45:00Z"),
          importWh: 0n,
          exportWh: 39_999_000n,
          intervals: [],
          importDeltaWh: null,
          exportDeltaWh: null,
        },
      ],
      source,
    );
    const [early, base] = view.entries();
    expect(base?.exportDeltaWh).toBe(1000n); // re-based for billing
    expect(base?.exportRewardEligible).toBe(false); // but energy before the baseline is never paid
    expect(early?.exportRewardEligible).toBe(false);
    expect(view.baseline()).toEqual({ at: new Date("2026-11-01T10:00:00Z"), isNew: false });
  });
});
