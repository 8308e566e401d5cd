// The number kernel of computeCommunityPeriod (split-kernel.ts) against the bigint reference
// (splitInterval), interval by interval: identical Wh for every consumer, plant and the battery.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernelBuffers, splitKernel } from "./split-kernel.ts";
import { splitInterval } from "./split-interval.ts";

describe("splitKernel", () => {
  it("equals splitInterval for any interval (several plants, battery, many consumers)", () => {
    const wh = fc.integer({ min: 0, max: 50_000 });
    fc.assert(
      fc.property(
        fc.array(wh, { minLength: 1, maxLength: 4 }),
        fc.array(fc.oneof(wh, fc.integer({ min: 0, max: 30 })), { minLength: 0, maxLength: 130 }),
        fc.option(fc.record({ charge: wh, discharge: wh }), { nil: undefined }),
        (production, consumption, battery) => {
          const b = kernelBuffers(production.length, consumption.length);
          const fromSolar = splitKernel(
            production,
            production.length,
            consumption,
            consumption.length,
            battery?.charge ?? 0,
            battery?.discharge ?? 0,
            b,
          );
          const ref = splitInterval({
            productionWh: production.map(BigInt),
            consumptionWh: consumption.map(BigInt),
            ...(battery
              ? { battery: { chargeWh: BigInt(battery.charge), dischargeWh: BigInt(battery.discharge) } }
              : {}),
          });
          expect(fromSolar).toBeGreaterThanOrEqual(0);
          expect(b.solar.slice(0, consumption.length).map(BigInt)).toEqual(
            ref.consumers.map((c) => c.solarWh),
          );
          expect(b.toConsumers.slice(0, production.length).map(BigInt)).toEqual(
            ref.plants.map((p) => p.toConsumersWh),
          );
          expect(b.toBattery.slice(0, production.length).map(BigInt)).toEqual(
            ref.plants.map((p) => p.toBatteryWh),
          );
          if (battery) {
            expect(BigInt(b.toConsumers[production.length]!)).toBe(ref.battery!.toConsumersWh);
            expect(BigInt(fromSolar)).toBe(ref.battery!.chargeFromSolarWh);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("hands a product beyond 2^53 back to the bigint path", () => {
    const big = 2 ** 40;
    const b = kernelBuffers(1, 2);
    expect(splitKernel([big - 1], 1, [big, big], 2, 0, 0, b)).toBe(-1);
  });
});
