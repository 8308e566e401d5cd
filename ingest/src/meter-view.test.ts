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
    origin: "stored",
    deltaChanged: false,
  }) satisfies ViewEntry;

const source = { gatewayId: "gw-1", messageId: "m", receivedAt: new Date("2026-11-01T12:00:00Z") };

describe("meter view", () => {
  it("gives checkReadings the neighbours of a span", () => {
    const view = createMeterView([
      stored("2026-11-01T10:00:00Z", 0n, 100n, null, null),
      stored("2026-11-01T11:00:00Z", 0n, 300n, 200n, null),
      stored("2026-11-01T12:00:00Z", 0n, 400n, 100n, null),
    ]);
    const n = view.neighbours(new Date("2026-11-01T10:30:00Z"), new Date("2026-11-01T11:00:00Z"));
    expect(n.previous?.exportWh).toBe(100n);
    expect(n.existing.map((e) => e.exportWh)).toEqual([300n]);
    expect(n.next?.exportWh).toBe(400n);
  });

  it("re-bases the follower of a late reading and lets it inherit the follower's reward batch", () => {
    // stored 10:00 = 100 and 11:00 = 300 (delta 200, already rewarded in batch X); late 10:30 = 250
    const view = createMeterView([
      stored("2026-11-01T10:00:00Z", 0n, 100n, null, null),
      stored("2026-11-01T11:00:00Z", 0n, 300n, 200n, "X"),
    ]);
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
});
