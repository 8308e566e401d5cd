import type { Queryable } from "@c4e/prisma";

// Demo data: the demo retailer and its prosumers (customer + primary wallet), billing's master data.
// stack/src/demo/fleet.ts calls it inside the fleet's one transaction, beside ingest's gateways,
// sites and meters (@c4e/ingest/seed-demo-meters).

export type SeedDemoCustomersParameters = {
  retailer: { id: string; name: string };
  customers: { id: string; name: string; email: string; /** lower-case address */ wallet: string }[];
};

/**
 * Inserts or updates the retailer and its customers with their wallets; idempotent (a second run
 * changes nothing). One statement per table (unnest), so a bench-sized fleet takes seconds.
 */
export async function seedDemoCustomers(db: Queryable, p: SeedDemoCustomersParameters): Promise<void> {
  await db.query(
    `INSERT INTO retailer (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
    [p.retailer.id, p.retailer.name],
  );
  await db.query(
    `INSERT INTO customer (id, retailer_id, name, email, kind)
     SELECT id, $2, name, email, 'retail'::"CustomerKind" FROM unnest($1::text[], $3::text[], $4::text[]) AS u(id, name, email)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email`,
    [
      p.customers.map((c) => c.id),
      p.retailer.id,
      p.customers.map((c) => c.name),
      p.customers.map((c) => c.email),
    ],
  );
  await db.query(
    `INSERT INTO wallet (address, customer_id, "primary")
     SELECT address, customer_id, true FROM unnest($1::text[], $2::text[]) AS u(address, customer_id)
     ON CONFLICT (address) DO NOTHING`,
    [p.customers.map((c) => c.wallet), p.customers.map((c) => c.id)],
  );
}
