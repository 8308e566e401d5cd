// The trading book at scale (issue 19): N contracts (half purchases, half sales; base, peak, off-peak
// and block products, a fifth of them indexed to the day-ahead price) over a year of hours in
// Europe/Brussels are expanded, priced, matched hour by hour (FIFO) and the open position against a
// forecast demand is valued at the day-ahead prices. Pure domain work (@c4e/domain/trading); the
// book is synthesised before the timer starts. Then the position of one month (the chart's data).
//
//   npx tsx bench/trading.ts [--contracts 1000] [--year 2026] [--resolution 60] [--base-only]
import { performance } from "node:perf_hooks";
import {
  type ContractPrice,
  type MarketPrices,
  type Product,
  deliveryGrid,
  expandProduct,
  intervalPrices,
  matchDeals,
  openPosition,
  parseMwh,
  parsePrice,
  shapeTotal,
} from "@c4e/domain/trading";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CONTRACTS = arg("contracts", 1000);
const YEAR = arg("year", 2026);
const RESOLUTION = arg("resolution", 60) as 15 | 60;
// --base-only: every contract a base product (8,760 hours each, the worst case)
const BASE_ONLY = process.argv.includes("--base-only");
const TZ = "Europe/Brussels";

// synthetic day-ahead prices: a daily shape plus a slow drift, in whole cents per MWh
const yearGrid = deliveryGrid({ start: `${YEAR}-01-01`, end: `${YEAR + 1}-01-01` }, TZ, 60);
const market: MarketPrices = new Map(
  yearGrid.startMs.map((t, i) => {
    const minute = yearGrid.localMinute[i] as number;
    const cents = 6000 + Math.round(2500 * Math.sin((minute / 1440) * 2 * Math.PI)) + (i % 97);
    return [t, parsePrice((cents / 100).toFixed(2))];
  }),
);
const products: Product[] = [
  { kind: "base" },
  { kind: "peak" },
  { kind: "offpeak" },
  { kind: "block", days: [1, 2, 3, 4, 5], fromHour: 6, toHour: 10 },
];
const book = Array.from({ length: CONTRACTS }, (_, n) => {
  const price: ContractPrice =
    n % 5 === 0
      ? { kind: "indexed", zone: "BE", spreadPerMwh: ((n % 7) - 3).toFixed(2) }
      : { kind: "fixed", pricePerMwh: (55 + (n % 40)).toFixed(2) };
  return {
    id: `C${n}`,
    side: (n % 2 === 0 ? "buy" : "sell") as "buy" | "sell",
    product: BASE_ONLY ? ({ kind: "base" } as Product) : (products[n % products.length] as Product),
    mw: ((n % 9) + 1).toFixed(1),
    price,
  };
});
const demand = new Map(yearGrid.startMs.map((t) => [t, parseMwh("250")]));

const timings: Record<string, number> = {};
const lap = (name: string, start: number) => (timings[name] = Math.round(performance.now() - start));
const t0 = performance.now();

let t = performance.now();
const shapes = book.map((c) =>
  expandProduct({
    product: c.product,
    tenor: { kind: "year", year: YEAR },
    quantity: { kind: "power", mw: c.mw },
    timeZone: TZ,
    resolutionMinutes: RESOLUTION,
  }),
);
lap("expandMs", t);

t = performance.now();
const prices = book.map((c, i) => intervalPrices(shapes[i]!, c.price, market));
lap("priceMs", t);

t = performance.now();
// the whole-book proposal (totals per deal and hour; matchBook, which also lists every link, is what
// the trader's page uses for one period)
const matched = matchDeals(
  book.map((c, i) => ({ id: c.id, side: c.side, order: i, shape: shapes[i]!, prices: prices[i]! })),
  "fifo",
);
lap("matchMs", t);

t = performance.now();
const rows = openPosition({
  demand,
  sales: shapes.filter((_, i) => book[i]!.side === "sell"),
  purchases: shapes.filter((_, i) => book[i]!.side === "buy"),
  market,
  fromMs: yearGrid.startMs[0]!,
  toMs: yearGrid.startMs.at(-1)! + 3_600_000,
});
const value = rows.reduce((s, r) => s + (r.markToMarket ?? 0n), 0n);
lap("positionMs", t);
const totalMs = Math.round(performance.now() - t0);

// the position chart of one month: the month's rows from the already expanded book
t = performance.now();
const monthGrid = deliveryGrid({ start: `${YEAR}-03-01`, end: `${YEAR}-04-01` }, TZ, 60);
const monthRows = openPosition({
  demand,
  sales: shapes.filter((_, i) => book[i]!.side === "sell"),
  purchases: shapes.filter((_, i) => book[i]!.side === "buy"),
  market,
  fromMs: monthGrid.startMs[0]!,
  toMs: monthGrid.startMs.at(-1)! + 3_600_000,
});
lap("monthPositionMs", t);

console.log(
  JSON.stringify(
    {
      contracts: CONTRACTS,
      resolutionMinutes: RESOLUTION,
      intervals: shapes.reduce((s, x) => s + x.startMs.length, 0),
      energyMwh: (Number(shapes.reduce((s, x) => s + shapeTotal(x), 0n)) / 1e4).toFixed(0),
      matches: matched.matches,
      unmatchedMwh: (Number([...matched.restMwh.values()].reduce((a, b) => a + b, 0n)) / 1e4).toFixed(0),
      profit: Number(
        [...matched.profitByDeal.values()].reduce((a, b) => a + b, 0n) / 2n / 10_000_000_000n,
      ).toFixed(0),
      positionHours: rows.length,
      monthHours: monthRows.length,
      markToMarket: Number(value / 10_000_000_000n).toFixed(0),
      ...timings,
      totalMs,
      peakRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    },
    null,
    2,
  ),
);

// The position chart of one month through the database (--database-url postgresql://…/db, a migrated
// database of its own): the book is stored once, then `positionFor` (what the chart reads) is timed.
const dbIndex = process.argv.indexOf("--database-url");
if (dbIndex >= 0) {
  const { createPool } = await import("@c4e/prisma");
  const { createCounterparty, createContract, positionFor } = await import("@c4e/trading");
  const pool = createPool({ url: process.argv[dbIndex + 1]!, max: 4 });
  const ctx = { retailerId: "bench-retailer" };
  await createCounterparty(pool, ctx, {
    id: "bench-cp",
    name: "Bench",
    vatId: "BE0123456789",
    country: "BE",
  });
  let stored = 0;
  for (const [i, c] of book.entries()) {
    const r = await createContract(pool, ctx, {
      id: `bench-${i}`,
      number: `B-${i}`,
      side: c.side,
      counterpartyId: "bench-cp",
      contractDate: `${YEAR - 1}-12-01`,
      zone: "BE",
      timeZone: TZ,
      currency: "EUR",
      terms: {
        product: c.product,
        tenor: { kind: "year", year: YEAR },
        quantity: { kind: "power", mw: c.mw },
        price: c.price,
      },
    });
    if (r.ok) stored++;
  }
  const t1 = performance.now();
  const view = await positionFor(pool, ctx, {
    from: `${YEAR}-03-01`,
    to: `${YEAR}-04-01`,
    timeZone: TZ,
    zone: "BE",
    withDemand: true,
  });
  console.log(
    JSON.stringify({
      storedContracts: stored,
      monthPositionFromDbMs: Math.round(performance.now() - t1),
      hours: view.hours.length,
    }),
  );
  await pool.end();
}
