// A small demo trading book for the demo retailer (local chain / embedded defaults only; the caller
// decides): three counterparties, purchases and sales in March 2023 (the month of the shipped ENTSO-E
// sample, so indexed prices and the mark-to-market have real day-ahead prices), its delivery notes and
// a capacity right. Idempotent: a second run changes nothing.
import { readFileSync } from "node:fs";
import { withTransaction } from "@c4e/prisma";
import type pg from "pg";
import { addCapacityRight } from "./capacity.ts";
import { createContract, type ContractInput } from "./contracts.ts";
import { createCounterparty } from "./counterparties.ts";
import { issueDeliveryNotes } from "./delivery-notes.ts";
import { parseEntsoeLocalCsv, storeDayAheadPrices } from "./prices.ts";

const TZ = "Europe/Brussels";
const SAMPLE = new URL("../data/entsoe-be-2023-03-and-10.csv", import.meta.url);

/** The local development chain: demo data is seeded only with it (as every demo seed of the platform). */
const LOCAL_CHAIN_ID = 31337;

export async function seedTradingDemo(
  pool: pg.Pool,
  retailerId: string,
  { chainId }: { chainId: number },
): Promise<{ contracts: number }> {
  if (chainId !== LOCAL_CHAIN_ID)
    throw new Error(`seedTradingDemo: demo data only on the local chain ${LOCAL_CHAIN_ID} (got ${chainId})`);
  const ctx = { retailerId, actor: "seed" };
  const { rows } = parseEntsoeLocalCsv(readFileSync(SAMPLE, "utf8"), "entsoe-be-2023-03-and-10.csv", TZ);
  await storeDayAheadPrices(pool, rows, { zone: "BE", currency: "EUR", resolutionMinutes: 60 });
  const month = { kind: "month", month: "2023-03" } as const;
  const contracts: ContractInput[] = [
    {
      id: "demo-p-wind",
      number: "P-2023-001",
      side: "buy",
      counterpartyId: "demo-wind",
      contractDate: "2023-01-09",
      zone: "BE",
      timeZone: TZ,
      currency: "EUR",
      terms: {
        product: { kind: "base" },
        tenor: month,
        quantity: { kind: "power", mw: "4" },
        price: { kind: "fixed", pricePerMwh: "92.5" },
      },
    },
    {
      id: "demo-p-nl",
      number: "P-2023-002",
      side: "buy",
      counterpartyId: "demo-nl",
      contractDate: "2023-01-16",
      zone: "BE",
      timeZone: TZ,
      currency: "EUR",
      paymentSchedule: "decade",
      terms: {
        product: { kind: "peak" },
        tenor: month,
        quantity: { kind: "power", mw: "2" },
        price: { kind: "indexed", zone: "BE", spreadPerMwh: "-1.5" },
      },
    },
    {
      id: "demo-s-base",
      number: "S-2023-001",
      side: "sell",
      counterpartyId: "demo-steel",
      contractDate: "2023-01-20",
      zone: "BE",
      timeZone: TZ,
      currency: "EUR",
      terms: {
        product: { kind: "base" },
        tenor: month,
        quantity: { kind: "power", mw: "3" },
        price: { kind: "fixed", pricePerMwh: "104" },
      },
    },
    {
      id: "demo-s-peak",
      number: "S-2023-002",
      side: "sell",
      counterpartyId: "demo-steel",
      contractDate: "2023-01-21",
      zone: "BE",
      timeZone: TZ,
      currency: "EUR",
      terms: {
        product: { kind: "peak" },
        tenor: month,
        quantity: { kind: "power", mw: "2" },
        price: { kind: "fixed", pricePerMwh: "131.25" },
      },
    },
    {
      id: "demo-s-block",
      number: "S-2023-003",
      side: "sell",
      counterpartyId: "demo-steel",
      contractDate: "2023-01-22",
      zone: "BE",
      timeZone: TZ,
      currency: "EUR",
      terms: {
        product: { kind: "block", days: [1, 2, 3, 4, 5], fromHour: 6, toHour: 10 },
        tenor: month,
        quantity: { kind: "power", mw: "1" },
        price: { kind: "fixed", pricePerMwh: "118" },
      },
    },
  ];
  await withTransaction(pool, async (db) => {
    for (const [id, name, vatId, country] of [
      ["demo-wind", "Noordzee Wind NV", "BE0411111111", "BE"],
      ["demo-nl", "Polder Trading BV", "NL811111111B01", "NL"],
      ["demo-steel", "Staal Gent NV", "BE0422222222", "BE"],
    ] as const)
      await createCounterparty(db, ctx, { id, name, vatId, country, address: "demo", vatRate: "0" });
    for (const c of contracts) await createContract(db, ctx, c);
    await addCapacityRight(db, ctx, {
      id: "demo-cap-nl-be",
      border: "BE-NL",
      direction: "NL>BE",
      product: "monthly",
      period: { start: "2023-03-01", end: "2023-04-01" },
      mw: "2",
      pricePerMwh: "0.85",
      currency: "EUR",
      timeZone: TZ,
    });
    await issueDeliveryNotes(db, ctx, { month: "2023-03", timeZone: TZ });
  });
  return { contracts: contracts.length };
}
