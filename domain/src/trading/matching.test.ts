// Hourly matching: manual links, FIFO and best-price proposals, profit per deal and hour, the
// unmatched rest; property: never more than bought or sold is assigned.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Leg, matchBook, matchedPerLeg } from "./matching.ts";
import { parseMwh } from "./mwh.ts";
import { formatAmount, parsePrice } from "./price.ts";

const H = Date.UTC(2026, 5, 1, 10);
const leg = (
  dealId: string,
  side: "buy" | "sell",
  mwh: string,
  price: string,
  order: number,
  startMs = H,
): Leg => ({
  dealId,
  side,
  startMs,
  mwh: parseMwh(mwh),
  price: parsePrice(price),
  order,
});

describe("matchBook", () => {
  const legs = [
    leg("P1", "buy", "10", "80", 1),
    leg("P2", "buy", "5", "70", 2),
    leg("S1", "sell", "8", "95", 1),
    leg("S2", "sell", "4", "100", 2),
  ];

  it("FIFO: P1 covers S1 (8) then S2 (2); P2 covers S2's last 2; P2 keeps 3 MWh unmatched", () => {
    const r = matchBook(legs, [], "fifo");
    expect(
      r.matches.map((m) => [m.purchaseId, m.saleId, Number(m.mwh) / 1e4, formatAmount(m.profit)]),
    ).toEqual([
      ["P1", "S1", 8, "120"], // 8 × (95 − 80)
      ["P1", "S2", 2, "40"], // 2 × (100 − 80)
      ["P2", "S2", 2, "60"], // 2 × (100 − 70)
    ]);
    expect(r.rest).toEqual([{ dealId: "P2", side: "buy", startMs: H, mwh: parseMwh("3") }]);
    expect(formatAmount(r.profitByHour.get(H) ?? 0n)).toBe("220");
    expect(formatAmount(r.profitByDeal.get("P1") ?? 0n)).toBe("160");
    expect(formatAmount(r.profitByDeal.get("S2") ?? 0n)).toBe("100");
  });

  it("best price: the cheapest purchase goes to the dearest sale", () => {
    const r = matchBook(legs, [], "best_price");
    expect(
      r.matches.map((m) => [m.purchaseId, m.saleId, Number(m.mwh) / 1e4, formatAmount(m.profit)]),
    ).toEqual([
      ["P2", "S2", 4, "120"], // 4 × (100 − 70)
      ["P2", "S1", 1, "25"], // 1 × (95 − 70)
      ["P1", "S1", 7, "105"], // 7 × (95 − 80)
    ]);
    expect(formatAmount(r.profitByHour.get(H) ?? 0n)).toBe("250");
  });

  it("manual links come first; an over-assigning or unknown link is refused, not clipped", () => {
    const r = matchBook(
      legs,
      [
        { purchaseId: "P2", saleId: "S1", startMs: H, mwh: parseMwh("5") },
        { purchaseId: "P2", saleId: "S2", startMs: H, mwh: parseMwh("0.0001") },
        { purchaseId: "P9", saleId: "S2", startMs: H, mwh: parseMwh("1") },
      ],
      "manual_only",
    );
    expect(r.matches).toHaveLength(1);
    expect(formatAmount(r.matches[0]?.profit ?? 0n)).toBe("125"); // 5 × (95 − 70)
    expect(r.refused.map((x) => x.reason)).toEqual(["over_assigned", "unknown_deal"]);
    expect(r.rest.map((x) => [x.dealId, Number(x.mwh) / 1e4])).toEqual([
      ["P1", 10],
      ["S1", 3],
      ["S2", 4],
    ]);
  });

  it("property: per deal and interval, matched ≤ quantity and matched + rest = quantity", () => {
    const legArb = fc.record({
      id: fc.integer({ min: 0, max: 5 }),
      side: fc.constantFrom<"buy" | "sell">("buy", "sell"),
      hour: fc.integer({ min: 0, max: 3 }),
      units: fc.bigInt({ min: 0n, max: 200_000n }),
      price: fc.bigInt({ min: -50_000_000n, max: 300_000_000n }),
      order: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(
        fc.array(legArb, { maxLength: 30 }),
        fc.array(
          fc.record({
            p: fc.integer({ min: 0, max: 5 }),
            s: fc.integer({ min: 0, max: 5 }),
            hour: fc.integer({ min: 0, max: 3 }),
            units: fc.bigInt({ min: -5n, max: 100_000n }),
          }),
          { maxLength: 10 },
        ),
        fc.constantFrom("fifo", "best_price", "manual_only") as fc.Arbitrary<
          "fifo" | "best_price" | "manual_only"
        >,
        (raw, rawLinks, method) => {
          // one leg per deal and hour (a deal's quantity in an interval is one number)
          const seen = new Set<string>();
          const legs: Leg[] = [];
          for (const l of raw) {
            const dealId = `${l.side === "buy" ? "P" : "S"}${l.id}`;
            const startMs = H + l.hour * 3_600_000;
            if (seen.has(`${dealId}|${startMs}`)) continue;
            seen.add(`${dealId}|${startMs}`);
            legs.push({ dealId, side: l.side, startMs, mwh: l.units, price: l.price, order: l.order });
          }
          const links = rawLinks.map((k) => ({
            purchaseId: `P${k.p}`,
            saleId: `S${k.s}`,
            startMs: H + k.hour * 3_600_000,
            mwh: k.units,
          }));
          const r = matchBook(legs, links, method);
          const matched = matchedPerLeg(r.matches);
          for (const l of legs) {
            const m = matched.get(`${l.dealId}|${l.startMs}`) ?? 0n;
            const rest = r.rest.find((x) => x.dealId === l.dealId && x.startMs === l.startMs)?.mwh ?? 0n;
            expect(m <= (l.mwh > 0n ? l.mwh : 0n)).toBe(true);
            if (l.mwh > 0n) expect(m + rest).toBe(l.mwh);
          }
          for (const m of r.matches) expect(m.mwh > 0n).toBe(true);
          // a proposal leaves no interval with unmatched quantity on both sides
          if (method !== "manual_only") {
            for (const x of r.rest)
              expect(r.rest.some((y) => y.startMs === x.startMs && y.side !== x.side)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
