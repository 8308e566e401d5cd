// Table-driven cases and property tests (fast-check) for the allocation model.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateCappedProportional } from "./capped-proportional.ts";
import { AllocationInputError } from "./errors.ts";
import { allocateLargestRemainder } from "./largest-remainder.ts";
import { allocateByShares } from "./shares.ts";

const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe("allocateLargestRemainder", () => {
  it.each([
    // 10 / 3 = 3.33… each: floors 3,3,3 = 9; one unit left → index 0 (tie, lowest index)
    { total: 10n, weights: [1n, 1n, 1n], expected: [4n, 3n, 3n] },
    // 100 × 1/6 = 16.67, × 2/6 = 33.33, × 3/6 = 50: floors 16,33,50 = 99; largest remainder .67 → index 0
    { total: 100n, weights: [1n, 2n, 3n], expected: [17n, 33n, 50n] },
    // negative totals mirror positive ones
    { total: -10n, weights: [1n, 1n, 1n], expected: [-4n, -3n, -3n] },
    // decimal ratios: 7 × 0.5 = 3.5, × 0.25 = 1.75, × 0.25 = 1.75 → floors 3,1,1 = 5; +1 to .75 (idx 1), +1 to .75 (idx 2)
    { total: 7n, weights: ["0.5", "0.25", "0.25"], expected: [3n, 2n, 2n] },
    // a zero weight gets nothing, even when there is a unit left over
    { total: 5n, weights: [0n, 1n, 1n], expected: [0n, 3n, 2n] },
    { total: 0n, weights: [0n, 0n], expected: [0n, 0n] },
  ])("$total over $weights → $expected", ({ total, weights, expected }) => {
    expect(allocateLargestRemainder(total, weights)).toEqual(expected);
  });

  it("refuses negative weights and all-zero weights for a non-zero total, naming where", () => {
    expect(() => allocateLargestRemainder(5n, [1n, -1n])).toThrow("weights[1]: negative weight -1");
    expect(() => allocateLargestRemainder(5n, [0n, 0n])).toThrow(AllocationInputError);
    expect(() => allocateLargestRemainder(5n, ["1", "x"])).toThrow("weights[1]");
  });

  it("sums exactly, no part further than one unit from its quota, no sign flips", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          fc.pre(sum(weights) > 0n);
          const parts = allocateLargestRemainder(total, weights);
          expect(sum(parts)).toBe(total);
          const W = sum(weights);
          parts.forEach((p, i) => {
            // |p·W − total·wᵢ| < W  ⇔  |p − quota| < 1
            const diff = p * W - total * weights[i]!;
            expect(diff < W && diff > -W).toBe(true);
            if (weights[i] === 0n) expect(p).toBe(0n);
            if (total >= 0n) expect(p >= 0n).toBe(true);
            else expect(p <= 0n).toBe(true);
          });
        },
      ),
    );
  });

  it("is monotone in the weight: a larger weight never gets a smaller part", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 6n }), { minLength: 2, maxLength: 20 }),
        (total, weights) => {
          fc.pre(sum(weights) > 0n);
          const parts = allocateLargestRemainder(total, weights);
          for (let i = 0; i < weights.length; i++)
            for (let j = 0; j < weights.length; j++)
              if (weights[i]! > weights[j]!) expect(parts[i]! >= parts[j]!).toBe(true);
        },
      ),
    );
  });
});

