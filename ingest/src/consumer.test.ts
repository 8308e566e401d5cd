import { randomBytes } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "@c4e/stack/testing/index";
import { createConsumer } from "./consumer.ts";
import type { ReceivedMessage } from "./process-batch.ts";
import { PartiallyStoredError } from "./sql.ts";

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("consumer batching", () => {
  let broker: TestBroker;
  let publisher: MqttClient;
  beforeAll(async () => {
    broker = await startTestBroker();
    publisher = await mqtt.connectAsync(broker.url, { clientId: `pub-${randomBytes(4).toString("hex")}` });
  });
  afterAll(async () => {
    await publisher.endAsync();
    await broker.stop();
  });

  const purge = async (clientId: string) =>
    (await mqtt.connectAsync(broker.url, { clientId, clean: true })).endAsync();

  it("stores a batch when maxMessages are queued, and the rest after maxWaitMs", async () => {
    const clientId = `c-${randomBytes(4).toString("hex")}`;
    const batches: { at: number; topics: string[] }[] = [];
    const consumer = createConsumer({
      mqttUrl: broker.url,
      topicRoot: broker.topicRoot,
      clientId,
      batch: { maxMessages: 3, maxWaitMs: 300 },
      now: () => new Date(),
      log: () => {},
      onBatch: async (messages: ReceivedMessage[]) => {
        batches.push({ at: Date.now(), topics: messages.map((m) => m.payload.toString()) });
      },
    });
    await consumer.start();
    const topic = `${broker.topicRoot}/gateways/gw-1/readings`;
    const started = Date.now();
    for (const n of [1, 2, 3, 4]) await publisher.publishAsync(topic, `p${n}`, { qos: 1 });
    await waitFor(() => batches.length === 2, "two batches");
    expect(batches.map((b) => b.topics)).toEqual([["p1", "p2", "p3"], ["p4"]]);
    // the size trigger fires at once, the wait trigger after maxWaitMs
    expect((batches[1]?.at ?? 0) - started).toBeGreaterThanOrEqual(250);
    expect(consumer.status()).toMatchObject({ connected: true, queued: 0, received: 4 });
    await consumer.stop();
    await purge(clientId);
  });

  it("hands the messages queued behind a batch to onUpcoming while that batch is stored", async () => {
    const clientId = `c-${randomBytes(4).toString("hex")}`;
    const batches: string[][] = [];
    const upcoming: string[][] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const consumer = createConsumer({
      mqttUrl: broker.url,
      topicRoot: broker.topicRoot,
      clientId,
      batch: { maxMessages: 2, maxWaitMs: 300 },
      now: () => new Date(),
      log: () => {},
      onUpcoming: (messages) => upcoming.push(messages.map((m) => m.payload.toString())),
      onBatch: async (messages: ReceivedMessage[]) => {
        batches.push(messages.map((m) => m.payload.toString()));
        if (batches.length === 1) await blocked; // p3…p5 arrive while the first batch is stored
      },
    });
    await consumer.start();
    const topic = `${broker.topicRoot}/gateways/gw-1/readings`;
    for (const n of [1, 2, 3, 4, 5]) await publisher.publishAsync(topic, `p${n}`, { qos: 1 });
    await waitFor(() => consumer.status().received === 5, "five messages");
    // nothing committed yet: every PUBACK is held
    expect(consumer.status().heldAcks).toBe(5);
    release();
    await waitFor(() => batches.length === 3, "three batches");
    expect(batches).toEqual([["p1", "p2"], ["p3", "p4"], ["p5"]]);
    // p3…p5 arrived while [p1, p2] was stored; when [p3, p4] started, p5 was queued behind it
    expect(new Set(upcoming.flat())).toEqual(new Set(["p3", "p4", "p5"]));
    expect(upcoming).toContainEqual(["p5"]);
    await waitFor(() => consumer.status().heldAcks === 0, "every PUBACK released");
    await consumer.stop();
    await purge(clientId);
  });

  it("retries a failed batch and acknowledges nothing before it succeeds", async () => {
    const clientId = `c-${randomBytes(4).toString("hex")}`;
    const topic = `${broker.topicRoot}/gateways/gw-1/readings`;
    let failures = 0;
    const stored: string[] = [];
    const logs: string[] = [];
    const consumer = createConsumer({
      mqttUrl: broker.url,
      topicRoot: broker.topicRoot,
      clientId,
      batch: { maxMessages: 10, maxWaitMs: 50 },
      now: () => new Date(),
      log: (msg) => logs.push(msg),
      onBatch: async (messages) => {
        if (failures < 2) {
          failures++;
          throw new Error("database unavailable");
        }
        stored.push(...messages.map((m) => m.payload.toString()));
      },
    });
    await consumer.start();
    await publisher.publishAsync(topic, "r1", { qos: 1 });
    await waitFor(() => stored.length === 1, "the stored message");
    expect(failures).toBe(2);
    expect(logs.filter((l) => l.includes("retrying"))).toHaveLength(2);
    await consumer.stop();

    // Acknowledged after the successful attempt: the next session starts empty.
    const again: string[] = [];
    const next = createConsumer({
      mqttUrl: broker.url,
      topicRoot: broker.topicRoot,
      clientId,
      batch: { maxMessages: 10, maxWaitMs: 50 },
      now: () => new Date(),
      log: () => {},
      onBatch: async (messages) => {
        again.push(...messages.map((m) => m.payload.toString()));
      },
    });
    await next.start();
    await publisher.publishAsync(topic, "r2", { qos: 1 });
    await waitFor(() => again.length >= 1, "r2");
    expect(again).toEqual(["r2"]);
    await next.stop();
    await purge(clientId);
  });

  it("acknowledges the stored head of a partly stored batch and retries only the rest", async () => {
    const clientId = `c-${randomBytes(4).toString("hex")}`;
    const topic = `${broker.topicRoot}/gateways/gw-1/readings`;
    const calls: string[][] = [];
    const consumer = createConsumer({
      mqttUrl: broker.url,
      topicRoot: broker.topicRoot,
      clientId,
      batch: { maxMessages: 3, maxWaitMs: 50 },
      now: () => new Date(),
      log: () => {},
      onBatch: async (messages) => {
        calls.push(messages.map((m) => m.payload.toString()));
        // first call: a split batch whose first two messages committed, then the connection was lost
        if (calls.length === 1) throw new PartiallyStoredError(2, null, new Error("connection terminated"));
      },
    });
    await consumer.start();
    for (const n of [1, 2, 3]) await publisher.publishAsync(topic, `p${n}`, { qos: 1 });
    await waitFor(() => calls.length === 2, "the retry");
    expect(calls).toEqual([["p1", "p2", "p3"], ["p3"]]);
    expect(consumer.status()).toMatchObject({ queued: 0 });
    await consumer.stop();
    await purge(clientId);
  });

  it("fails start with a clear message when the broker is unreachable", async () => {
    const consumer = createConsumer({
      mqttUrl: "mqtt://127.0.0.1:9",
      topicRoot: "c4e/v1",
      clientId: "nobody",
      batch: { maxMessages: 10, maxWaitMs: 50 },
      now: () => new Date(),
      log: () => {},
      onBatch: async () => {},
    });
    await expect(consumer.start()).rejects.toThrow(
      /cannot connect to the MQTT broker at mqtt:\/\/127.0.0.1:9/,
    );
  });
});
