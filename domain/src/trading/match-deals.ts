/**
 * The matching proposal for a whole book at once, on the deals' shapes (no object per interval): the
 * same rule as `matchBook` (FIFO or best price per interval), returning totals — profit per deal and
 * per hour, matched and unmatched energy per deal, the number of matches. Used where the individual
 * links are not needed (valuing a book of 1,000 contracts × 8,760 hours); `matchBook` gives the links.
 */
import type { Mwh4 } from "./mwh.ts";
import type { Amount10, PriceMicro } from "./price.ts";
import type { Shape } from "./product.ts";

export type MatchDeal = {
  id: string;
  side: "buy" | "sell";
  order: number;
  shape: Shape;
  prices: readonly PriceMicro[];
};

export type MatchSummary = {
  matches: number;
  matchedMwh: Map<string, Mwh4>;
  restMwh: Map<string, Mwh4>;
  profitByDeal: Map<string, Amount10>;
  profitByHour: Map<number, Amount10>;
};

type Cand = { d: number; k: number; left: Mwh4 };

const cmpText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The proposal's totals for the whole book. Quantities and prices that fit well inside a double's
 * exact integer range (|value| < 2^50, Σ quantities < 2^52) are matched on numbers, with each profit
 * term checked to be exact and the per-deal sums carried into bigints before they could lose a digit;
 * otherwise (or with `bigintOnly`) everything runs on bigints. Both give identical results.
 */
export function matchDeals(
  deals: readonly MatchDeal[],
  method: "fifo" | "best_price",
  { bigintOnly = false }: { bigintOnly?: boolean } = {},
): MatchSummary {
  if (!bigintOnly && fitsNumbers(deals)) return matchDealsNumeric(deals, method);
  return matchDealsBigint(deals, method);
}

const LIMIT = 2n ** 50n;

function fitsNumbers(deals: readonly MatchDeal[]): boolean {
  let total = 0n;
  for (const d of deals) {
    for (const q of d.shape.mwh) {
      if (q >= LIMIT || q <= -LIMIT) return false;
      total += q < 0n ? -q : q;
    }
    for (const p of d.prices) if (p >= LIMIT || p <= -LIMIT) return false;
  }
  return total < 4n * LIMIT;
}

function matchDealsBigint(deals: readonly MatchDeal[], method: "fifo" | "best_price"): MatchSummary {
  const fifo = (a: number, b: number) =>
    (deals[a] as MatchDeal).order - (deals[b] as MatchDeal).order ||
    cmpText((deals[a] as MatchDeal).id, (deals[b] as MatchDeal).id);
  const buys = deals
    .map((_, i) => i)
    .filter((i) => (deals[i] as MatchDeal).side === "buy")
    .sort(fifo);
  const sells = deals
    .map((_, i) => i)
    .filter((i) => (deals[i] as MatchDeal).side === "sell")
    .sort(fifo);
  const times = new Set<number>();
  for (const d of deals) for (const t of d.shape.startMs) times.add(t);
  const sorted = [...times].sort((a, b) => a - b);
  const ptr = new Array<number>(deals.length).fill(0);
  const matched = new Array<Mwh4>(deals.length).fill(0n);
  const rest = new Array<Mwh4>(deals.length).fill(0n);
  const profit = new Array<Amount10>(deals.length).fill(0n);
  const profitByHour = new Map<number, Amount10>();
  let count = 0;
  const active = (order: number[], t: number): Cand[] => {
    const out: Cand[] = [];
    for (const d of order) {
      const s = (deals[d] as MatchDeal).shape;
      const k = ptr[d] as number;
      if (k < s.startMs.length && s.startMs[k] === t) {
        ptr[d] = k + 1;
        const q = s.mwh[k] as Mwh4;
        if (q > 0n) out.push({ d, k, left: q });
      }
    }
    return out;
  };
  const price = (c: Cand) => (deals[c.d] as MatchDeal).prices[c.k] as PriceMicro;
  for (const t of sorted) {
    const b = active(buys, t);
    const s = active(sells, t);
    if (method === "best_price") {
      // stable sorts keep FIFO order among equal prices, as matchBook does
      b.sort((x, y) => cmpBig(price(x), price(y)));
      s.sort((x, y) => cmpBig(price(y), price(x)));
    }
    let i = 0;
    let j = 0;
    let hourProfit = 0n;
    while (i < b.length && j < s.length) {
      const x = b[i] as Cand;
      const y = s[j] as Cand;
      const q = x.left < y.left ? x.left : y.left;
      const p = q * (price(y) - price(x));
      x.left -= q;
      y.left -= q;
      matched[x.d] = (matched[x.d] as Mwh4) + q;
      matched[y.d] = (matched[y.d] as Mwh4) + q;
      profit[x.d] = (profit[x.d] as Amount10) + p;
      profit[y.d] = (profit[y.d] as Amount10) + p;
      hourProfit += p;
      count++;
      if (x.left === 0n) i++;
      if (y.left === 0n) j++;
    }
    for (const c of b) rest[c.d] = (rest[c.d] as Mwh4) + c.left;
    for (const c of s) rest[c.d] = (rest[c.d] as Mwh4) + c.left;
    if (hourProfit !== 0n || (b.length > 0 && s.length > 0)) {
      const hour = t - (t % 3_600_000);
      profitByHour.set(hour, (profitByHour.get(hour) ?? 0n) + hourProfit);
    }
  }
  const byDeal = (values: bigint[]) => new Map(deals.map((d, i) => [d.id, values[i] as bigint]));
  return {
    matches: count,
    matchedMwh: byDeal(matched),
    restMwh: byDeal(rest),
    profitByDeal: byDeal(profit),
    profitByHour,
  };
}

