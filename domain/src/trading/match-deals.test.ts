// The whole-book matcher gives the same totals as matchBook on the same legs (property), and FIFO on
// a small book by hand.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MatchDeal, matchDeals } from "./match-deals.ts";
import { type Leg, matchBook } from "./matching.ts";
import { formatAmount } from "./price.ts";

const H = Date.UTC(2026, 5, 1, 10);

function legsOf(deals: MatchDeal[]): Leg[] {
  return deals.flatMap((d) =>
    d.shape.startMs.map((t, k) => ({
      dealId: d.id,
      side: d.side,
      startMs: t,
      mwh: d.shape.mwh[k] as bigint,
      price: d.prices[k] as bigint,
      order: d.order,
    })),
  );
}

describe("matchDeals", () => {
  it("FIFO by hand: P1 10 @ 80, P2 5 @ 70 against S1 8 @ 95, S2 4 @ 100 → 220 profit, P2 keeps 3", () => {
    const deal = (
      id: string,
      side: "buy" | "sell",
      mwh: bigint,
      price: bigint,
      order: number,
    ): MatchDeal => ({
      id,
      side,
      order,
      shape: { resolutionMinutes: 60, startMs: [H], mwh: [mwh * 10_000n] },
      prices: [price * 1_000_000n],
    });
    const r = matchDeals(
      [
        deal("P1", "buy", 10n, 80n, 1),
        deal("P2", "buy", 5n, 70n, 2),
        deal("S1", "sell", 8n, 95n, 1),
        deal("S2", "sell", 4n, 100n, 2),
      ],
      "fifo",
    );
    expect(formatAmount(r.profitByHour.get(H) ?? 0n)).toBe("220");
    expect(r.restMwh.get("P2")).toBe(30_000n);
    expect(r.matches).toBe(3);
  });

  it("property: the same profit per deal and hour, matched and rest as matchBook", () => {
    const dealArb = fc.record({
      side: fc.constantFrom<"buy" | "sell">("buy", "sell"),
      order: fc.integer({ min: 0, max: 5 }),
      hours: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 6 }),
      units: fc.array(
        fc.oneof(fc.bigInt({ min: 0n, max: 50_000n }), fc.bigInt({ min: 0n, max: 2n ** 24n })),
        { minLength: 6, maxLength: 6 },
      ),
      // large prices push profit terms and sums past 2^52: the numeric path must carry them exactly
      prices: fc.array(
        fc.oneof(
          fc.bigInt({ min: -10_000_000n, max: 200_000_000n }),
          fc.bigInt({ min: -(2n ** 49n), max: 2n ** 49n }),
        ),
        {
          minLength: 6,
          maxLength: 6,
        },
      ),
    });
    fc.assert(
      fc.property(
        fc.array(dealArb, { maxLength: 12 }),
        fc.constantFrom<"fifo" | "best_price">("fifo", "best_price"),
        (raw, method) => {
          const deals: MatchDeal[] = raw.map((r, n) => {
            const hours = [...r.hours].sort((a, b) => a - b);
            return {
              id: `D${n}`,
              side: r.side,
              order: r.order,
              shape: {
                resolutionMinutes: 60,
                startMs: hours.map((h) => H + h * 3_600_000),
                mwh: hours.map((h) => r.units[h] as bigint),
              },
              prices: hours.map((h) => r.prices[h] as bigint),
            };
          });
          const fast = matchDeals(deals, method);
          const slow = matchBook(legsOf(deals), [], method);
          for (const d of deals) {
            expect(fast.profitByDeal.get(d.id)).toBe(slow.profitByDeal.get(d.id) ?? 0n);
            const rest = slow.rest.filter((x) => x.dealId === d.id).reduce((s, x) => s + x.mwh, 0n);
            expect(fast.restMwh.get(d.id)).toBe(rest);
          }
          for (const [hour, p] of slow.profitByHour) expect(fast.profitByHour.get(hour)).toBe(p);
          expect(fast.matches).toBe(slow.matches.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
