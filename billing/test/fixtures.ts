// Test helpers: a migrated database per file with the demo fleet and the billing demo master data.
import type { Invoice } from "@c4e/domain";
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { demoFleet, seedFleet } from "@c4e/stack/demo/fleet";
import { LOCAL_CHAIN_ID } from "@c4e/stack/dev-accounts";
import { createTestDatabase, type TestDatabase } from "@c4e/stack/testing/index";
import { seedBillingDemo } from "../src/seed-demo.ts";

export type BillingTestDb = { db: TestDatabase; pool: pg.Pool; close: () => Promise<void> };

/** A fresh database with the demo fleet (3 prosumers) and the billing demo seed. */
export async function createBillingTestDb(
  label: string,
  { gateways = 3, meters = 1 } = {},
): Promise<BillingTestDb> {
  const db = await createTestDatabase(label);
  const pool = createPool({ url: db.url, max: 12 });
  await seedFleet(pool, demoFleet({ gateways, meters }), { chainId: LOCAL_CHAIN_ID }); // master data only
  await seedBillingDemo(pool);
  return {
    db,
    pool,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/** A small hand-made invoice: two lines at 19 % VAT. */
export function sampleInvoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    kind: "monthly",
    currency: "EUR",
    minorUnitDigits: 2,
    period: { start: "2026-10-01", end: "2026-11-01", timeZone: "Europe/Berlin" },
    lines: [
      {
        group: "energy",
        code: "energy.peak",
        description: "Energy peak",
        quantity: "100.5",
        unit: "kWh",
        unitPrice: "0.34",
        amountMinor: 3417n,
        preciseAmount: "34.17",
        vatRate: "19",
        period: { start: "2026-09-30T22:00:00.000Z", end: "2026-10-31T23:00:00.000Z" },
        breakdown: { band: "peak" },
      },
      {
        group: "fee",
        code: "base",
        description: "Base charge",
        quantity: "1",
        unit: "month",
        unitPrice: "9.9",
        amountMinor: 990n,
        preciseAmount: "9.9",
        vatRate: "19",
        period: { start: "2026-09-30T22:00:00.000Z", end: "2026-10-31T23:00:00.000Z" },
      },
    ],
    vatSummary: [{ vatRate: "19", netMinor: 4407n, vatMinor: 837n }],
    netMinor: 4407n,
    vatMinor: 837n,
    totalMinor: 5244n,
    advancesDeducted: [],
    amountDueMinor: 5244n,
    ...overrides,
  };
}

export const SAMPLE_BUYER = {
  customerId: "cust-alice",
  customerName: "Alice Sommer",
  customerAddress: "Sonnenallee 12, 12045 Berlin",
  contractNumber: "C-CTR-ALICE",
};

/** Deterministic 15-minute data for the grid meters, 2026-09-29 … 2026-11-02 (October in Berlin has 25 October, 25 h). */
export async function seedIntervals(db: BillingTestDb): Promise<void> {
  await db.pool.query(
    `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
     SELECT m.id, r.register, s, s + interval '15 minutes',
       CASE WHEN r.register = 'import'
         THEN 40 + (abs(hashtext(m.id || s::text)) % 400)
         ELSE CASE WHEN extract(hour FROM s AT TIME ZONE 'UTC') BETWEEN 9 AND 14
                   THEN abs(hashtext(s::text || m.id)) % 600 ELSE 0 END
       END
     FROM meter m, (VALUES ('import'), ('export')) AS r(register),
          generate_series('2026-09-29T00:00Z'::timestamptz, '2026-11-02T00:00Z', interval '15 minutes') AS s
     WHERE m.kind = 'grid'`,
  );
}
