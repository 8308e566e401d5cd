// Hourly matching over the book: proposals (FIFO or best price) and manual links, computed by the
// domain from the contracts' shapes and prices; saved matches are kept in trading_match and taken
// into account by the next proposal (as manual links), so a quantity is never matched twice.
import { localMidnightUtcMs } from "@c4e/domain";
import {
  type Leg,
  type ManualLink,
  type MatchingMethod,
  type MatchingResult,
  type Mwh4,
  formatAmount,
  formatMwh,
  matchBook,
  parseMwh,
} from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { type Book, loadBook } from "./book.ts";
import { type TradingContext, type TradingResult, refuse } from "./errors.ts";

/** The legs of a book: one per contract and interval, FIFO order by contract date then number. */
export function legsOf(book: Book, currency?: string): Leg[] {
  const entries = book.entries.filter((e) => currency === undefined || e.contract.currency === currency);
  const order = new Map(
    [...entries]
      .sort(
        (a, b) =>
          a.contract.contractDate.localeCompare(b.contract.contractDate) ||
          a.contract.number.localeCompare(b.contract.number),
      )
      .map((e, i) => [e.contract.id, i]),
  );
  const legs: Leg[] = [];
  for (const e of entries) {
    const prices = e.prices();
    const o = order.get(e.contract.id) as number;
    for (let i = 0; i < e.shape.startMs.length; i++)
      legs.push({
        dealId: e.contract.id,
        side: e.contract.side,
        startMs: e.shape.startMs[i] as number,
        mwh: e.shape.mwh[i] as Mwh4,
        price: prices[i] as bigint,
        order: o,
      });
  }
  return legs;
}

async function savedLinks(
  db: Queryable,
  ctx: TradingContext,
  fromMs: number,
  toMs: number,
): Promise<ManualLink[]> {
  const res = await db.query<{ p: string; s: string; ms: string; mwh: string }>(
    `SELECT purchase_contract_id AS p, sale_contract_id AS s, (extract(epoch FROM start_at) * 1000)::bigint::text AS ms,
       mwh::text FROM trading_match WHERE retailer_id = $1 AND start_at >= $2 AND start_at < $3 ORDER BY created_at, id`,
    [ctx.retailerId, new Date(fromMs), new Date(toMs)],
  );
  return res.rows.map((r) => ({ purchaseId: r.p, saleId: r.s, startMs: Number(r.ms), mwh: parseMwh(r.mwh) }));
}

export type MatchingView = {
  result: MatchingResult;
  /** matches already saved (they are the first `saved` entries of result.matches) */
  saved: number;
};

/**
 * The matching of a period in one currency: saved matches first, then the proposal of `method` for
 * what is left (not saved; `saveMatches` keeps the ones the trader accepts).
 */
export async function proposeMatching(
  db: Queryable,
  ctx: TradingContext,
  p: { from: string; to: string; timeZone: string; currency: string; method: MatchingMethod },
): Promise<MatchingView> {
  const book = await loadBook(db, ctx, p);
  const fromMs = localMidnightUtcMs(p.from, p.timeZone);
  const toMs = localMidnightUtcMs(p.to, p.timeZone);
  const links = await savedLinks(db, ctx, fromMs, toMs);
  const result = matchBook(legsOf(book, p.currency), links, p.method);
  return { result, saved: result.matches.filter((m) => m.source === "manual").length };
}

/**
 * Saves matches (manual links, or accepted proposal lines) after checking them, with the saved ones,
 * against the book: a link that would assign more than was bought or sold in its interval is
 * refused and nothing is saved.
 */
