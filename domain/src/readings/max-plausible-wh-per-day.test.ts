import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { whToKwh } from "./energy-kwh.ts";
import { MIN_PLAUSIBLE_WH_PER_DAY, maxPlausibleWhPerDay } from "./max-plausible-wh-per-day.ts";

describe("maxPlausibleWhPerDay", () => {
  it.each([
    ["3650", 40_000n], // 3650 · 4 / 365 = 40 kWh: exactly the floor
    ["36500", 400_000n], // 36 500 · 4 / 365 = 400 kWh
    ["100", 40_000n], // 1.1 kWh/day → the floor of 40 kWh
    ["0", 40_000n],
    ["9125.5", 100_005n], // 9 125 500 Wh · 4 / 365 = 100 005.47… → 100 005 Wh (integer division)
    ["36500.0009", 400_000n], // decimals beyond Wh are cut
  ])("%s kWh a year → %s Wh a day", (annual, wh) => expect(maxPlausibleWhPerDay(annual)).toBe(wh));

  it("is never below the floor and never falls as the annual reference grows", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10_000_000_000n }),
        fc.bigInt({ min: 0n, max: 10_000_000_000n }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const low = maxPlausibleWhPerDay(whToKwh(lo));
          expect(low).toBeGreaterThanOrEqual(MIN_PLAUSIBLE_WH_PER_DAY);
          expect(maxPlausibleWhPerDay(whToKwh(hi))).toBeGreaterThanOrEqual(low);
        },
      ),
    );
  });
});
