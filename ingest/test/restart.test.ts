import { randomBytes } from "node:crypto";
import { createPool } from "@c4e/prisma";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  startTestBroker,
  type TestBroker,
  type TestDatabase,
} from "@c4e/stack/testing/index";
import { type Consumer, createConsumer } from "../src/consumer.ts";
import { createIngest } from "../src/index.ts";
import { processBatch } from "../src/process-batch.ts";
import { createGatewayKeyCache } from "../src/verify-signature.ts";
import {
  baseConfig,
  type Fixture,
  insertFixture,
  purgeSession,
  query,
  signedMessage,
  testClock,
  waitFor,
} from "./fixtures.ts";

describe("ingest: restart safety", () => {
  let db: TestDatabase;
  let broker: TestBroker;
  let fixture: Fixture;
  const clock = testClock("2026-11-01T12:00:00Z");

  beforeAll(async () => {
    db = await createTestDatabase("ingest_restart");
    broker = await startTestBroker();
    fixture = await insertFixture(db.url, {
      customers: [{ id: "c-1" }],
      gateways: [{ id: "gw-1" }],
      meters: [{ id: "m-1", gatewayId: "gw-1", customerId: "c-1" }],
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await db?.drop();
  });

  it("stores nothing twice when a consumer dies after a commit but before its acknowledgements", async () => {
    const clientId = `ingest-${randomBytes(4).toString("hex")}`;
    const topic = `${broker.topicRoot}/gateways/gw-1/readings`;
    const key = fixture.gateways["gw-1"]?.privateKey;
    if (!key) throw new Error("no key");
    const message = (n: number) =>
      signedMessage(
        {
          gatewayId: "gw-1",
          messageId: `msg-${n}`,
          readings: [
            {
              meterId: "m-1",
              at: `2026-11-01T${String(8 + n).padStart(2, "0")}:00:00Z`,
              importWh: 1000 * n,
              exportWh: 100 * n,
            },
          ],
        },
        key,
      );

    // Consumer A: batches of two; it "crashes" right after committing its first batch, so that batch's
    // PUBACKs are never sent and the third message (queued, not stored) is lost with it.
    const pool = createPool({ url: db.url });
    const deps = {
      pool,
      gatewayKeys: createGatewayKeyCache({ pool, ttlMs: 60_000, now: clock.now }),
      topicRoot: broker.topicRoot,
      clockSkewMs: 300_000,
      rewardMaxGapMinutes: 60,
      log: () => {},
    };
    let committedBatches = 0;
    const consumerA: Consumer = createConsumer({
      mqttUrl: broker.url,
      topicRoot: broker.topicRoot,
      clientId,
      batch: { maxMessages: 2, maxWaitMs: 600_000 },
      now: clock.now,
      log: () => {},
      onBatch: async (messages) => {
        await processBatch(deps, messages);
        committedBatches++;
        consumerA.abort(); // crash between COMMIT and PUBACK
      },
    });
    await consumerA.start();

    const publisher = await mqtt.connectAsync(broker.url, {
      clientId: `pub-${randomBytes(4).toString("hex")}`,
    });
    for (const n of [1, 2, 3]) await publisher.publishAsync(topic, message(n), { qos: 1 });
    await waitFor(() => committedBatches === 1, "consumer A's first batch");
    expect(consumerA.status()).toMatchObject({ connected: false, queued: 0 });
    expect(await query(db.url, "SELECT 1 FROM ingest_message")).toHaveLength(2);
    await pool.end();

    // Consumer B (the real service, same client id): the broker redelivers all three.
    const ingest = createIngest(
      baseConfig({
        databaseUrl: db.url,
        mqttUrl: broker.url,
        topicRoot: broker.topicRoot,
        clientId,
        now: clock.now,
      }),
    );
    await ingest.start();
    await waitFor(() => ingest.stats().received >= 3, "the redelivered messages");
    await ingest.flush();
    // The two committed messages come back: counted, not stored again, no rejected_input rows.
    expect(ingest.stats()).toMatchObject({
      storedMessages: 1,
      duplicateMessages: 2,
      acceptedReadings: 1,
      rejected: 0,
    });

    const readings = await query<{ at: Date; register: string; delta_wh: string | null }>(
      db.url,
      "SELECT at, register, delta_wh::text FROM reading ORDER BY at, register",
    );
    expect(readings.map((r) => [r.at.toISOString(), r.register, r.delta_wh])).toEqual([
      ["2026-11-01T09:00:00.000Z", "export", null],
      ["2026-11-01T09:00:00.000Z", "import", null],
      ["2026-11-01T10:00:00.000Z", "export", "100"],
      ["2026-11-01T10:00:00.000Z", "import", "1000"],
      ["2026-11-01T11:00:00.000Z", "export", "100"],
      ["2026-11-01T11:00:00.000Z", "import", "1000"],
    ]);
    expect(
      await query(
        db.url,
        "SELECT message_id, redeliveries, last_redelivered_at IS NOT NULL AS seen FROM ingest_message ORDER BY 1",
      ),
    ).toEqual([
      { message_id: "msg-1", redeliveries: 1, seen: true },
      { message_id: "msg-2", redeliveries: 1, seen: true },
      { message_id: "msg-3", redeliveries: 0, seen: false },
    ]);
    expect(await query(db.url, "SELECT reason, message_id FROM rejected_input ORDER BY id")).toEqual([]);
    const heartbeat = await query<{ detail: { duplicateMessages: number } }>(
      db.url,
      "SELECT detail FROM service_heartbeat WHERE service = 'ingest'",
    );
    expect(heartbeat[0]?.detail.duplicateMessages).toBe(2);

    // Everything is acknowledged now: a restart gets nothing again.
    await ingest.stop();
    await publisher.publishAsync(topic, message(4), { qos: 1 });
    const again = createIngest(
      baseConfig({
        databaseUrl: db.url,
        mqttUrl: broker.url,
        topicRoot: broker.topicRoot,
        clientId,
        now: clock.now,
      }),
    );
    await again.start();
    await waitFor(() => again.stats().received >= 1, "the message published while ingest was down");
    await again.flush();
    expect(again.stats()).toMatchObject({
      received: 1,
      storedMessages: 1,
      duplicateMessages: 0,
      rejected: 0,
    });
    await again.stop();
    await publisher.endAsync();
    await purgeSession(broker.url, clientId);
  });
});
