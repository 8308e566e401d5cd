import { seedDemoCustomers } from "@c4e/billing/seed-demo-customers";
import { seedDemoMeters } from "@c4e/ingest/seed-demo-meters";
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
  const households = fleet.gateways.flatMap((g) => g.households.map((h) => ({ gatewayId: g.id, h })));
  // Each owner writes its own tables (prisma/src/ownership.ts), all in this one transaction.
  await withTransaction(pool, async (client) => {
    await seedDemoCustomers(client, {
      retailer: fleet.retailer,
      customers: households.map(({ h }) => ({
        id: h.customerId,
        name: h.name,
        email: h.email,
        wallet: h.wallet,
      })),
    });
    await seedDemoMeters(client, {
      retailerId: fleet.retailer.id,
      gateways: fleet.gateways.map((g) => ({
        id: g.id,
        publicKeyBase64: demoGatewayKeyPair(g.id).publicKeyBase64,
      })),
      sites: households.map(({ h }) => ({
        id: h.siteId,
        customerId: h.customerId,
        name: `Home of ${h.name}`,
        address: h.address,
        podId: h.podId,
        timeZone: h.timeZone,
        latitude: h.latitude,
        longitude: h.longitude,
        pvPeakW: h.pvPeakW,
        annualKwh: h.annualKwh,
      })),
      meters: households.flatMap(({ gatewayId, h }) => [
        { id: h.gridMeterId, siteId: h.siteId, gatewayId, kind: "grid" as const, ratedPowerW: 30000 },
        {
          id: h.pvMeterId,
          siteId: h.siteId,
          gatewayId,
          kind: "pv" as const,
          ratedPowerW: Math.ceil(h.pvPeakW * 1.2),
        },
      ]),
    });
  });
}
