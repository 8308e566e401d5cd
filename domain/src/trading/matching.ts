/**
 * Hourly matching of purchases to sales. Each purchased quantity in an interval is linked to the
 * sales it covered: by hand (links), or by a proposal — FIFO (earliest deal first on both sides) or
 * best price (cheapest purchase to the dearest sale). The profit of a match is quantity × (sale
 * price − purchase price); what stays unlinked is the unmatched rest of each deal.
 *
 * Invariant (property-tested): per deal and interval, the matched quantity never exceeds the
 * deal's quantity there; a manual link that would over-assign is refused (returned), not clipped.
 */
import type { Mwh4 } from "./mwh.ts";
import type { Amount10, PriceMicro } from "./price.ts";

/** One deal's quantity and price in one interval. */
export type Leg = {
  dealId: string;
  side: "buy" | "sell";
  startMs: number;
  mwh: Mwh4;
  price: PriceMicro;
  /** FIFO order: smaller first (e.g. contract date, then number) */
  order: number;
};

export type ManualLink = { purchaseId: string; saleId: string; startMs: number; mwh: Mwh4 };

export type Match = {
  purchaseId: string;
  saleId: string;
  startMs: number;
  mwh: Mwh4;
  /** exact: mwh × (sale price − purchase price) */
  profit: Amount10;
  source: "manual" | "fifo" | "best_price";
};

export type LinkRefusal = { link: ManualLink; reason: "unknown_deal" | "over_assigned" | "not_positive" };

export type MatchingResult = {
  matches: Match[];
  refused: LinkRefusal[];
  /** per deal and interval, what is left unmatched (only non-zero rests) */
  rest: { dealId: string; side: "buy" | "sell"; startMs: number; mwh: Mwh4 }[];
  profitByDeal: Map<string, Amount10>;
  profitByHour: Map<number, Amount10>;
};

export type MatchingMethod = "fifo" | "best_price" | "manual_only";

type Open = { leg: Leg; left: Mwh4 };

/**
 * Matches legs interval by interval: first the manual links (in order), then the proposal for
 * what is left. Legs with zero or negative quantity are ignored.
 */
export function matchBook(
  legs: readonly Leg[],
  links: readonly ManualLink[],
  method: MatchingMethod,
): MatchingResult {
  const byInterval = new Map<number, { buys: Open[]; sells: Open[] }>();
  const index = new Map<string, Open>();
  for (const leg of legs) {
    if (leg.mwh <= 0n) continue;
    let slot = byInterval.get(leg.startMs);
    if (slot === undefined) {
      slot = { buys: [], sells: [] };
      byInterval.set(leg.startMs, slot);
    }
    const open = { leg, left: leg.mwh };
    (leg.side === "buy" ? slot.buys : slot.sells).push(open);
    index.set(`${leg.dealId}|${leg.startMs}`, open);
  }
  const matches: Match[] = [];
  const refused: LinkRefusal[] = [];
  const add = (buy: Open, sell: Open, mwh: Mwh4, source: Match["source"]) => {
    buy.left -= mwh;
    sell.left -= mwh;
    matches.push({
      purchaseId: buy.leg.dealId,
      saleId: sell.leg.dealId,
      startMs: buy.leg.startMs,
      mwh,
      profit: mwh * (sell.leg.price - buy.leg.price),
      source,
    });
  };
  for (const link of links) {
    const buy = index.get(`${link.purchaseId}|${link.startMs}`);
    const sell = index.get(`${link.saleId}|${link.startMs}`);
    if (buy === undefined || sell === undefined || buy.leg.side !== "buy" || sell.leg.side !== "sell")
      refused.push({ link, reason: "unknown_deal" });
    else if (link.mwh <= 0n) refused.push({ link, reason: "not_positive" });
    else if (link.mwh > buy.left || link.mwh > sell.left) refused.push({ link, reason: "over_assigned" });
    else add(buy, sell, link.mwh, "manual");
  }
  if (method !== "manual_only") {
    const times = [...byInterval.keys()].sort((a, b) => a - b);
    for (const t of times) {
      const slot = byInterval.get(t) as { buys: Open[]; sells: Open[] };
      const buys = slot.buys.filter((o) => o.left > 0n);
      const sells = slot.sells.filter((o) => o.left > 0n);
      if (buys.length === 0 || sells.length === 0) continue;
      if (method === "fifo") {
        const fifo = (a: Open, b: Open) =>
          a.leg.order - b.leg.order || a.leg.dealId.localeCompare(b.leg.dealId);
        buys.sort(fifo);
        sells.sort(fifo);
      } else {
        buys.sort((a, b) => cmp(a.leg.price, b.leg.price) || a.leg.order - b.leg.order);
        sells.sort((a, b) => cmp(b.leg.price, a.leg.price) || a.leg.order - b.leg.order);
      }
      let i = 0;
      let j = 0;
      while (i < buys.length && j < sells.length) {
        const b = buys[i] as Open;
        const s = sells[j] as Open;
        const q = b.left < s.left ? b.left : s.left;
        add(b, s, q, method);
        if (b.left === 0n) i++;
        if (s.left === 0n) j++;
      }
    }
  }
  const rest: MatchingResult["rest"] = [];
  for (const open of index.values())
    if (open.left > 0n)
      rest.push({ dealId: open.leg.dealId, side: open.leg.side, startMs: open.leg.startMs, mwh: open.left });
  rest.sort((a, b) => a.startMs - b.startMs || a.dealId.localeCompare(b.dealId));
  const profitByDeal = new Map<string, Amount10>();
  const profitByHour = new Map<number, Amount10>();
  for (const m of matches) {
    // A match's profit is shared by its two deals: each side's view of the trade.
    profitByDeal.set(m.purchaseId, (profitByDeal.get(m.purchaseId) ?? 0n) + m.profit);
    profitByDeal.set(m.saleId, (profitByDeal.get(m.saleId) ?? 0n) + m.profit);
    const hour = m.startMs - (m.startMs % 3_600_000);
    profitByHour.set(hour, (profitByHour.get(hour) ?? 0n) + m.profit);
  }
  return { matches, refused, rest, profitByDeal, profitByHour };
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Matched quantity per deal and interval (for checks and reports). */
export function matchedPerLeg(matches: readonly Match[]): Map<string, Mwh4> {
  const out = new Map<string, Mwh4>();
  for (const m of matches) {
    for (const id of [m.purchaseId, m.saleId]) {
      const k = `${id}|${m.startMs}`;
      out.set(k, (out.get(k) ?? 0n) + m.mwh);
    }
  }
  return out;
}
