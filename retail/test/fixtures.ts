// Test helpers: a migrated database per file with one retailer's switch catalogue, and an audit port
// that keeps what the use cases audit.
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { createTestDatabase } from "@c4e/stack/testing/index";
import type { AuditEntry, StaffContext } from "../src/staff.ts";

export const RETAILER = "ret-1";
export const CHAIN_ID = 31337;
export const PRODUCT = {
  productId: "prod-green",
  code: "GREEN-FIX",
  version: 1,
  name: "Green Fix 12",
  currency: "EUR",
  tariff: { name: "Green Fix 12", currency: "EUR", energy: { kind: "single", unitPrice: "0.30" } },
};
export const DISTRIBUTOR = { id: "dso-sw", code: "9900000000099", name: "Netz Test GmbH" };

export type RetailTestDb = { pool: pg.Pool; close: () => Promise<void> };

/** A fresh database: retailers ret-1 and ret-2, ret-1's published product, a distributor, a trader, H25. */
export async function createRetailTestDb(label: string): Promise<RetailTestDb> {
  const db = await createTestDatabase(label);
  const pool = createPool({ url: db.url, max: 6 });
  await pool.query(`INSERT INTO retailer (id, name) VALUES ($1, 'Green Retail'), ('ret-2', 'Other Retail')`, [
    RETAILER,
  ]);
  await pool.query(
    `INSERT INTO product (id, code, retailer_id, name, currency, tariff) VALUES ($1, $2, $3, $4, 'EUR', $5)`,
    [PRODUCT.productId, PRODUCT.code, RETAILER, PRODUCT.name, JSON.stringify(PRODUCT.tariff)],
  );
  await pool.query(
    `INSERT INTO product_version (product_id, version, name, tariff, status, published_at)
     VALUES ($1, 1, $2, $3, 'published', now())`,
    [PRODUCT.productId, PRODUCT.name, JSON.stringify(PRODUCT.tariff)],
  );
  await pool.query(`INSERT INTO distributor (id, code, name) VALUES ($1, $2, $3)`, [
    DISTRIBUTOR.id,
    DISTRIBUTOR.code,
    DISTRIBUTOR.name,
  ]);
  await pool.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-sw', '9900000000055', 'Green Retail Supply', $1)`,
    [RETAILER],
  );
  await pool.query(
    `INSERT INTO profile_type (code, name) VALUES ('H25', 'Household') ON CONFLICT (code) DO NOTHING`,
  );
  return {
    pool,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/** A staff member of `retailerId` whose audited actions land in `entries` (in order). */
export function staff(
  retailerId = RETAILER,
  actor = "0x00000000000000000000000000000000000000aa",
): StaffContext & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    retailerId,
    actor,
    entries,
    audit: async (_db, entry) => {
      entries.push(entry);
    },
  };
}

/** The public form's fields (a household on standard load profile, supply from 2027). */
export function draftForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    podIdentifier: "51238696781",
    supplyAddress: "Hauptstraße 1, 10115 Berlin",
    currentSupplier: "Stadtwerke Alt",
    meterNumber: "1ESY1160123456",
    meterReadingKwh: "12345.6",
    meterReadingDate: "2026-11-20",
    annualConsumptionKwh: "3500",
    meteringKind: "slp",
    desiredStart: "2027-01-01",
    fullName: "Erika  Mustermann",
    email: "erika@example.org",
    ...overrides,
  };
}
