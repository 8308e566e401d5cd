import type pg from "pg";
import { keccak256, stringToHex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { assertLocalDevChain, DEV_ACCOUNT_INDEX, devAccount } from "../dev-accounts.ts";
import { demoGatewayKeyPair } from "./keys.ts";
import { withTransaction } from "@c4e/prisma";

export type Household = {
  customerId: string;
  name: string;
  email: string;
  /** lower-case address receiving the rewards */
  wallet: string;
  siteId: string;
  podId: string;
  address: string;
  latitude: number;
  longitude: number;
  timeZone: string;
  annualKwh: number;
  pvPeakW: number;
  gridMeterId: string;
  pvMeterId: string;
  /** position in the fleet; drives the deterministic variation between households */
  index: number;
};

export type FleetGateway = { id: string; households: Household[] };
export type Fleet = { retailer: { id: string; name: string }; gateways: FleetGateway[] };

const DEMO_PEOPLE = [
  { name: "Alice Sommer", street: "Sonnenallee 12, 12045 Berlin" },
  { name: "Bob Wind", street: "Windmühlenweg 3, 14469 Potsdam" },
  { name: "Carol Licht", street: "Lichtstraße 8, 10115 Berlin" },
];

/** The wallet of household k: the three demo prosumers use Hardhat dev accounts 2–4 (sign-in works). */
function walletOf(k: number): string {
  const devIndex = DEV_ACCOUNT_INDEX.prosumers[k];
  if (devIndex !== undefined) return devAccount(devIndex).address.toLowerCase();
  return privateKeyToAddress(keccak256(stringToHex(`c4e-demo-wallet:${k}`))).toLowerCase();
}

/**
 * The demo fleet: `gateways` gateways with `meters` households each; every household has a grid meter
 * (import/export) and a PV generation meter. The first three households are the demo prosumers.
 */
export function demoFleet({ gateways, meters }: { gateways: number; meters: number }): Fleet {
  const result: FleetGateway[] = [];
  let k = 0;
  for (let g = 1; g <= gateways; g++) {
    const gatewayId = `gw-${String(g).padStart(4, "0")}`;
    const households: Household[] = [];
    for (let m = 1; m <= meters; m++, k++) {
      const person = DEMO_PEOPLE[k];
      const tag = `${String(g).padStart(4, "0")}-${String(m).padStart(3, "0")}`;
      households.push({
        customerId: person ? `cust-${person.name.split(" ")[0]?.toLowerCase()}` : `cust-${tag}`,
        name: person?.name ?? `Demo prosumer ${tag}`,
        email: person
          ? `${person.name.split(" ")[0]?.toLowerCase()}@example.org`
          : `prosumer-${tag}@example.org`,
        wallet: walletOf(k),
        siteId: `site-${tag}`,
        podId: `DE-C4E-POD-${tag}`,
        address: person?.street ?? `Demo street ${m}, gateway ${g}`,
        latitude: 52.52 - (k % 7) * 0.05,
        longitude: 13.4 + (k % 5) * 0.05,
        timeZone: "Europe/Berlin",
        annualKwh: 2500 + ((k * 733) % 2500),
        pvPeakW: 6000 + ((k * 1777) % 6000),
        gridMeterId: `mtr-${tag}-grid`,
        pvMeterId: `mtr-${tag}-pv`,
        index: k,
      });
    }
    result.push({ id: gatewayId, households });
  }
  return { retailer: { id: "retailer-demo", name: "C4E Demo Energy" }, gateways: result };
}

/**
 * Inserts or updates the fleet's master data in one transaction (idempotent: a second start changes
 * nothing). The demo only: its wallets are development accounts and its gateway keys derivable, so it
 * refuses any chain but the local development chain 31337.
 */
export async function seedFleet(
  pool: pg.Pool,
  fleet: Fleet,
  { chainId }: { chainId: number },
): Promise<void> {
  assertLocalDevChain(chainId, "seedFleet");
  await withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO retailer (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
      [fleet.retailer.id, fleet.retailer.name],
    );
    // One statement per table (unnest), so seeding a large fleet (bench) takes seconds, not minutes.
    const households = fleet.gateways.flatMap((g) => g.households.map((h) => ({ gatewayId: g.id, h })));
    await client.query(
      `INSERT INTO gateway (id, retailer_id, public_key, key_algorithm)
       SELECT id, $2, key, 'ed25519' FROM unnest($1::text[], $3::text[]) AS u(id, key)
       ON CONFLICT (id) DO UPDATE SET public_key = EXCLUDED.public_key`,
      [
        fleet.gateways.map((g) => g.id),
        fleet.retailer.id,
        fleet.gateways.map((g) => demoGatewayKeyPair(g.id).publicKeyBase64),
      ],
    );
    const column = <T>(f: (h: Household) => T): T[] => households.map(({ h }) => f(h));
    await client.query(
      `INSERT INTO customer (id, retailer_id, name, email, kind)
       SELECT id, $2, name, email, 'retail'::"CustomerKind" FROM unnest($1::text[], $3::text[], $4::text[]) AS u(id, name, email)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email`,
      [column((h) => h.customerId), fleet.retailer.id, column((h) => h.name), column((h) => h.email)],
    );
    await client.query(
      `INSERT INTO wallet (address, customer_id, "primary")
       SELECT address, customer_id, true FROM unnest($1::text[], $2::text[]) AS u(address, customer_id)
       ON CONFLICT (address) DO NOTHING`,
      [column((h) => h.wallet), column((h) => h.customerId)],
    );
    await client.query(
      `INSERT INTO site (id, customer_id, name, address, pod_id, time_zone, latitude, longitude, pv_peak_w, annual_kwh)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::float8[], $8::float8[], $9::int[], $10::int[])
       ON CONFLICT (id) DO UPDATE SET pv_peak_w = EXCLUDED.pv_peak_w, annual_kwh = EXCLUDED.annual_kwh`,
      [
        column((h) => h.siteId),
        column((h) => h.customerId),
        column((h) => `Home of ${h.name}`),
        column((h) => h.address),
        column((h) => h.podId),
        column((h) => h.timeZone),
        column((h) => h.latitude),
        column((h) => h.longitude),
        column((h) => h.pvPeakW),
        column((h) => h.annualKwh),
      ],
    );
    await client.query(
      `INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])
       ON CONFLICT (id) DO UPDATE SET rated_power_w = EXCLUDED.rated_power_w`,
      [
        households.flatMap(({ h }) => [h.gridMeterId, h.pvMeterId]),
        households.flatMap(({ h }) => [h.siteId, h.siteId]),
        households.flatMap(({ gatewayId }) => [gatewayId, gatewayId]),
        households.flatMap(() => ["grid", "pv"]),
        households.flatMap(({ h }) => [30000, Math.ceil(h.pvPeakW * 1.2)]),
      ],
    );
  });
}