type NumCand = { d: number; k: number; left: number; price: number };

const SAFE = 2 ** 52;

/** The same algorithm on numbers (see matchDeals for when it is exact). */
function matchDealsNumeric(deals: readonly MatchDeal[], method: "fifo" | "best_price"): MatchSummary {
  const fifo = (a: number, b: number) =>
    (deals[a] as MatchDeal).order - (deals[b] as MatchDeal).order ||
    cmpText((deals[a] as MatchDeal).id, (deals[b] as MatchDeal).id);
  const buys = deals
    .map((_, i) => i)
    .filter((i) => (deals[i] as MatchDeal).side === "buy")
    .sort(fifo);
  const sells = deals
    .map((_, i) => i)
    .filter((i) => (deals[i] as MatchDeal).side === "sell")
    .sort(fifo);
  const qty = deals.map((d) => Float64Array.from(d.shape.mwh, Number));
  const prc = deals.map((d) => Float64Array.from(d.prices, Number));
  const times = new Set<number>();
  for (const d of deals) for (const t of d.shape.startMs) times.add(t);
  const sorted = [...times].sort((a, b) => a - b);
  const ptr = new Int32Array(deals.length);
  const matched = new Float64Array(deals.length);
  const rest = new Float64Array(deals.length);
  const profitNum = new Float64Array(deals.length);
  const profitBig = new Array<Amount10>(deals.length).fill(0n);
  const profitByHour = new Map<number, Amount10>();
  let count = 0;
  const addProfit = (d: number, p: number, big: bigint | undefined) => {
    if (big !== undefined) {
      profitBig[d] = (profitBig[d] as bigint) + big;
      return;
    }
    const next = (profitNum[d] as number) + p;
    if (next >= SAFE || next <= -SAFE) {
      profitBig[d] = (profitBig[d] as bigint) + BigInt(profitNum[d] as number) + BigInt(p);
      profitNum[d] = 0;
    } else profitNum[d] = next;
  };
  const active = (order: number[], t: number): NumCand[] => {
    const out: NumCand[] = [];
    for (const d of order) {
      const s = (deals[d] as MatchDeal).shape;
      const k = ptr[d] as number;
      if (k < s.startMs.length && s.startMs[k] === t) {
        ptr[d] = k + 1;
        const q = (qty[d] as Float64Array)[k] as number;
        if (q > 0) out.push({ d, k, left: q, price: (prc[d] as Float64Array)[k] as number });
      }
    }
    return out;
  };
  for (const t of sorted) {
    const b = active(buys, t);
    const s = active(sells, t);
    if (method === "best_price") {
      b.sort((x, y) => x.price - y.price);
      s.sort((x, y) => y.price - x.price);
    }
    let i = 0;
    let j = 0;
    let hourNum = 0;
    let hourBig = 0n;
    while (i < b.length && j < s.length) {
      const x = b[i] as NumCand;
      const y = s[j] as NumCand;
      const q = x.left < y.left ? x.left : y.left;
      const p = q * (y.price - x.price);
      // exact when the product is below 2^52; otherwise the term is computed on bigints
      const big = p >= SAFE || p <= -SAFE ? BigInt(q) * (BigInt(y.price) - BigInt(x.price)) : undefined;
      addProfit(x.d, p, big);
      addProfit(y.d, p, big);
      if (big !== undefined) hourBig += big;
      else {
        const next = hourNum + p;
        if (next >= SAFE || next <= -SAFE) {
          hourBig += BigInt(hourNum) + BigInt(p);
          hourNum = 0;
        } else hourNum = next;
      }
      x.left -= q;
      y.left -= q;
      matched[x.d] = (matched[x.d] as number) + q;
      matched[y.d] = (matched[y.d] as number) + q;
      count++;
      if (x.left === 0) i++;
      if (y.left === 0) j++;
    }
    for (const c of b) rest[c.d] = (rest[c.d] as number) + c.left;
    for (const c of s) rest[c.d] = (rest[c.d] as number) + c.left;
    if (b.length > 0 && s.length > 0) {
      const hour = t - (t % 3_600_000);
      profitByHour.set(hour, (profitByHour.get(hour) ?? 0n) + hourBig + BigInt(hourNum));
    }
  }
  const byDeal = <T>(f: (i: number) => T) => new Map(deals.map((d, i) => [d.id, f(i)]));
  return {
    matches: count,
    matchedMwh: byDeal((i) => BigInt(matched[i] as number)),
    restMwh: byDeal((i) => BigInt(rest[i] as number)),
    profitByDeal: byDeal((i) => (profitBig[i] as bigint) + BigInt(profitNum[i] as number)),
    profitByHour,
  };
}
