// The book over a local period: every contract delivering in it, expanded to its intervals (clipped
// to the period), with a price per interval resolved on demand (indexed contracts need the zone's
// day-ahead prices; a missing one is an error naming the contract and the instant).
import { localMidnightUtcMs } from "@c4e/domain";
import { type MarketPrices, type PriceMicro, type Shape, intervalPrices } from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { type StoredContract, contractShape, listContracts } from "./contracts.ts";
import type { TradingContext } from "./errors.ts";
import { loadMarketPrices } from "./prices.ts";

export type BookEntry = { contract: StoredContract; shape: Shape; prices: () => PriceMicro[] };

export type Book = {
  period: { from: string; to: string };
  entries: BookEntry[];
  /** day-ahead prices per zone over the period (zones of the contracts, and `zones` asked for) */
  market: Map<string, MarketPrices>;
};

/** Keeps the intervals with start in [fromMs, toMs). */
export function clipShape(shape: Shape, fromMs: number, toMs: number): Shape {
  let i = 0;
  while (i < shape.startMs.length && (shape.startMs[i] as number) < fromMs) i++;
  let j = i;
  while (j < shape.startMs.length && (shape.startMs[j] as number) < toMs) j++;
  if (i === 0 && j === shape.startMs.length) return shape;
  return {
    resolutionMinutes: shape.resolutionMinutes,
    startMs: shape.startMs.slice(i, j),
    mwh: shape.mwh.slice(i, j),
  };
}

export async function loadBook(
  db: Queryable,
  ctx: TradingContext,
  p: { from: string; to: string; timeZone: string; zones?: string[] },
): Promise<Book> {
  const contracts = await listContracts(db, ctx, { from: p.from, to: p.to });
  const fromMs = localMidnightUtcMs(p.from, p.timeZone);
  const toMs = localMidnightUtcMs(p.to, p.timeZone);
  const zones = new Set([...(p.zones ?? []), ...contracts.map((c) => c.zone)]);
  const market = new Map<string, MarketPrices>();
  for (const z of zones) market.set(z, await loadMarketPrices(db, z, fromMs - 86_400_000, toMs + 86_400_000));
  const entries = contracts.map((contract) => {
    // A power product delivers the same MW in every interval: expanding only the days of the period
    // gives the same intervals as expanding the whole tenor and clipping (a month of a year-long book
    // loads in a fraction of the time). An energy total or a profile needs the whole tenor.
    const start = contract.deliveryStart > p.from ? contract.deliveryStart : p.from;
    const end = contract.deliveryEnd < p.to ? contract.deliveryEnd : p.to;
    const partial =
      contract.terms.quantity.kind === "power" &&
      (start !== contract.deliveryStart || end !== contract.deliveryEnd);
    const shape = partial
      ? contractShape({ ...contract, terms: { ...contract.terms, tenor: { kind: "custom", start, end } } })
      : clipShape(contractShape(contract), fromMs, toMs);
    let prices: PriceMicro[] | undefined;
    return {
      contract,
      shape,
      prices: () =>
        (prices ??= intervalPrices(
          shape,
          contract.terms.price,
          market.get(contract.zone),
          `contract ${contract.number}.price`,
        )),
    };
  });
  return { period: { from: p.from, to: p.to }, entries, market };
}
