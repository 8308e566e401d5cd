import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ParsedInterval, ParsedReading } from "./gateway-message.ts";
import {
  type CheckReadingsParams,
  type CheckReadingsResult,
  checkReadings,
  type StoredReading,
} from "./plausibility.ts";

const T0 = Date.parse("2025-06-01T00:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const METER = { meterId: "m-1", ratedPowerW: 3600 }; // 3600 W × 15 min = 900 Wh

function r(minutes: number, importWh: number, exportWh = 0, intervals: ParsedInterval[] = []): ParsedReading {
  return {
    meterId: "m-1",
    at: at(minutes),
    importWh: BigInt(importWh),
    exportWh: BigInt(exportWh),
    intervals,
  };
}
function s(minutes: number, importWh: number, exportWh = 0): StoredReading {
  return { at: at(minutes), importWh: BigInt(importWh), exportWh: BigInt(exportWh) };
}
function iv(fromMin: number, toMin: number, importWh: number, exportWh = 0): ParsedInterval {
  return { start: at(fromMin), end: at(toMin), importWh: BigInt(importWh), exportWh: BigInt(exportWh) };
}

function check(
  params: Partial<CheckReadingsParams> & Pick<CheckReadingsParams, "readings">,
): CheckReadingsResult {
  return checkReadings({ meter: METER, existing: [], now: at(24 * 60), clockSkewMs: 300_000, ...params });
}

const deltas = (result: CheckReadingsResult) =>
  result.accepted.map((a) => [a.at.toISOString().slice(11, 16), a.importDeltaWh, a.exportDeltaWh]);
const reasons = (result: CheckReadingsResult) =>
  result.rejected.map((x) => [x.reading.at.getTime(), x.reason]);

describe("checkReadings", () => {
  it("accepts increasing readings in any order, with deltas against the previous one", () => {
    const result = check({ previous: s(0, 1000, 50), readings: [r(30, 1300, 60), r(15, 1100, 50)] });
    expect(deltas(result)).toEqual([
      ["00:15", 100n, 0n], // 1100 − 1000
      ["00:30", 200n, 10n], // 1300 − 1100
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.duplicates).toEqual([]);
  });

  it("has null deltas for a meter's first reading", () => {
    expect(deltas(check({ readings: [r(15, 5)] }))).toEqual([["00:15", null, null]]);
  });

  it("rejects a register below the previous stored reading", () => {
    const result = check({ previous: s(0, 1000), readings: [r(15, 999)] });
    expect(result.rejected).toEqual([
      {
        reading: r(15, 999),
        reason: "register_decreased",
        detail: "importWh 999 at 2025-06-01T00:15:00.000Z is below 1000 at 2025-06-01T00:00:00.000Z",
      },
    ]);
  });

  it("never uses a rejected reading as the previous one", () => {
    // 00:15 drops to 500 (rejected); 00:30 is compared with the stored 1000, not with 500.
    const result = check({ previous: s(0, 1000), readings: [r(15, 500), r(30, 1100)] });
    expect(reasons(result)).toEqual([[at(15).getTime(), "register_decreased"]]);
    expect(deltas(result)).toEqual([["00:30", 100n, 0n]]);
  });

  it("rejects a decrease within the batch and a value above the next stored reading", () => {
    const batch = check({ readings: [r(15, 100), r(30, 90, 0), r(45, 120)] });
    expect(reasons(batch)).toEqual([[at(30).getTime(), "register_decreased"]]);
    // Late arrival: 00:15 lies before the stored 00:30 (export 40) but claims export 50.
    const late = check({ previous: s(0, 0, 0), next: s(30, 200, 40), readings: [r(15, 100, 50)] });
    expect(late.rejected[0]?.detail).toBe(
      "exportWh 50 at 2025-06-01T00:15:00.000Z is above the later stored 40 at 2025-06-01T00:30:00.000Z",
    );
  });

  it("checks average power against the rating, allowing 1 Wh of register resolution", () => {
    // 900 Wh in 15 min = 3600 W = rating; 901 Wh is within the 1 Wh resolution; 902 Wh = 3608 W is not.
    expect(check({ previous: s(0, 0), readings: [r(15, 901)] }).accepted).toHaveLength(1);
    const over = check({ previous: s(0, 0), readings: [r(15, 902)] });
    expect(over.rejected[0]).toMatchObject({
      reason: "power_exceeds_rating",
      detail:
        "import average power 3608 W between 2025-06-01T00:00:00.000Z and 2025-06-01T00:15:00.000Z exceeds the rated 3600 W",
    });
    // Export is bounded too: 1000 Wh in 10 min = 6000 W.
    expect(check({ previous: s(0, 0), readings: [r(10, 0, 1000)] }).rejected[0]?.detail).toMatch(
      /^export average power 6000 W/,
    );
  });

  it("checks power to the next stored reading for late arrivals", () => {
    // 00:15 → stored 00:20: 1000 Wh in 5 min = 12 kW.
    const result = check({ previous: s(0, 0), next: s(20, 1100), readings: [r(15, 100)] });
    expect(result.rejected[0]?.reason).toBe("power_exceeds_rating");
  });

  it("rejects instants later than now plus the clock skew", () => {
    const now = at(60);
    const result = check({ now, clockSkewMs: 5 * 60_000, readings: [r(65, 10), r(66, 20)] });
    expect(deltas(result)).toEqual([["01:05", null, null]]); // exactly now + skew is fine
    expect(result.rejected[0]).toMatchObject({
      reason: "future_instant",
      detail: "at 2025-06-01T01:06:00.000Z is later than now 2025-06-01T01:00:00.000Z plus 300000 ms skew",
    });
  });

  it("ignores identical repeats and rejects conflicting values at a stored instant", () => {
    const result = check({
      previous: s(0, 100),
      existing: [s(15, 200), s(30, 300)],
      readings: [r(15, 200), r(30, 301)],
    });
    expect(result.duplicates).toEqual([r(15, 200)]);
    expect(result.accepted).toEqual([]);
    expect(result.rejected[0]).toMatchObject({ reason: "conflicting_duplicate", reading: r(30, 301) });
  });

  it("keeps one of identical readings in a batch, and rejects all readings of a disagreeing instant", () => {
    const result = check({ readings: [r(15, 10), r(15, 10), r(30, 20), r(30, 21), r(45, 30)] });
    expect(deltas(result)).toEqual([
      ["00:15", null, null],
      ["00:45", 20n, 0n], // 30 − 10: the disagreeing 00:30 readings are both out
    ]);
    expect(result.duplicates).toEqual([r(15, 10)]);
    expect(reasons(result)).toEqual([
      [at(30).getTime(), "conflicting_duplicate"],
      [at(30).getTime(), "conflicting_duplicate"],
    ]);
  });

  it("uses stored readings between new ones as references", () => {
    // Stored 00:30 = 500 sits between the new 00:15 and 00:45.
    const result = check({ previous: s(0, 0), existing: [s(30, 500)], readings: [r(15, 600), r(45, 700)] });
    expect(reasons(result)).toEqual([[at(15).getTime(), "register_decreased"]]); // 600 > later 500
    expect(deltas(result)).toEqual([["00:45", 200n, 0n]]); // 700 − stored 500
  });

  it("accepts intervals inside (previous.at, at] that sum to at most the delta", () => {
    const result = check({ previous: s(0, 0), readings: [r(30, 300, 0, [iv(15, 30, 150), iv(0, 15, 150)])] });
    expect(result.accepted).toHaveLength(1);
  });

  it.each([
    [
      "starting before the previous reading",
      [iv(-15, 15, 10)],
      "interval 2025-05-31T23:45:00.000Z..2025-06-01T00:15:00.000Z lies outside (2025-06-01T00:00:00.000Z, 2025-06-01T00:30:00.000Z]",
    ],
    ["ending after the reading", [iv(15, 45, 10)], "lies outside"],
    ["overlapping", [iv(0, 20, 10), iv(15, 30, 10)], "overlaps the interval ending 2025-06-01T00:20:00.000Z"],
    ["above the rating", [iv(0, 5, 302)], "importWh 302 is 3624 W, above the rated 3600 W"], // 302 Wh in 5 min
    [
      "summing to more than the delta + 1 Wh each",
      [iv(0, 15, 153), iv(15, 30, 150)],
      "intervals sum to importWh 303, more than the register delta 300",
    ],
  ])("rejects intervals %s", (_name, intervals, detail) => {
    const result = check({ previous: s(0, 0), readings: [r(30, 300, 0, intervals)] });
    expect(result.rejected[0]?.reason).toBe("interval_mismatch");
    expect(result.rejected[0]?.detail).toContain(detail);
  });

  it("rejects malformed readings built outside the parser", () => {
    const bad: ParsedReading = { ...r(15, 0), at: new Date(Number.NaN) };
    expect(check({ readings: [bad, r(30, -1)] }).rejected.map((x) => x.detail)).toEqual([
      "at: invalid date",
      "importWh: must be non-negative",
    ]);
  });

  it("refuses readings of another meter (caller bug)", () => {
    expect(() => check({ readings: [{ ...r(15, 0), meterId: "m-2" }] })).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------

const key = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
const strip = ({
  importDeltaWh: _i,
  exportDeltaWh: _e,
  ...reading
}: CheckReadingsResult["accepted"][number]) => reading;

/** A plausible register path with glitches, repeated instants and copies; now = 2.5 h so that some instants lie in the future. */
const batchArb = fc
  .record({
    previous: fc.option(fc.record({ importWh: fc.bigInt(0n, 10_000n), exportWh: fc.bigInt(0n, 10_000n) }), {
      nil: undefined,
    }),
    steps: fc.array(
      fc.record({
        dtMin: fc.integer({ min: 0, max: 40 }),
        dImport: fc.bigInt(0n, 1_500n),
        dExport: fc.bigInt(0n, 800n),
        glitch: fc.option(fc.bigInt(-3_000n, 3_000n), { freq: 4, nil: undefined }),
        copies: fc.constantFrom(0, 0, 0, 0, 1, 2),
      }),
      { maxLength: 25 },
    ),
  })
  .map(({ previous, steps }) => {
    let minutes = 0;
    let importWh = previous?.importWh ?? 0n;
    let exportWh = previous?.exportWh ?? 0n;
    const readings: ParsedReading[] = [];
    for (const step of steps) {
      minutes += step.dtMin;
      if (step.dtMin === 0 && readings.length === 0) minutes += 1; // strictly after previous
      importWh += step.dImport;
      exportWh += step.dExport;
      const reading = r(minutes, 0);
      const sample = {
        ...reading,
        importWh:
          step.glitch === undefined || importWh + step.glitch < 0n ? importWh : importWh + step.glitch,
        exportWh,
      };
      for (let c = 0; c <= step.copies; c++) readings.push({ ...sample });
    }
    return {
      previous: previous === undefined ? undefined : { at: at(0), ...previous },
      readings,
    };
  });

const shuffleArb = fc.array(fc.integer(), { minLength: 80, maxLength: 80 });

function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, k: keys[i] ?? 0, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.item);
}

function run(batch: { previous?: StoredReading | undefined; readings: ParsedReading[] }) {
  return check({ ...batch, now: at(150) });
}

describe("checkReadings properties", () => {
  it("accepted readings are strictly ordered, monotonic and within the rating", () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const { accepted } = run(batch);
        let last: StoredReading | undefined = batch.previous;
        for (const reading of accepted) {
          if (last !== undefined) {
            expect(reading.at.getTime()).toBeGreaterThan(last.at.getTime());
            expect(reading.importWh).toBeGreaterThanOrEqual(last.importWh);
            expect(reading.exportWh).toBeGreaterThanOrEqual(last.exportWh);
            const spanMs = BigInt(reading.at.getTime() - last.at.getTime());
            // (Δ − 1) Wh × 3.6e6 ms/h ≤ 3600 W × span ms
            expect((reading.importWh - last.importWh - 1n) * 3_600_000n).toBeLessThanOrEqual(3600n * spanMs);
            expect((reading.exportWh - last.exportWh - 1n) * 3_600_000n).toBeLessThanOrEqual(3600n * spanMs);
          }
          last = reading;
        }
      }),
    );
  });

  it("deltas sum to the last minus the first (or the previous) reading", () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const { accepted } = run(batch);
        const first = batch.previous ?? accepted[0];
        const lastReading = accepted.at(-1);
        if (first === undefined || lastReading === undefined) return;
        if (batch.previous === undefined) expect(accepted[0]?.importDeltaWh).toBeNull();
        const sum = (pick: (a: (typeof accepted)[number]) => bigint | null) =>
          accepted.reduce((total, a) => total + (pick(a) ?? 0n), 0n);
        expect(sum((a) => a.importDeltaWh)).toBe(lastReading.importWh - first.importWh);
        expect(sum((a) => a.exportDeltaWh)).toBe(lastReading.exportWh - first.exportWh);
      }),
    );
  });

  it("does not depend on the order of the input", () => {
    fc.assert(
      fc.property(batchArb, shuffleArb, (batch, keys) => {
        const shuffled = { ...batch, readings: permute(batch.readings, keys) };
        expect(key(run(shuffled))).toBe(key(run(batch)));
      }),
    );
  });

  it("puts every input in exactly one output", () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const result = run(batch);
        const outputs = [
          ...result.accepted.map(strip),
          ...result.duplicates,
          ...result.rejected.map((x) => x.reading),
        ];
        expect(outputs.map(key).sort()).toEqual(batch.readings.map(key).sort());
        // Identity too, for the outputs that return the input object itself.
        const seen = new Set<ParsedReading>();
        for (const reading of [...result.duplicates, ...result.rejected.map((x) => x.reading)]) {
          expect(seen.has(reading)).toBe(false);
          expect(batch.readings).toContain(reading);
          seen.add(reading);
        }
      }),
    );
  });
});
