import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { type Deployment, deployC4E } from "@c4e/contracts";
import pg from "pg";
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { devAccount } from "@c4e/stack/dev-accounts";
import { rawPublicKeyBase64 } from "@c4e/stack/demo/keys";
import { signEnvelope } from "@c4e/stack/simulator/gateway-message";
import type { IngestConfig } from "../src/index.ts";

/** A gateway's Ed25519 key pair; `publicKeyBase64` is the raw 32-byte key as the gateway table stores it. */
export type GatewayKeys = { privateKey: KeyObject; publicKeyBase64: string };

export function gatewayKeys(): GatewayKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKeyBase64: rawPublicKeyBase64(publicKey) };
}

export type ReadingInput = {
  meterId: string;
  at: string;
  importWh: number | string;
  exportWh: number | string;
  intervals?: { start: string; end: string; importWh: number; exportWh: number }[];
};

export type BodyInput = { gatewayId: string; messageId: string; sentAt?: string; readings: unknown[] };

/** The body JSON string a gateway signs. */
export function body(input: BodyInput): string {
  return JSON.stringify({
    v: 1,
    gatewayId: input.gatewayId,
    messageId: input.messageId,
    sentAt: input.sentAt ?? "2026-11-01T11:59:00Z",
    readings: input.readings,
  });
}

/** A signed envelope: `{"v":1,"alg":"ed25519","body":"…","sig":"<base64 Ed25519 over the body's UTF-8>"}`. */
export const envelope = signEnvelope;

export function signedMessage(input: BodyInput, privateKey: KeyObject): string {
  return envelope(body(input), privateKey);
}

export type Fixture = {
  gateways: Record<string, GatewayKeys>;
};

export type FixtureSpec = {
  customers: { id: string; wallet?: `0x${string}` }[];
  gateways: { id: string; active?: boolean }[];
  meters: { id: string; gatewayId: string; customerId: string; kind?: "grid" | "pv"; ratedPowerW?: number }[];
};

/** Inserts retailer, customers (+ primary wallets), one site per customer, gateways with fresh keys, meters. */
export async function insertFixture(url: string, spec: FixtureSpec): Promise<Fixture> {
  const client = new pg.Client(url);
  await client.connect();
  const gateways: Record<string, GatewayKeys> = {};
  try {
    await client.query("INSERT INTO retailer (id, name) VALUES ('r-1', 'Retailer') ON CONFLICT DO NOTHING");
    for (const c of spec.customers) {
      await client.query("INSERT INTO customer (id, retailer_id, name) VALUES ($1, 'r-1', $1)", [c.id]);
      await client.query(
        "INSERT INTO site (id, customer_id, name, address, pod_id) VALUES ($1, $2, $1, 'Street 1', $1)",
        [`site-${c.id}`, c.id],
      );
      if (c.wallet) {
        await client.query('INSERT INTO wallet (address, customer_id, "primary") VALUES ($1, $2, true)', [
          c.wallet.toLowerCase(),
          c.id,
        ]);
      }
    }
    for (const g of spec.gateways) {
      const keys = gatewayKeys();
      gateways[g.id] = keys;
      await client.query(
        "INSERT INTO gateway (id, retailer_id, public_key, active) VALUES ($1, 'r-1', $2, $3)",
        [g.id, keys.publicKeyBase64, g.active ?? true],
      );
    }
    for (const m of spec.meters) {
      await client.query(
        "INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w) VALUES ($1, $2, $3, $4, $5)",
        [m.id, `site-${m.customerId}`, m.gatewayId, m.kind ?? "grid", m.ratedPowerW ?? 11_000],
      );
    }
  } finally {
    await client.end();
  }
  return { gateways };
}

/** A settable clock for the ingest config. */
export function testClock(start: string) {
  let current = new Date(start);
  return {
    now: () => new Date(current.getTime()),
    set: (iso: string) => {
      current = new Date(iso);
    },
  };
}

export function baseConfig(params: {
  databaseUrl: string;
  mqttUrl: string;
  topicRoot: string;
  clientId: string;
  now: () => Date;
  chain?: IngestConfig["chain"];
  logs?: string[];
}): IngestConfig {
  return {
    databaseUrl: params.databaseUrl,
    mqttUrl: params.mqttUrl,
    topicRoot: params.topicRoot,
    clientId: params.clientId,
    chain: params.chain ?? null,
    settlementPeriodMinutes: 60,
    settlementMaxWaitSeconds: 1800,
    clockSkewSeconds: 300,
    // Only explicit flushes in tests (the size trigger never fires, the wait trigger is far away).
    batch: { maxMessages: 10_000, maxWaitMs: 600_000 },
    settleIntervalMs: 3_600_000,
    log: (msg, fields) => params.logs?.push(fields ? `${msg} ${JSON.stringify(fields)}` : msg),
    now: params.now,
  };
}

/** Polls until `check` returns true (e.g. until the broker delivered the published messages). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Plain queries for assertions. */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Removes a persistent MQTT session from the broker (matters on a shared Mosquitto). */
export async function purgeSession(mqttUrl: string, clientId: string): Promise<void> {
  const { default: mqtt } = await import("mqtt");
  const client = await mqtt.connectAsync(mqttUrl, { clientId, clean: true, reconnectPeriod: 0 });
  await client.endAsync();
}

/**
 * The C4E contracts on a test chain: deployed by dev account 0 with dev account 1 as minter, periods of
 * `periodSeconds` and a cap no test reaches.
 */
export async function deployOnTestChain(
  url: string,
  periodSeconds: number,
): Promise<{ publicClient: PublicClient; deployment: Deployment }> {
  const chain = { ...hardhat, rpcUrls: { default: { http: [url] } } };
  const publicClient = createPublicClient({ chain, transport: http(url), pollingInterval: 100 });
  const walletClient = createWalletClient({ chain, transport: http(url), account: devAccount(0) });
  const deployment = await deployC4E({
    publicClient,
    walletClient,
    minter: devAccount(1).address,
    periodSeconds,
    periodMintCap: 10n ** 30n,
  });
  return { publicClient, deployment };
}
