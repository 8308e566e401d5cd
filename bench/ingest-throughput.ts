// Ingest throughput: signed gateway messages over MQTT into Postgres, wall-clock until all are stored,
// then the same rows written by raw COPY into the same tables, side by side (the ratio is printed).
// Usage: npx tsx bench/ingest-throughput.ts [--gateways 50] [--meters 20] [--steps 8] [--timeout 600]
//        [--no-latest-cache] [--no-verify-ahead]  (ingest without its cache of each meter's latest
//        reading, or without verifying the next batch during the current one: A/B runs)
//        (embedded Postgres and aedes; set DATABASE_URL / MQTT_URL to measure real services)
import { mkdtempSync, rmSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable, Writable } from "node:stream";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createIngest } from "@c4e/ingest";
import { createPool } from "@c4e/prisma";
import mqtt from "mqtt";
import { demoFleet, seedFleet } from "@c4e/stack/demo/fleet";
import { demoGatewayKeyPair } from "@c4e/stack/demo/keys";
import { LOCAL_CHAIN_ID } from "@c4e/stack/dev-accounts";
import { startEmbeddedBroker } from "@c4e/stack/embedded/broker";
import { freePort } from "@c4e/stack/embedded/ports";
import { startEmbeddedPostgres } from "@c4e/stack/embedded/postgres";
import { migrateDatabase } from "@c4e/stack/services";
import { encodeGatewayMessage } from "@c4e/stack/simulator/gateway-message";

const { values } = parseArgs({
  options: {
    gateways: { type: "string", default: "50" },
    meters: { type: "string", default: "20" },
    steps: { type: "string", default: "8" },
    // seconds until the run is declared stalled (exit code 1)
    timeout: { type: "string", default: "600" },
    // measure without ingest's per-process cache of each meter's latest reading (A/B)
    "no-latest-cache": { type: "boolean", default: false },
    // measure without verifying the next batch while the current one is stored (A/B)
    "no-verify-ahead": { type: "boolean", default: false },
  },
});
const gateways = Number(values.gateways);
const meters = Number(values.meters);
const steps = Number(values.steps);
const timeoutMs = Number(values.timeout) * 1000;

/** The tables ingest writes for these messages (no intervals, nothing rejected): the COPY reference. */
const WRITTEN_TABLES = ["reading", "ingest_message", "meter_reward_baseline"];