export async function saveMatches(
  db: Queryable,
  ctx: TradingContext,
  p: {
    timeZone: string;
    currency: string;
    source: "manual" | "fifo" | "best_price";
    links: { purchaseId: string; saleId: string; start: string; mwh: string }[];
  },
): Promise<TradingResult<{ saved: number; profit: string }>> {
  if (p.links.length === 0) return { ok: true, value: { saved: 0, profit: "0" } };
  const errors: { path: string; message: string }[] = [];
  const links: ManualLink[] = [];
  p.links.forEach((l, i) => {
    const ms = Date.parse(l.start);
    if (Number.isNaN(ms)) errors.push({ path: `links[${i}].start`, message: "an ISO instant expected" });
    try {
      links.push({
        purchaseId: l.purchaseId,
        saleId: l.saleId,
        startMs: ms,
        mwh: parseMwh(l.mwh, `links[${i}].mwh`),
      });
    } catch (e) {
      errors.push({ path: `links[${i}].mwh`, message: (e as Error).message });
    }
  });
  if (errors.length > 0) return refuse("invalid", "matches: invalid links", errors);
  const minMs = Math.min(...links.map((l) => l.startMs));
  const maxMs = Math.max(...links.map((l) => l.startMs));
  const from = new Date(minMs - 86_400_000).toISOString().slice(0, 10);
  const to = new Date(maxMs + 2 * 86_400_000).toISOString().slice(0, 10);
  const book = await loadBook(db, ctx, { from, to, timeZone: p.timeZone });
  const fromMs = localMidnightUtcMs(from, p.timeZone);
  const toMs = localMidnightUtcMs(to, p.timeZone);
  const saved = await savedLinks(db, ctx, fromMs, toMs);
  const result = matchBook(legsOf(book, p.currency), [...saved, ...links], "manual_only");
  const refusedNew = result.refused.filter((r) => links.includes(r.link));
  if (refusedNew.length > 0)
    return refuse(
      "invalid",
      "matches refused: nothing saved",
      refusedNew.map((r) => ({
        path: `links[${links.indexOf(r.link)}]`,
        message:
          r.reason === "over_assigned"
            ? `more than is left to match (${formatMwh(r.link.mwh)} MWh)`
            : r.reason,
      })),
    );
  // saved links come first: each either matched or (after an amendment shrank a contract) was refused
  const savedMatched = saved.length - result.refused.filter((r) => !links.includes(r.link)).length;
  const fresh = result.matches.slice(savedMatched);
  await db.query(
    `INSERT INTO trading_match (retailer_id, purchase_contract_id, sale_contract_id, start_at, mwh, profit, currency, source, created_by)
     SELECT $1, u.p, u.s, u.t, u.q, u.profit, $2, $3, $4
     FROM json_to_recordset($5::json) AS u(p text, s text, t timestamptz, q numeric, profit numeric)`,
    [
      ctx.retailerId,
      p.currency,
      p.source,
      ctx.actor ?? null,
      JSON.stringify(
        fresh.map((m) => ({
          p: m.purchaseId,
          s: m.saleId,
          t: new Date(m.startMs).toISOString(),
          q: formatMwh(m.mwh),
          profit: formatAmount(m.profit),
        })),
      ),
    ],
  );
  return {
    ok: true,
    value: { saved: fresh.length, profit: formatAmount(fresh.reduce((s, m) => s + m.profit, 0n)) },
  };
}

/** Profit of saved matches per contract over a period (exact decimal text). */
export async function savedProfitByContract(
  db: Queryable,
  ctx: TradingContext,
  p: { fromMs: number; toMs: number },
): Promise<{ contractId: string; side: "buy" | "sell"; mwh: string; profit: string }[]> {
  const res = await db.query(
    `SELECT contract_id AS "contractId", side, trim_scale(sum(mwh))::text AS mwh, trim_scale(sum(profit))::text AS profit FROM (
       SELECT purchase_contract_id AS contract_id, 'buy' AS side, mwh, profit FROM trading_match
         WHERE retailer_id = $1 AND start_at >= $2 AND start_at < $3
       UNION ALL
       SELECT sale_contract_id, 'sell', mwh, profit FROM trading_match WHERE retailer_id = $1 AND start_at >= $2 AND start_at < $3
     ) x GROUP BY contract_id, side ORDER BY contract_id`,
    [ctx.retailerId, new Date(p.fromMs), new Date(p.toMs)],
  );
  return res.rows;
}
