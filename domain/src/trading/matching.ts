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

/**
 * Matches legs interval by interval: first the manual links (in order), then the proposal for
 * what is left. Legs with zero or negative quantity are ignored.
 */
export function matchBook(
  legs: readonly Leg[],
  links: readonly ManualLink[],
  method: MatchingMethod,
): MatchingResult {
  // Leg indices per interval and what is left of each leg: plain arrays, no wrapper object per leg
  // (a book of 1,000 contracts over a year has 8.76 million legs).
  const left: Mwh4[] = new Array<Mwh4>(legs.length).fill(0n);
  const slots = new Map<number, number[]>();
  for (let i = 0; i < legs.length; i++) {
    const leg = legs[i] as Leg;
    if (leg.mwh <= 0n) continue;
    left[i] = leg.mwh;
    const slot = slots.get(leg.startMs);
    if (slot === undefined) slots.set(leg.startMs, [i]);
    else slot.push(i);
  }
  const matches: Match[] = [];
  const refused: LinkRefusal[] = [];
  const add = (b: number, s: number, mwh: Mwh4, source: Match["source"]) => {
    const buy = legs[b] as Leg;
    const sell = legs[s] as Leg;
    left[b] = (left[b] as Mwh4) - mwh;
    left[s] = (left[s] as Mwh4) - mwh;
    matches.push({
      purchaseId: buy.dealId,
      saleId: sell.dealId,
      startMs: buy.startMs,
      mwh,
      profit: mwh * (sell.price - buy.price),
      source,
    });
  };
  // a deal's leg in an interval (links are few: a scan of the interval's legs is enough)
  const find = (dealId: string, startMs: number, side: "buy" | "sell"): number | undefined =>
    slots.get(startMs)?.find((i) => legs[i]?.dealId === dealId && legs[i]?.side === side);
  for (const link of links) {
    const b = find(link.purchaseId, link.startMs, "buy");
    const s = find(link.saleId, link.startMs, "sell");
    if (b === undefined || s === undefined) refused.push({ link, reason: "unknown_deal" });
    else if (link.mwh <= 0n) refused.push({ link, reason: "not_positive" });
    else if (link.mwh > (left[b] as Mwh4) || link.mwh > (left[s] as Mwh4))
      refused.push({ link, reason: "over_assigned" });
    else add(b, s, link.mwh, "manual");
  }
  const times = [...slots.keys()].sort((a, b) => a - b);
  if (method !== "manual_only") {
    const fifo = (a: number, b: number) => {
      const x = legs[a] as Leg;
      const y = legs[b] as Leg;
      return x.order - y.order || cmpText(x.dealId, y.dealId);
    };
    const cheapest = (a: number, b: number) =>
      cmp((legs[a] as Leg).price, (legs[b] as Leg).price) || (legs[a] as Leg).order - (legs[b] as Leg).order;
    const dearest = (a: number, b: number) =>
      cmp((legs[b] as Leg).price, (legs[a] as Leg).price) || (legs[a] as Leg).order - (legs[b] as Leg).order;
    for (const t of times) {
      const slot = slots.get(t) as number[];
      const buys: number[] = [];
      const sells: number[] = [];
      for (const i of slot)
        if ((left[i] as Mwh4) > 0n) ((legs[i] as Leg).side === "buy" ? buys : sells).push(i);
      if (buys.length === 0 || sells.length === 0) continue;
      buys.sort(method === "fifo" ? fifo : cheapest);
      sells.sort(method === "fifo" ? fifo : dearest);
      let i = 0;
      let j = 0;
      while (i < buys.length && j < sells.length) {
        const b = buys[i] as number;
        const s = sells[j] as number;
        const lb = left[b] as Mwh4;
        const ls = left[s] as Mwh4;
        add(b, s, lb < ls ? lb : ls, method);
        if (left[b] === 0n) i++;
        if (left[s] === 0n) j++;
      }
    }
  }
  const rest: MatchingResult["rest"] = [];
  for (const t of times) {
    const open = (slots.get(t) as number[]).filter((i) => (left[i] as Mwh4) > 0n);
    open.sort((a, b) => cmpText((legs[a] as Leg).dealId, (legs[b] as Leg).dealId));
    for (const i of open) {
      const leg = legs[i] as Leg;
      rest.push({ dealId: leg.dealId, side: leg.side, startMs: leg.startMs, mwh: left[i] as Mwh4 });
    }
  }
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

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
