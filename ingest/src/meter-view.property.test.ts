// c4e-test: needs no machine services (npm run test:integration skips this file)
import { checkReadings, type ParsedReading } from "@c4e/domain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMeterView, type ViewEntry } from "./meter-view.ts";

/**
 * The reward path of one meter over arbitrary orders of arrival: genuine readings (power-bounded, with
 * gaps) and forged back-dated readings arrive shuffled, in messages of any size, with settlements in
 * between that pay every eligible, unpaid export delta (as `settlePeriods` does). Whatever the order:
 * - energy before the meter's baseline is never paid: the total paid is at most the export register's
 *   growth from the baseline reading to the latest reading;
 * - a settled batch never grows: the rows marked with it always sum to what it paid;
 * - every paid delta spans at most the rewardable gap and starts at or after the baseline.
 */

const METER = "m-1";
const RATED_W = 10_000;
const MAX_GAP_MINUTES = 60;
const T0 = Date.parse("2026-11-01T08:00:00Z");
const MIN = 60_000;

type Event = { kind: "message"; readings: ParsedReading[] } | { kind: "settle" };

const reading = (atMs: number, exportWh: bigint): ParsedReading => ({
  meterId: METER,
  at: new Date(atMs),
  importWh: 0n,
  exportWh,
  intervals: [],
});

/** Genuine readings: steps of 15 minutes or a longer gap, each within the rating. */
const genuine = fc
  .array(
    fc.record({
      steps: fc.constantFrom(1, 1, 1, 2, 6), // × 15 min: 15 min … 90 min (past the gap)
      fraction: fc.integer({ min: 0, max: 100 }), // % of the rated energy of the step
    }),
    { minLength: 1, maxLength: 14 },
  )
  .map((steps) => {
    let atMs = T0;
    let exportWh = 40_000_000n; // a lifetime register: 40,000 kWh before C4E ever saw the meter
    const out = [reading(atMs, exportWh)];
    for (const { steps: n, fraction } of steps) {
      const spanMs = n * 15 * MIN;
      atMs += spanMs;
      exportWh += (BigInt(RATED_W) * BigInt(spanMs) * BigInt(fraction)) / (3_600_000n * 100n);
      out.push(reading(atMs, exportWh));
    }
    return out;
  });

/** Forged readings dated before the first genuine one, with any register value. */
const forged = fc.array(
  fc.record({
    minutesBefore: fc.integer({ min: 1, max: 60 * 24 * 400 }),
    exportWh: fc.bigInt({ min: 0n, max: 41_000_000n }),
  }),
  { maxLength: 4 },
);

const scenario = fc
  .tuple(genuine, forged)
  .chain(([real, fakes]) => {
    const all = [...real, ...fakes.map((f) => reading(T0 - f.minutesBefore * MIN, f.exportWh))];
    return fc.tuple(
      fc.constant(real),
      fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: all.length, maxLength: all.length }),
      fc.array(fc.boolean(), { minLength: all.length, maxLength: all.length }),
    );
  })
  .map(([real, order, sizes, settleAfter]) => {
    const events: Event[] = [];
    for (let i = 0, k = 0; i < order.length; k++) {
      const size = sizes[k] ?? 1;
      events.push({ kind: "message", readings: order.slice(i, i + size) });
      if (settleAfter[k]) events.push({ kind: "settle" });
      i += size;
    }
    events.push({ kind: "settle" });
    return { real, events };
  });

function run(events: Event[]) {
  let stored: ViewEntry[] = [];
  let baselineAt: Date | null = null;
  const paid = new Map<string, bigint>(); // batch → energy paid
  let batches = 0;
  for (const event of events) {
    if (event.kind === "settle") {
      const id = `B${++batches}`;
      let energy = 0n;
      for (const e of stored) {
        if (e.exportRewardBatchId === null && e.exportRewardEligible && (e.exportDeltaWh ?? 0n) > 0n) {
          e.exportRewardBatchId = id;
          energy += e.exportDeltaWh ?? 0n;
        }
      }
      if (energy > 0n) paid.set(id, energy);
      continue;
    }
    const view = createMeterView(stored, { baselineAt, maxGapMinutes: MAX_GAP_MINUTES });
    const times = event.readings.map((r) => r.at.getTime());
    const { previous, next, existing } = view.neighbours(
      new Date(Math.min(...times)),
      new Date(Math.max(...times)),
    );
    const check = checkReadings({
      meter: { meterId: METER, ratedPowerW: RATED_W },
      readings: event.readings,
      previous,
      next,
      existing,
      now: new Date(T0 + 10 * 24 * 60 * MIN),
      clockSkewMs: 0,
    });
    view.accept(check.accepted, { gatewayId: "gw", messageId: "m", receivedAt: new Date(T0) });
    baselineAt = view.baseline()?.at ?? baselineAt;
    stored = view.entries().map((e) => ({
      at: e.at,
      importWh: e.importWh,
      exportWh: e.exportWh,
      importDeltaWh: e.importDeltaWh,
      exportDeltaWh: e.exportDeltaWh,
      exportRewardBatchId: e.exportRewardBatchId,
      exportRewardEligible: e.exportRewardEligible,
      origin: "stored",
      deltaChanged: false,
    }));
  }
  return { stored, baselineAt, paid };
}

describe("meter view: rewards over arbitrary orders of arrival (property)", () => {
  it("never pays energy before the baseline, never grows a paid batch, pays only short deltas", () => {
    fc.assert(
      fc.property(scenario, ({ events }) => {
        const { stored, baselineAt, paid } = run(events);
        if (stored.length === 0 || baselineAt === null) {
          expect(paid.size).toBe(0);
          return;
        }
        const base = stored.find((e) => e.at.getTime() === baselineAt.getTime());
        expect(base).toBeDefined();
        const latest = stored[stored.length - 1] as ViewEntry;
        const totalPaid = [...paid.values()].reduce((a, b) => a + b, 0n);
        expect(totalPaid).toBeLessThanOrEqual(latest.exportWh - (base as ViewEntry).exportWh);

        for (const [id, energy] of paid) {
          const rows = stored.filter((e) => e.exportRewardBatchId === id);
          expect(rows.reduce((sum, e) => sum + (e.exportDeltaWh ?? 0n), 0n)).toBe(energy);
        }
        stored.forEach((e, i) => {
          if (!e.exportRewardEligible) return;
          const prev = stored[i - 1];
          expect(prev).toBeDefined();
          expect((prev as ViewEntry).at.getTime()).toBeGreaterThanOrEqual(baselineAt.getTime());
          expect(e.at.getTime() - (prev as ViewEntry).at.getTime()).toBeLessThanOrEqual(
            MAX_GAP_MINUTES * MIN,
          );
        });
      }),
      { numRuns: 300 },
    );
  });

  it("pays the genuine energy from the baseline on when everything arrives in order", () => {
    fc.assert(
      fc.property(genuine, (real) => {
        const { paid, stored } = run([{ kind: "message", readings: real }, { kind: "settle" }]);
        const totalPaid = [...paid.values()].reduce((a, b) => a + b, 0n);
        // every delta of at most the gap is paid; longer ones are not
        let expected = 0n;
        for (let i = 1; i < real.length; i++) {
          const a = real[i - 1] as ParsedReading;
          const b = real[i] as ParsedReading;
          if (b.at.getTime() - a.at.getTime() <= MAX_GAP_MINUTES * MIN) expected += b.exportWh - a.exportWh;
        }
        expect(totalPaid).toBe(expected);
        expect(stored[0]?.exportRewardEligible).toBe(false); // the baseline
      }),
      { numRuns: 200 },
    );
  });
});
