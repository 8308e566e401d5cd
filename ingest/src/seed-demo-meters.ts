import type { Queryable } from "@c4e/prisma";

// Demo data: the demo fleet's gateways, sites and meters, ingest's metering infrastructure.
// stack/src/demo/fleet.ts calls it inside the fleet's one transaction, after billing has seeded the
// retailer and customers the rows refer to (@c4e/billing/seed-demo-customers).

export type SeedDemoMetersParameters = {
  retailerId: string;
  /** Ed25519 public key: base64 of the raw 32 bytes */
  gateways: { id: string; publicKeyBase64: string }[];
  sites: {
    id: string;
    customerId: string;
    name: string;
    address: string;
    podId: string;
    timeZone: string;
    latitude: number;
    longitude: number;
    pvPeakW: number;
    annualKwh: number;
  }[];
  meters: { id: string; siteId: string; gatewayId: string; kind: "grid" | "pv"; ratedPowerW: number }[];
};

/**
 * Inserts or updates the gateways (with their keys), sites and meters; idempotent (a second run
 * changes nothing). One statement per table (unnest), so a bench-sized fleet takes seconds.
 */
export async function seedDemoMeters(db: Queryable, p: SeedDemoMetersParameters): Promise<void> {
  await db.query(
    `INSERT INTO gateway (id, retailer_id, public_key, key_algorithm)
     SELECT id, $2, key, 'ed25519' FROM unnest($1::text[], $3::text[]) AS u(id, key)
     ON CONFLICT (id) DO UPDATE SET public_key = EXCLUDED.public_key`,
    [p.gateways.map((g) => g.id), p.retailerId, p.gateways.map((g) => g.publicKeyBase64)],
  );
  const site = <T>(f: (s: SeedDemoMetersParameters["sites"][number]) => T): T[] => p.sites.map(f);
  await db.query(
    `INSERT INTO site (id, customer_id, name, address, pod_id, time_zone, latitude, longitude, pv_peak_w, annual_kwh)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                          $7::float8[], $8::float8[], $9::int[], $10::int[])
     ON CONFLICT (id) DO UPDATE SET pv_peak_w = EXCLUDED.pv_peak_w, annual_kwh = EXCLUDED.annual_kwh`,
    [
      site((s) => s.id),
      site((s) => s.customerId),
      site((s) => s.name),
      site((s) => s.address),
      site((s) => s.podId),
      site((s) => s.timeZone),
      site((s) => s.latitude),
      site((s) => s.longitude),
      site((s) => s.pvPeakW),
      site((s) => s.annualKwh),
    ],
  );
  await db.query(
    `INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])
     ON CONFLICT (id) DO UPDATE SET rated_power_w = EXCLUDED.rated_power_w`,
    [
      p.meters.map((m) => m.id),
      p.meters.map((m) => m.siteId),
      p.meters.map((m) => m.gatewayId),
      p.meters.map((m) => m.kind),
      p.meters.map((m) => m.ratedPowerW),
    ],
  );
}
