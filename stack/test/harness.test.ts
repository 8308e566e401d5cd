import mqtt from "mqtt";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestBroker } from "../src/testing/index.ts";

describe("test harness", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("creates a migrated database with every table", async () => {
    const db = await createTestDatabase("harness");
    cleanup.push(db.drop);
    const client = new pg.Client(db.url);
    await client.connect();
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    await client.end();
    const names = rows.map((r) => r.table_name);
    expect(names).toEqual(
      expect.arrayContaining(["reading", "gateway", "reward_batch", "token_transfer", "token_balance"]),
    );
  });

  it("delivers a QoS 1 message through the broker", async () => {
    const broker = await startTestBroker();
    cleanup.push(broker.stop);
    const sub = await mqtt.connectAsync(broker.url);
    const pub = await mqtt.connectAsync(broker.url);
    const topic = `${broker.topicRoot}/ping`;
    await sub.subscribeAsync(topic, { qos: 1 });
    const received = new Promise<string>((resolve) => sub.on("message", (_t, m) => resolve(m.toString())));
    await pub.publishAsync(topic, "hello", { qos: 1 });
    expect(await received).toBe("hello");
    await sub.endAsync();
    await pub.endAsync();
  });
});
