import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestBroker, startTestChain } from "@c4e/stack/testing/index";
import { probeMqttBroker } from "@/server/core/broker.ts";
import { createChainClient } from "@/server/core/chain.ts";
import { getIngestHealth } from "@/server/admin/gateways.ts";
import { checkHealth, type HealthDeps, secretsOf } from "@/server/core/health.ts";
import { CHAIN_ID } from "./fixtures.ts";

let db: pg.Pool;
let deps: HealthDeps;
let chainUrl: string;
let brokerUrl: string;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const [database, broker, chain] = await Promise.all([
    createTestDatabase("web_health"),
    startTestBroker(),
    startTestChain(),
  ]);
  cleanup.push(database.drop, broker.stop, chain.stop);
  db = createPool({ url: database.url, max: 4 });
  cleanup.push(() => db.end());
  chainUrl = chain.url;
  brokerUrl = broker.url;
  deps = {
    db,
    chain: createChainClient({ rpcUrl: chain.url, chainId: CHAIN_ID }),
    probeBroker: () => probeMqttBroker(broker.url, 2000),
    expectedChainId: CHAIN_ID,
    secrets: secretsOf(database.url, chain.url, broker.url),
  };
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function heartbeats(indexerAge: string, ingestAge: string, indexedBlock: number) {
  await db.query("DELETE FROM service_heartbeat");
  await db.query("DELETE FROM chain_checkpoint");
  await db.query(
    `INSERT INTO service_heartbeat (service, last_seen_at, last_message_at) VALUES
       ('indexer', now() - $1::interval, NULL), ('ingest', now() - $2::interval, now() - $2::interval)`,
    [indexerAge, ingestAge],
  );
  await db.query(
    `INSERT INTO chain_checkpoint (chain_id, block_number, block_hash, head_number) VALUES ($1, $2, '0x', $2)`,
    [CHAIN_ID, indexedBlock],
  );
}

describe("health", () => {
  it("is ok when every component is up and the services' heartbeats are fresh", async () => {
    const head = Number(await deps.chain.getBlockNumber());
    await heartbeats("5 seconds", "5 seconds", head);
    const report = await checkHealth(deps);
    expect(report.status).toBe("ok");
    expect(report.components.database.ok).toBe(true);
    expect(report.components.broker).toEqual({ ok: true });
    expect(report.components.chain).toEqual({ ok: true, chainId: CHAIN_ID, head });
    expect(report.components.indexer).toMatchObject({ ok: true, indexedBlock: head, head, lag: 0 });
    expect(report.components.ingest.ok).toBe(true);
  });

  it("is degraded when a heartbeat is stale or missing", async () => {
    const head = Number(await deps.chain.getBlockNumber());
    await heartbeats("5 seconds", "2 minutes", head);
    const report = await checkHealth(deps);
    expect(report.status).toBe("degraded");
    expect(report.components.ingest).toMatchObject({ ok: false, error: "heartbeat older than 60 s" });
    await db.query("DELETE FROM service_heartbeat");
    const none = await checkHealth(deps);
    expect(none.components.indexer).toMatchObject({ ok: false, error: "no heartbeat" });
  });

  it("is degraded when ingest's oldest unacknowledged message waits too long (stalled consumer)", async () => {
    const head = Number(await deps.chain.getBlockNumber());
    await heartbeats("5 seconds", "5 seconds", head);
    const detail = (oldestAgo: string) =>
      db.query(
        `UPDATE service_heartbeat
            SET detail = jsonb_build_object('queued', 1200, 'oldestQueuedAt', now() - $1::interval,
                                            'lastError', 'out of shared memory')
          WHERE service = 'ingest'`,
        [oldestAgo],
      );
    await detail("10 seconds");
    const busy = await checkHealth(deps);
    expect(busy.components.ingest).toMatchObject({ ok: true, queued: 1200, oldestQueuedSeconds: 10 });
    await detail("5 minutes");
    const stalled = await checkHealth(deps);
    expect(stalled.status).toBe("degraded");
    expect(stalled.components.ingest).toMatchObject({
      ok: false,
      queued: 1200,
      oldestQueuedSeconds: 300,
      error:
        "stalled or lagging: the oldest of 1200 unacknowledged messages waits 300 s (out of shared memory)",
    });
    const page = await getIngestHealth(db);
    expect(page).toMatchObject({ ok: false, lagging: true, queued: 1200, oldestQueuedSeconds: 300 });
  });

  it("reports unreachable chain and broker without leaking their URLs or passwords", async () => {
    const rpcUrl = "http://127.0.0.1:9/secret-api-key";
    const mqttUrl = "mqtt://user:hunter22@127.0.0.1:9";
    const report = await checkHealth({
      ...deps,
      chain: createChainClient({ rpcUrl, chainId: CHAIN_ID }),
      probeBroker: () => probeMqttBroker(mqttUrl, 2000),
      secrets: secretsOf(rpcUrl, mqttUrl),
    });
    expect(report.status).toBe("degraded");
    expect(report.components.chain).toMatchObject({ ok: false, chainId: null, head: null });
    expect(report.components.broker.ok).toBe(false);
    const text = JSON.stringify(report);
    expect(text).not.toContain("secret-api-key");
    expect(text).not.toContain("hunter22");
    expect(text).not.toContain(chainUrl);
    expect(text).not.toContain(brokerUrl);
  });
});
