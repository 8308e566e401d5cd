// Shared helpers of fault cases 1–3 (bench/faults): signed gateway bursts whose PUBACKs are tracked,
// waiting, the chain's mint events and the machine's load.
import { loadavg } from "node:os";
import { rewardMinterAbi } from "@c4e/contracts";
import mqtt, { type MqttClient } from "mqtt";
import type pg from "pg";
import { createPublicClient, http } from "viem";
import type { Fleet } from "@c4e/stack/demo/fleet";
import { demoGatewayKeyPair } from "@c4e/stack/demo/keys";
import { chainFor } from "@c4e/stack/deployment";
import { encodeGatewayMessage } from "@c4e/stack/simulator/gateway-message";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `check` returns a truthy value; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export const loadAverage = () => loadavg().map((l) => +l.toFixed(2));

export type BurstMessage = { gatewayId: string; messageId: string; topic: string; payload: string };

/**
 * One signed message per gateway and step (every household: grid and PV meter, import and export),
 * steps 15 minutes apart ending at the last full quarter hour `endOffsetSteps` quarters ago.
 * Rows in `reading`: messages × households × 2 meters × 2 registers.
 */
export function signBurst(fleet: Fleet, steps: number, topicRoot: string, label: string): BurstMessage[] {
  const end = Math.floor(Date.now() / 900_000) * 900_000;
  const t0 = end - steps * 900_000;
  const out: BurstMessage[] = [];
  for (let s = 1; s <= steps; s++) {
    const at = new Date(t0 + s * 900_000);
    for (const g of fleet.gateways) {
      const readings = g.households.flatMap((h) => [
        { meterId: h.gridMeterId, at, importWh: BigInt(s * 100), exportWh: BigInt(s * 300) },
        { meterId: h.pvMeterId, at, importWh: 0n, exportWh: BigInt(s * 500) },
      ]);
      const messageId = `${label}-${s}`;
      out.push({
        gatewayId: g.id,
        messageId,
        topic: `${topicRoot}/gateways/${g.id}/readings`,
        payload: encodeGatewayMessage({
          gatewayId: g.id,
          messageId,
          sentAt: at,
          readings,
          privateKey: demoGatewayKeyPair(g.id).privateKey,
        }),
      });
    }
  }
  return out;
}

export const key = (m: { gatewayId: string; messageId: string }) => `${m.gatewayId}/${m.messageId}`;

/**
 * Gateways publishing a burst with QoS 1, one MQTT connection each (as the fleet does). A gateway
 * keeps a message until the broker's PUBACK; MQTT.js resends unacknowledged ones after a reconnect.
 * `acked` holds every message a gateway got a PUBACK for: those the broker must never lose.
 */
export type Burst = {
  acked: Set<string>;
  /** every publish acknowledged */
  done: Promise<void>;
  close: () => Promise<void>;
};

export async function publishBurst(
  url: string,
  messages: BurstMessage[],
  options: {
    credentials?: (gatewayId: string) => { username: string; password: string };
    /** spreads the burst: message i is published i / ratePerSecond seconds after the start */
    ratePerSecond?: number;
  } = {},
): Promise<Burst> {
  const byGateway = new Map<string, BurstMessage[]>();
  for (const m of messages) byGateway.set(m.gatewayId, [...(byGateway.get(m.gatewayId) ?? []), m]);
  const clients: MqttClient[] = [];
  await Promise.all(
    [...byGateway.keys()].map(async (gatewayId) => {
      const c = await mqtt.connectAsync(url, {
        clientId: `gw-${gatewayId}`,
        clean: true,
        reconnectPeriod: 300,
        connectTimeout: 5_000,
        ...options.credentials?.(gatewayId),
      });
      c.on("error", () => {});
      clients.push(c);
    }),
  );
  const acked = new Set<string>();
  const clientOf = new Map([...byGateway.keys()].map((id, i) => [id, clients[i] as MqttClient]));
  const rate = options.ratePerSecond;
  const done = Promise.all(
    messages.map(async (m, i) => {
      if (rate) await sleep((i * 1000) / rate);
      await (clientOf.get(m.gatewayId) as MqttClient).publishAsync(m.topic, m.payload, { qos: 1 });
      acked.add(key(m));
    }),
  ).then(() => {});
  done.catch(() => {});
  return {
    acked,
    done,
    close: async () => {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    },
  };
}

/** Which of `keys` (gateway/message) are in ingest_message. */
export async function storedMessages(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ k: string }>(
    "SELECT gateway_id || '/' || message_id AS k FROM ingest_message",
  );
  return new Set(rows.map((r) => r.k));
}

/** Counts of what ingest stored. */
export async function storedCounts(pool: pg.Pool) {
  const { rows } = await pool.query<{
    messages: string;
    redeliveries: string;
    readings: string;
    rejected: string;
  }>(
    `SELECT (SELECT count(*) FROM ingest_message) AS messages,
            (SELECT coalesce(sum(redeliveries), 0) FROM ingest_message) AS redeliveries,
            (SELECT count(*) FROM reading) AS readings,
            (SELECT count(*) FROM rejected_input) AS rejected`,
  );
  const r = rows[0];
  return {
    messages: Number(r?.messages),
    redeliveries: Number(r?.redeliveries),
    readingRows: Number(r?.readings),
    rejected: Number(r?.rejected),
  };
}

/** Reward batches by status. */
export async function batchStatus(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string; n: string }>(
    "SELECT status::text AS status, count(*) AS n FROM reward_batch GROUP BY status",
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/**
 * Compares the database's reward batches with the chain: every RewardBatchMinted event of the
 * RewardMinter, grouped by batch id. A batch minted twice, a minted batch without its event or an
 * event for a batch the database does not know is reported.
 */
export async function mintAudit(
  pool: pg.Pool,
  rpcUrl: string,
  chainId: number,
  rewardMinter: `0x${string}`,
  minter: `0x${string}`,
) {
  const client = createPublicClient({ chain: chainFor(chainId, rpcUrl), transport: http(rpcUrl) });
  const events = await client.getContractEvents({
    address: rewardMinter,
    abi: rewardMinterAbi,
    eventName: "RewardBatchMinted",
    fromBlock: 0n,
  });
  const perBatch = new Map<string, number>();
  for (const e of events) {
    const id = String((e.args as { batchId?: string }).batchId).toLowerCase();
    perBatch.set(id, (perBatch.get(id) ?? 0) + 1);
  }
  const { rows } = await pool.query<{ id: string; status: string }>(
    "SELECT lower(id) AS id, status::text AS status FROM reward_batch",
  );
  const known = new Set(rows.map((r) => r.id));
  const mintedTwice = [...perBatch].filter(([, n]) => n > 1).map(([id]) => id);
  const mintedWithoutEvent = rows
    .filter((r) => r.status === "minted" && !perBatch.has(r.id))
    .map((r) => r.id);
  const eventsForUnknownBatch = [...perBatch.keys()].filter((id) => !known.has(id));
  const minterTransactions = await client.getTransactionCount({ address: minter });
  return {
    batches: rows.length,
    mintedBatches: rows.filter((r) => r.status === "minted").length,
    mintEvents: events.length,
    mintedTwice: mintedTwice.length,
    mintedWithoutEvent: mintedWithoutEvent.length,
    eventsForUnknownBatch: eventsForUnknownBatch.length,
    /** every transaction the minter key sent (mints, and any that reverted) */
    minterTransactions,
  };
}

/** Prints the case's JSON and sets the exit code. */
export function report(ok: boolean, result: object): void {
  console.log(JSON.stringify({ ok, ...result }, null, 2));
  process.exitCode = ok ? 0 : 1;
}