const setupStart = performance.now();
const dir = mkdtempSync(join(tmpdir(), "c4e-bench-"));
const cleanups: (() => Promise<void>)[] = [];
try {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const { chmodSync } = await import("node:fs");
    chmodSync(dir, 0o755);
    const pg = await startEmbeddedPostgres({
      dataDir: join(dir, "pg"),
      port: await freePort(),
      database: "bench",
    });
    cleanups.push(pg.stop);
    databaseUrl = pg.url;
  }
  await migrateDatabase(databaseUrl, () => {});
  let mqttUrl = process.env.MQTT_URL;
  if (!mqttUrl) {
    const broker = await startEmbeddedBroker({ port: await freePort() });
    cleanups.push(broker.stop);
    mqttUrl = broker.url;
  }
  const pool = createPool({ url: databaseUrl });
  cleanups.push(() => pool.end());
  const fleet = demoFleet({ gateways, meters });
  await seedFleet(pool, fleet, { chainId: LOCAL_CHAIN_ID }); // demo master data; nothing is minted here
  await pool.query(`TRUNCATE ${WRITTEN_TABLES.join(", ")}, reading_interval, rejected_input`);
  const setupSeconds = (performance.now() - setupStart) / 1000;

  const topicRoot = `bench${Date.now()}/c4e/v1`;
  const ingest = createIngest({
    databaseUrl,
    mqttUrl,
    topicRoot,
    clientId: `bench-ingest-${Date.now()}`,
    chain: null,
    settlementPeriodMinutes: 15,
    settlementMaxWaitSeconds: 3600,
    clockSkewSeconds: 120,
    batch: { maxMessages: 500, maxWaitMs: 200 },
    settleIntervalMs: 3_600_000,
    cacheLatestReadings: !values["no-latest-cache"],
    verifyAhead: !values["no-verify-ahead"],
    log: () => {},
  });
  await ingest.start();
  let ingestStopped = false;
  cleanups.push(async () => {
    if (!ingestStopped) await ingest.stop();
  });

  // pre-sign every message so the measurement is ingest, not signing
  const t0 = Math.floor(Date.now() / 900_000) * 900_000 - steps * 900_000;
  const payloads: { topic: string; payload: string }[] = [];
  for (let s = 1; s <= steps; s++) {
    const at = new Date(t0 + s * 900_000);
    for (const g of fleet.gateways) {
      const readings = g.households.flatMap((h) => [
        { meterId: h.gridMeterId, at, importWh: BigInt(s * 100), exportWh: BigInt(s * 300) },
        { meterId: h.pvMeterId, at, importWh: 0n, exportWh: BigInt(s * 500) },
      ]);
      payloads.push({
        topic: `${topicRoot}/gateways/${g.id}/readings`,
        payload: encodeGatewayMessage({
          gatewayId: g.id,
          messageId: `bench-${s}`,
          sentAt: at,
          readings,
          privateKey: demoGatewayKeyPair(g.id).privateKey,
        }),
      });
    }
  }
  const expectedRows = steps * gateways * meters * 2 * 2;
  const publisher = await mqtt.connectAsync(mqttUrl);
  const start = performance.now();
  await Promise.all(payloads.map((p) => publisher.publishAsync(p.topic, p.payload, { qos: 1 })));
  const published = performance.now();
  let storedRows = 0;
  for (;;) {
    const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM reading");
    storedRows = Number(rows[0]?.n);
    if (storedRows >= expectedRows) break;
    if (performance.now() - start > timeoutMs) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const done = performance.now();
  await publisher.endAsync();
  const seconds = (done - start) / 1000;
  const readings = expectedRows / 2;
  const stats = ingest.stats();
  await ingest.stop();
  ingestStopped = true;

  // Raw COPY of exactly the rows ingest wrote, into the same tables with the same indexes: dumped,
  // truncated, then timed while they are copied back in one transaction.
  const dumps = new Map<string, Buffer>();
  const client = await pool.connect();
  try {
    for (const table of WRITTEN_TABLES) {
      const chunks: Buffer[] = [];
      await pipeline(
        client.query(copyTo(`COPY (SELECT * FROM ${table}) TO STDOUT (FORMAT binary)`)),
        new Writable({
          write(chunk: Buffer, _enc, cb) {
            chunks.push(chunk);
            cb();
          },
        }),
      );
      dumps.set(table, Buffer.concat(chunks));
    }
    await client.query(`TRUNCATE ${WRITTEN_TABLES.join(", ")}`);
    await client.query("CHECKPOINT");
  } finally {
    client.release();
  }
  const copyClient = await pool.connect();
  const copyStart = performance.now();
  try {
    await copyClient.query("BEGIN");
    for (const table of WRITTEN_TABLES) {
      await pipeline(
        Readable.from([dumps.get(table) as Buffer]),
        copyClient.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT binary)`)),
      );
    }
    await copyClient.query("COMMIT");
  } finally {
    copyClient.release();
  }
  const copySeconds = (performance.now() - copyStart) / 1000;
  const { rows: copied } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM reading");
  if (Number(copied[0]?.n) !== storedRows) throw new Error("the COPY reference did not restore every row");
  if (storedRows < expectedRows) {
    process.exitCode = 1;
    console.error(`stalled: ${storedRows} of ${expectedRows} rows stored after ${seconds.toFixed(0)} s`);
  }
  console.log(
    JSON.stringify(
      {
        gateways,
        latestCache: !values["no-latest-cache"],
        verifyAhead: !values["no-verify-ahead"],
        metersPerGateway: meters * 2,
        messages: payloads.length,
        readings,
        rows: expectedRows,
        publishSeconds: +((published - start) / 1000).toFixed(2),
        totalSeconds: +seconds.toFixed(2),
        messagesPerSecond: Math.round(payloads.length / seconds),
        readingsPerSecond: Math.round(readings / seconds),
        copySeconds: +copySeconds.toFixed(2),
        copyReadingsPerSecond: Math.round(readings / copySeconds),
        // ingest's readings/s over raw COPY's readings/s (target ≥ 0.6, issue 15)
        copyRatio: +(copySeconds / seconds).toFixed(3),
        setupSeconds: +setupSeconds.toFixed(2),
        storedRows,
        batches: stats.batches,
        storedMessages: stats.storedMessages,
        duplicateMessages: stats.duplicateMessages,
        rejected: stats.rejected,
        phasesMs: Object.fromEntries(Object.entries(stats.phases).map(([k, v]) => [k, Math.round(v)])),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      null,
      2,
    ),
  );
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
