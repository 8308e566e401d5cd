// Test helpers: a migrated database per test file (own name prefix `trading_…`) with one retailer, its
// trader and a second retailer, and builders for counterparties and contracts.
import { createPool } from "@c4e/prisma";
import { createTestDatabase } from "@c4e/stack/testing/index";
import type pg from "pg";
import { type ContractInput, createContract } from "../src/contracts.ts";
import { createCounterparty } from "../src/counterparties.ts";
import type { TradingContext } from "../src/errors.ts";

export const RETAILER = "ret-trade";
export const CTX: TradingContext = {
  retailerId: RETAILER,
  actor: "0x00000000000000000000000000000000000000aa",
};
export const OTHER: TradingContext = { retailerId: "ret-other" };

export type TradingTestDb = { pool: pg.Pool; close: () => Promise<void> };

export async function createTradingTestDb(label: string): Promise<TradingTestDb> {
  const db = await createTestDatabase(`trading_${label}`);
  const pool = createPool({ url: db.url, max: 4 });
  await pool.query(
    `INSERT INTO retailer (id, name) VALUES ($1, 'Trade Retail'), ('ret-other', 'Other Retail')`,
    [RETAILER],
  );
  await pool.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-trade', '9900000000077', 'Trade Supply', $1)`,
    [RETAILER],
  );
  return {
    pool,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

export async function counterparty(pool: pg.Pool, id: string, country = "BE", vatRate = "0"): Promise<void> {
  const r = await createCounterparty(pool, CTX, {
    id,
    name: `${id} NV`,
    vatId: `${country}0${String(Math.abs(hash(id)))
      .padStart(9, "0")
      .slice(0, 9)}`,
    country,
    address: "Rue 1, Bruxelles",
    email: `${id}@example.org`,
    vatRate,
  });
  if (!r.ok) throw new Error(JSON.stringify(r));
}

function hash(s: string): number {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

export async function contract(
  pool: pg.Pool,
  input: Partial<ContractInput> & Pick<ContractInput, "id" | "side" | "counterpartyId" | "terms">,
) {
  const r = await createContract(pool, CTX, {
    number: input.id.toUpperCase(),
    contractDate: "2026-01-15",
    zone: "BE",
    timeZone: "Europe/Brussels",
    currency: "EUR",
    ...input,
  });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.value;
}
