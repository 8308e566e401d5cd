// Test helpers for communities: a migrated database per file with a property manager's tenant (a
// retailer with a trader), a gateway, a site and meters (ingest's tables, written here as fixtures),
// and a quick way to store quarter hours in `reading_interval`.
import { createPool } from "@c4e/prisma";
import { createTestDatabase } from "@c4e/stack/testing/index";
import type pg from "pg";

export const TENANT = "pm-1";
export const OTHER_TENANT = "pm-2";
export const MANAGER = { retailerId: TENANT };

export type CommunityTestDb = { pool: pg.Pool; url: string; close: () => Promise<void> };

export async function createCommunityTestDb(label: string): Promise<CommunityTestDb> {
  const db = await createTestDatabase(label);
  const pool = createPool({ url: db.url, max: 4 });
  await pool.query(
    `INSERT INTO retailer (id, name) VALUES ($1, 'Hausverwaltung Muster'), ($2, 'Other Manager')`,
    [TENANT, OTHER_TENANT],
  );
  await pool.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-pm', '9900000000077', 'Hausverwaltung Muster AG', $1),
    ('tr-pm2', '9900000000078', 'Other AG', $2)`,
    [TENANT, OTHER_TENANT],
  );
  await pool.query(`INSERT INTO gateway (id, retailer_id, public_key) VALUES ('gw-1', $1, 'AAAA')`, [TENANT]);
  await pool.query(
    `INSERT INTO customer (id, retailer_id, name) VALUES ('site-owner', $1, 'Building owner')`,
    [TENANT],
  );
  await pool.query(
    `INSERT INTO site (id, customer_id, name, address, pod_id, time_zone) VALUES ('site-1', 'site-owner', 'Building', 'Rosenweg 1', 'CH-POD-1', 'Europe/Zurich')`,
  );
  return {
    pool,
    url: db.url,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/** Registers meters (ingest's table; a fixture here). */
export async function addMeters(pool: pg.Pool, ids: readonly string[], ratedPowerW = 20_000): Promise<void> {
  await pool.query(
    `INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w) SELECT m, 'site-1', 'gw-1', 'grid', $2 FROM unnest($1::text[]) AS m`,
    [ids, ratedPowerW],
  );
}

/** Stores one value for every quarter hour from `startMs` to `endMs` (exclusive), except `skip`. */
export async function fillIntervals(
  pool: pg.Pool,
  p: {
    meterId: string;
    register: "import" | "export";
    startMs: number;
    endMs: number;
    wh: (startMs: number) => number;
    skip?: (startMs: number) => boolean;
  },
): Promise<void> {
  const starts: Date[] = [];
  const ends: Date[] = [];
  const values: string[] = [];
  for (let t = p.startMs; t < p.endMs; t += 900_000) {
    if (p.skip?.(t)) continue;
    starts.push(new Date(t));
    ends.push(new Date(t + 900_000));
    values.push(String(p.wh(t)));
  }
  await pool.query(
    `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
     SELECT $1, $2, s, e, v FROM unnest($3::timestamptz[], $4::timestamptz[], $5::bigint[]) AS u(s, e, v)`,
    [p.meterId, p.register, starts, ends, values],
  );
}

export const BASE_COMMUNITY = {
  id: "rosenweg",
  name: "Rosenweg 1",
  address: "Rosenweg 1, 8000 Zürich",
  currency: "CHF",
  timeZone: "Europe/Zurich",
  billingCycle: "monthly" as const,
  standardPricePerKwh: "0.3",
  solarPrice: { kind: "fixed" as const, pricePerKwh: "0.2" },
  capRule: { rule: "cost_only" as const },
  gridTariff: { pricesPerKwh: { all: "0.3" } },
  fees: [{ code: "meter", description: "Metering", per: "month" as const, price: "5" }],
  vatRate: "8.1",
  ownerName: "Anna Eigentümerin",
  ownerAddress: "Seestrasse 5, 8000 Zürich",
};