describe("allocateCappedProportional", () => {
  it.each([
    // quota 5 each; A capped at 2 → 8 left for B (cap 100)
    { total: 10n, weights: [1n, 1n], caps: [2n, 100n], parts: [2n, 8n], unallocated: 0n },
    // production 10 > consumption 3 + 1: both capped, 6 exported
    { total: 10n, weights: [3n, 1n], caps: [3n, 1n], parts: [3n, 1n], unallocated: 6n },
    // production 3 < consumption 6 + 3: 3 × 6/9 = 2, 3 × 3/9 = 1
    { total: 3n, weights: [6n, 3n], caps: [6n, 3n], parts: [2n, 1n], unallocated: 0n },
    // equal weights, caps 1, 5, 5 and total 9: quota 3 → A capped at 1; 8 over B, C → 4, 4
    { total: 9n, weights: [1n, 1n, 1n], caps: [1n, 5n, 5n], parts: [1n, 4n, 4n], unallocated: 0n },
  ])("$total over $weights capped at $caps", ({ total, weights, caps, parts, unallocated }) => {
    expect(allocateCappedProportional({ total, weights, caps })).toEqual({ parts, unallocated });
  });

  it("refuses mismatched lengths and negative input, naming where", () => {
    expect(() => allocateCappedProportional({ total: 1n, weights: [1n], caps: [] })).toThrow(
      "caps: 0 caps for 1 weights",
    );
    expect(() => allocateCappedProportional({ total: -1n, weights: [1n], caps: [1n] })).toThrow("total");
    expect(() => allocateCappedProportional({ total: 1n, weights: [1n], caps: [-1n] })).toThrow("caps[0]");
  });

  const input = fc
    .array(fc.tuple(fc.bigInt({ min: 0n, max: 50_000n }), fc.bigInt({ min: 0n, max: 50_000n })), {
      minLength: 1,
      maxLength: 25,
    })
    .chain((pairs) =>
      fc.record({
        weights: fc.constant(pairs.map((p) => p[0])),
        caps: fc.constant(pairs.map((p) => p[1])),
        total: fc.bigInt({ min: 0n, max: 1_500_000n }),
      }),
    );

  it("caps respected, no negative part, total = Σ parts + unallocated, surplus only when all are full", () => {
    fc.assert(
      fc.property(input, ({ total, weights, caps }) => {
        const { parts, unallocated } = allocateCappedProportional({ total, weights, caps });
        expect(sum(parts) + unallocated).toBe(total);
        expect(unallocated >= 0n).toBe(true);
        parts.forEach((p, i) => {
          expect(p >= 0n && p <= caps[i]!).toBe(true);
          if (weights[i] === 0n) expect(p).toBe(0n);
        });
        if (unallocated > 0n) {
          // every participant that could take energy is full
          weights.forEach((w, i) => {
            if (w > 0n) expect(parts[i]).toBe(caps[i]);
          });
        }
      }),
    );
  });

  it("with caps = weights (solar by consumption) nobody is capped unless all are", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10_000n }), { minLength: 1, maxLength: 25 }),
        fc.bigInt({ min: 0n, max: 200_000n }),
        (consumption, production) => {
          const { parts } = allocateCappedProportional({
            total: production,
            weights: consumption,
            caps: consumption,
          });
          const C = sum(consumption);
          if (production >= C) expect(parts).toEqual(consumption);
          else
            parts.forEach((p, i) => {
              const diff = p * C - production * consumption[i]!;
              expect(diff < C && diff > -C).toBe(true);
            });
        },
      ),
    );
  });
});

describe("allocateByShares", () => {
  it("splits by area, equal, ratio and consumption", () => {
    // 80 + 60 + 60 = 200 m²: 1000 × 80/200 = 400, × 60/200 = 300
    expect(allocateByShares(1000n, { basis: "area", areaM2: ["80", "60", "60"] })).toEqual([
      400n,
      300n,
      300n,
    ]);
    expect(allocateByShares(100n, { basis: "equal", count: 3 })).toEqual([34n, 33n, 33n]);
    // 0.35 + 0.65: 1001 × 0.35 = 350.35, × 0.65 = 650.65 → floors 350 + 650 = 1000; +1 to .65
    expect(allocateByShares(1001n, { basis: "ratio", ratios: ["0.35", "0.65"] })).toEqual([350n, 651n]);
    expect(allocateByShares(9n, { basis: "consumption", consumptionWh: [2n, 1n] })).toEqual([6n, 3n]);
  });

  it("names the bad entry", () => {
    expect(() => allocateByShares(1n, { basis: "area", areaM2: ["80", "-1"] })).toThrow("areaM2[1]");
    expect(() => allocateByShares(1n, { basis: "equal", count: 1.5 })).toThrow("count");
  });
});
