import { randomBytes } from "node:crypto";
import { MAX_PAYLOAD_BYTES } from "@c4e/domain";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  startTestBroker,
  type TestBroker,
  type TestDatabase,
} from "@c4e/stack/testing/index";
import { createIngest, type Ingest } from "../src/index.ts";
import {
  baseConfig,
  body,
  envelope,
  type Fixture,
  insertFixture,
  purgeSession,
  query,
  signedMessage,
  testClock,
  waitFor,
} from "./fixtures.ts";

type ReadingRow = {
  meter_id: string;
  at: Date;
  register: string;
  value_wh: string;
  delta_wh: string | null;
  message_id: string;
};
type RejectedRow = {
  topic: string;
  gateway_id: string | null;
  message_id: string | null;
  meter_id: string | null;
  reading_at: Date | null;
  reason: string;
  detail: string;
  payload: string;
};

describe("ingest: verification, plausibility and storage", () => {
  let db: TestDatabase;
  let broker: TestBroker;
  let fixture: Fixture;
  let ingest: Ingest;
  let publisher: MqttClient;
  let clientId: string;
  const clock = testClock("2026-11-01T12:00:00Z");
  const logs: string[] = [];
  const topic = (gatewayId: string) => `${broker.topicRoot}/gateways/${gatewayId}/readings`;
  const keyOf = (gatewayId: string) => {
    const keys = fixture.gateways[gatewayId];
    if (!keys) throw new Error(`no gateway ${gatewayId}`);
    return keys.privateKey;
  };

  /** Publishes (QoS 1), waits until ingest received everything so far, then stores it as one batch. */
  let published = 0;
  async function publishAll(messages: { topic: string; payload: string | Buffer }[]) {
    for (const m of messages) await publisher.publishAsync(m.topic, m.payload, { qos: 1 });
    published += messages.length;
    await waitFor(() => ingest.stats().received >= published, `${published} messages at ingest`);
  }

  beforeAll(async () => {
    db = await createTestDatabase("ingest_messages");
    broker = await startTestBroker();
    fixture = await insertFixture(db.url, {
      customers: [{ id: "c-1", wallet: "0x1111111111111111111111111111111111111111" }, { id: "c-2" }],
      gateways: [{ id: "gw-1" }, { id: "gw-2" }, { id: "gw-off", active: false }],
      meters: [
        { id: "m-1", gatewayId: "gw-1", customerId: "c-1", ratedPowerW: 11_000 },
        { id: "m-2", gatewayId: "gw-1", customerId: "c-2", ratedPowerW: 11_000 },
        { id: "m-3", gatewayId: "gw-2", customerId: "c-2", ratedPowerW: 11_000 },
      ],
    });
    clientId = `ingest-${randomBytes(4).toString("hex")}`;
    ingest = createIngest(
      baseConfig({
        databaseUrl: db.url,
        mqttUrl: broker.url,
        topicRoot: broker.topicRoot,
        clientId,
        now: clock.now,
        logs,
      }),
    );
    await ingest.start();
    publisher = await mqtt.connectAsync(broker.url, { clientId: `pub-${randomBytes(4).toString("hex")}` });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await ingest?.stop();
    if (broker) await purgeSession(broker.url, clientId);
    await broker?.stop();
    await db?.drop();
  });

  it("stores a batch with every kind of bad input, keeping the good parts, and keeps running", async () => {
    const msgA = signedMessage(
      {
        gatewayId: "gw-1",
        messageId: "msg-a",
        readings: [
          { meterId: "m-1", at: "2026-11-01T10:00:00Z", importWh: 1000, exportWh: 500 },
          {
            meterId: "m-1",
            at: "2026-11-01T10:15:00Z",
            importWh: 1100,
            exportWh: 700,
            intervals: [
              { start: "2026-11-01T10:00:00Z", end: "2026-11-01T10:15:00Z", importWh: 100, exportWh: 200 },
            ],
          },
        ],
      },
      keyOf("gw-1"),
    );
    // the same message id with another body (a gateway that reused an id): not a redelivery
    const msgAReused = signedMessage(
      {
        gatewayId: "gw-1",
        messageId: "msg-a",
        readings: [{ meterId: "m-1", at: "2026-11-01T10:20:00Z", importWh: 1120, exportWh: 720 }],
      },
      keyOf("gw-1"),
    );
    const oversized = JSON.stringify({
      v: 1,
      alg: "ed25519",
      body: "x".repeat(MAX_PAYLOAD_BYTES),
      sig: "AA==",
    });
    await publishAll([
      { topic: topic("gw-1"), payload: msgA },
      { topic: topic("gw-1"), payload: "{not json" },
      { topic: topic("gw-1"), payload: JSON.stringify({ v: 1, alg: "ed25519", body: "{}" }) },
      {
        topic: topic("gw-unknown"),
        payload: signedMessage({ gatewayId: "gw-unknown", messageId: "u-1", readings: [] }, keyOf("gw-1")),
      },
      {
        topic: topic("gw-off"),
        payload: signedMessage({ gatewayId: "gw-off", messageId: "off-1", readings: [] }, keyOf("gw-off")),
      },
      {
        // signed with gw-2's key, published as gw-1
        topic: topic("gw-1"),
        payload: signedMessage({ gatewayId: "gw-1", messageId: "forged", readings: [] }, keyOf("gw-2")),
      },
      {
        // a valid gw-1 signature over a body that claims to be gw-2
        topic: topic("gw-1"),
        payload: signedMessage({ gatewayId: "gw-2", messageId: "mismatch", readings: [] }, keyOf("gw-1")),
      },
      {
        topic: topic("gw-1"),
        payload: signedMessage(
          {
            gatewayId: "gw-1",
            messageId: "msg-mixed",
            readings: [
              { meterId: "m-3", at: "2026-11-01T10:15:00Z", importWh: 1, exportWh: 1 },
              { meterId: "m-404", at: "2026-11-01T10:15:00Z", importWh: 1, exportWh: 1 },
              { meterId: "m-2", at: "2026-11-01T10:15:00Z", importWh: -5, exportWh: 1 },
              { meterId: "m-2", at: "2026-11-01T10:15:00Z", importWh: 2000, exportWh: 300 },
            ],
          },
          keyOf("gw-1"),
        ),
      },
      {
        // export 600 at 10:30 is below the 700 that msg-a (same batch) stored at 10:15
        topic: topic("gw-1"),
        payload: signedMessage(
          {
            gatewayId: "gw-1",
            messageId: "msg-decrease",
            readings: [{ meterId: "m-1", at: "2026-11-01T10:30:00Z", importWh: 1150, exportWh: 600 }],
          },
          keyOf("gw-1"),
        ),
      },
      {
        // 10 kWh in 30 minutes = 20 kW on an 11 kW meter
        topic: topic("gw-1"),
        payload: signedMessage(
          {
            gatewayId: "gw-1",
            messageId: "msg-power",
            readings: [{ meterId: "m-1", at: "2026-11-01T10:45:00Z", importWh: 11_100, exportWh: 700 }],
          },
          keyOf("gw-1"),
        ),
      },
      {
        // an hour after "now" (12:00), beyond the 300 s clock skew
        topic: topic("gw-1"),
        payload: signedMessage(
          {
            gatewayId: "gw-1",
            messageId: "msg-future",
            readings: [{ meterId: "m-2", at: "2026-11-01T13:00:00Z", importWh: 2100, exportWh: 300 }],
          },
          keyOf("gw-1"),
        ),
      },
      { topic: topic("gw-1"), payload: msgA }, // the same message again: counted, not stored
      { topic: topic("gw-1"), payload: msgAReused },
      { topic: topic("gw-1"), payload: oversized },
      { topic: `${broker.topicRoot}/gateways/gw-1/extra/readings`, payload: msgA },
      { topic: `${broker.topicRoot}/gateways/gw-1/status`, payload: "online" },
      {
        topic: topic("gw-1"),
        payload: signedMessage(
          {
            gatewayId: "gw-1",
            messageId: "msg-b",
            readings: [
              { meterId: "m-1", at: "2026-11-01T10:15:00Z", importWh: 1100, exportWh: 700 }, // duplicate reading
              { meterId: "m-1", at: "2026-11-01T11:00:00Z", importWh: 1300, exportWh: 900 },
            ],
          },
          keyOf("gw-1"),
        ),
      },
    ]);
    await ingest.flush();

    const readings = await query<ReadingRow>(
      db.url,
      "SELECT meter_id, at, register, value_wh::text, delta_wh::text, message_id FROM reading ORDER BY meter_id, at, register",
    );
    expect(
      readings.map((r) => [r.meter_id, r.at.toISOString(), r.register, r.value_wh, r.delta_wh, r.message_id]),
    ).toEqual([
      ["m-1", "2026-11-01T10:00:00.000Z", "export", "500", null, "msg-a"],
      ["m-1", "2026-11-01T10:00:00.000Z", "import", "1000", null, "msg-a"],
      ["m-1", "2026-11-01T10:15:00.000Z", "export", "700", "200", "msg-a"],
      ["m-1", "2026-11-01T10:15:00.000Z", "import", "1100", "100", "msg-a"],
      // delta against msg-a's 10:15, accepted earlier in the same batch
      ["m-1", "2026-11-01T11:00:00.000Z", "export", "900", "200", "msg-b"],
      ["m-1", "2026-11-01T11:00:00.000Z", "import", "1300", "200", "msg-b"],
      ["m-2", "2026-11-01T10:15:00.000Z", "export", "300", null, "msg-mixed"],
      ["m-2", "2026-11-01T10:15:00.000Z", "import", "2000", null, "msg-mixed"],
    ]);

    const intervals = await query<{ register: string; energy_wh: string }>(
      db.url,
      "SELECT register, energy_wh::text FROM reading_interval WHERE meter_id = 'm-1' ORDER BY register",
    );
    expect(intervals).toEqual([
      { register: "export", energy_wh: "200" },
      { register: "import", energy_wh: "100" },
    ]);

    const messages = await query<{
      message_id: string;
      accepted: number;
      duplicates: number;
      rejected: number;
    }>(db.url, "SELECT message_id, accepted, duplicates, rejected FROM ingest_message ORDER BY message_id");
    expect(messages).toEqual([
      { message_id: "msg-a", accepted: 2, duplicates: 0, rejected: 0 },
      { message_id: "msg-b", accepted: 1, duplicates: 1, rejected: 0 },
      { message_id: "msg-decrease", accepted: 0, duplicates: 0, rejected: 1 },
      { message_id: "msg-future", accepted: 0, duplicates: 0, rejected: 1 },
      { message_id: "msg-mixed", accepted: 1, duplicates: 0, rejected: 3 },
      { message_id: "msg-power", accepted: 0, duplicates: 0, rejected: 1 },
    ]);

    const rejected = await query<RejectedRow>(
      db.url,
      "SELECT topic, gateway_id, message_id, meter_id, reading_at, reason, detail, payload FROM rejected_input ORDER BY id",
    );
    expect(rejected.map((r) => [r.reason, r.gateway_id, r.message_id, r.meter_id])).toEqual([
      ["malformed_json", "gw-1", null, null],
      ["malformed_envelope", "gw-1", null, null],
      ["unknown_gateway", "gw-unknown", null, null],
      ["unknown_gateway", "gw-off", null, null],
      ["bad_signature", "gw-1", null, null],
      ["gateway_mismatch", "gw-1", null, null],
      ["malformed_reading", "gw-1", "msg-mixed", "m-2"],
      ["meter_of_other_gateway", "gw-1", "msg-mixed", "m-3"],
      ["unknown_meter", "gw-1", "msg-mixed", "m-404"],
      ["register_decreased", "gw-1", "msg-decrease", "m-1"],
      ["power_exceeds_rating", "gw-1", "msg-power", "m-1"],
      ["future_instant", "gw-1", "msg-future", "m-2"],
      ["duplicate_message", "gw-1", "msg-a", null],
      ["payload_too_large", null, null, null],
      ["wrong_topic", null, null, null],
      ["wrong_topic", null, null, null],
    ]);
    const byReason = (reason: string) => rejected.filter((r) => r.reason === reason);
    // message-level rejections keep the raw message, reading-level ones the reading's JSON as sent
    expect(byReason("malformed_json")[0]?.payload).toBe("{not json");
    expect(byReason("duplicate_message")[0]?.payload).toBe(msgAReused);
    expect(byReason("duplicate_message")[0]?.detail).toContain("different body");
    // the identical copy is only counted on its message row
    expect(await query(db.url, "SELECT redeliveries FROM ingest_message WHERE message_id = 'msg-a'")).toEqual(
      [{ redeliveries: 1 }],
    );
    expect(JSON.parse(byReason("unknown_meter")[0]?.payload ?? "")).toEqual({
      meterId: "m-404",
      at: "2026-11-01T10:15:00Z",
      importWh: 1,
      exportWh: 1,
    });
    expect(JSON.parse(byReason("malformed_reading")[0]?.payload ?? "").importWh).toBe(-5);
    expect(byReason("register_decreased")[0]?.reading_at?.toISOString()).toBe("2026-11-01T10:30:00.000Z");
    expect(byReason("payload_too_large")[0]?.payload.length).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(byReason("wrong_topic").map((r) => r.topic)).toEqual([
      `${broker.topicRoot}/gateways/gw-1/extra/readings`,
      `${broker.topicRoot}/gateways/gw-1/status`,
    ]);
    for (const r of rejected) expect(r.detail.length).toBeGreaterThan(0);

    const stats = ingest.stats();
    expect(stats.rejected).toBe(16);
    expect(stats.duplicateMessages).toBe(1);
    expect(stats.rejectedByReason.wrong_topic).toBe(2);
    expect(stats.batches).toBe(1);

    // Still running: the next message is stored by the next batch.
    await publishAll([
      {
        topic: topic("gw-1"),
        payload: signedMessage(
          {
            gatewayId: "gw-1",
            messageId: "msg-c",
            readings: [{ meterId: "m-1", at: "2026-11-01T11:15:00Z", importWh: 1400, exportWh: 950 }],
          },
          keyOf("gw-1"),
        ),
      },
    ]);
    await ingest.flush();
    const latest = await query<{ delta_wh: string }>(
      db.url,
      "SELECT delta_wh::text FROM reading WHERE meter_id = 'm-1' AND at = '2026-11-01T11:15:00Z' AND register = 'export'",
    );
    expect(latest).toEqual([{ delta_wh: "50" }]);

    const heartbeat = await query<{
      last_message_at: Date | null;
      detail: { accepted: number; rejected: number };
    }>(db.url, "SELECT last_message_at, detail FROM service_heartbeat WHERE service = 'ingest'");
    expect(heartbeat[0]?.last_message_at?.toISOString()).toBe("2026-11-01T12:00:00.000Z");
    expect(heartbeat[0]?.detail).toMatchObject({ connected: true, queued: 0, accepted: 5, rejected: 16 });
  });

  it("re-bases the next reading's delta when a late reading lands between two stored ones", async () => {
    const send = (messageId: string, at: string, importWh: number, exportWh: number) => ({
      topic: topic("gw-1"),
      payload: signedMessage(
        { gatewayId: "gw-1", messageId, readings: [{ meterId: "m-2", at, importWh, exportWh }] },
        keyOf("gw-1"),
      ),
    });
    await publishAll([send("late-1", "2026-11-01T11:15:00Z", 3000, 1300)]); // 1 h after 10:15: +1000 export
    await ingest.flush();
    await publishAll([send("late-2", "2026-11-01T10:45:00Z", 2500, 900)]); // arrives later, belongs between
    await ingest.flush();

    const rows = await query<{ at: Date; value_wh: string; delta_wh: string | null }>(
      db.url,
      "SELECT at, value_wh::text, delta_wh::text FROM reading WHERE meter_id = 'm-2' AND register = 'export' ORDER BY at",
    );
    expect(rows.map((r) => [r.at.toISOString(), r.value_wh, r.delta_wh])).toEqual([
      ["2026-11-01T10:15:00.000Z", "300", null],
      ["2026-11-01T10:45:00.000Z", "900", "600"],
      ["2026-11-01T11:15:00.000Z", "1300", "400"], // was 1000 before the late reading
    ]);
  });

  it("checks a signature against the registered key, and the stored body as signed", async () => {
    // Re-signing a tampered body with another key does not help; tampering after signing neither.
    const good = body({
      gatewayId: "gw-1",
      messageId: "tamper",
      readings: [{ meterId: "m-1", at: "2026-11-01T11:30:00Z", importWh: 1500, exportWh: 1000 }],
    });
    const signed = JSON.parse(envelope(good, keyOf("gw-1"))) as { body: string };
    signed.body = signed.body.replace('"exportWh":1000', '"exportWh":9000');
    await publishAll([{ topic: topic("gw-1"), payload: JSON.stringify(signed) }]);
    await ingest.flush();
    const rows = await query<{ reason: string }>(
      db.url,
      "SELECT reason FROM rejected_input WHERE payload LIKE '%tamper%' ORDER BY id",
    );
    expect(rows).toEqual([{ reason: "bad_signature" }]);
  });
});
