import { randomBytes } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "@c4e/stack/testing/index";
import { type HeldMessage, installDeferredAck } from "./deferred-ack.ts";

describe("deferred PUBACK (acknowledge after commit)", () => {
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

  /** A persistent-session consumer whose messages arrive in `inbox`, nothing acknowledged by itself. */
  async function consumer(clientId: string, topic: string) {
    const client = mqtt.connect(broker.url, { clientId, clean: false, reconnectPeriod: 0 });
    const inbox: HeldMessage[] = [];
    const waiters: (() => void)[] = [];
    const deferred = installDeferredAck(client, (m) => {
      inbox.push(m);
      for (const w of waiters.splice(0)) w();
    });
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
    await client.subscribeAsync(topic, { qos: 1 });
    const next = async (count: number) => {
      while (inbox.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return inbox[count - 1] as HeldMessage;
    };
    return { client, inbox, deferred, next };
  }

  /** Removes the persistent session from the broker (matters on a shared Mosquitto). */
  async function purgeSession(clientId: string) {
    const c = await mqtt.connectAsync(broker.url, { clientId, clean: true, reconnectPeriod: 0 });
    await c.endAsync();
  }

  it("redelivers a message that was not released when the consumer dies", async () => {
    const clientId = `ack-${randomBytes(4).toString("hex")}`;
    const topic = `${broker.topicRoot}/ack-test`;

    const first = await consumer(clientId, topic);
    await publisher.publishAsync(topic, "m1", { qos: 1 });
    const m1 = await first.next(1);
    expect(m1.payload.toString()).toBe("m1");
    // Received and handed over, but the PUBACK is held: nothing committed yet.
    expect(first.deferred.held()).toBe(1);
    first.client.end(true); // crash: the socket is destroyed, nothing else is sent
    m1.release(); // too late: the connection is gone, so the PUBACK is dropped
    expect(first.deferred.held()).toBe(0);

    const second = await consumer(clientId, topic);
    const again = await second.next(1);
    expect(again.payload.toString()).toBe("m1");
    // (Mosquitto sets the DUP flag on this redelivery, aedes does not: not asserted.)
    again.release(); // "committed": acknowledge now
    expect(second.deferred.held()).toBe(0);
    await second.client.endAsync();

    // A third consumer with the same session gets only what was published after the release.
    await publisher.publishAsync(topic, "m2", { qos: 1 });
    const third = await consumer(clientId, topic);
    const m2 = await third.next(1);
    expect(m2.payload.toString()).toBe("m2");
    m2.release();
    await third.client.endAsync();
    expect(third.inbox.map((m) => m.payload.toString())).toEqual(["m2"]);
    await purgeSession(clientId);
  });

  it("keeps delivering while PUBACKs are held, and sends them in order on release", async () => {
    const clientId = `ack-${randomBytes(4).toString("hex")}`;
    const topic = `${broker.topicRoot}/ack-order`;
    const c = await consumer(clientId, topic);
    for (let i = 0; i < 5; i++) await publisher.publishAsync(topic, `n${i}`, { qos: 1 });
    await c.next(5);
    expect(c.deferred.held()).toBe(5);
    for (const m of c.inbox) m.release();
    expect(c.deferred.held()).toBe(0);
    await c.client.endAsync();

    // All five were acknowledged: a reconnect with the same session gets nothing old.
    await publisher.publishAsync(topic, "after", { qos: 1 });
    const d = await consumer(clientId, topic);
    const first = await d.next(1);
    expect(first.payload.toString()).toBe("after");
    first.release();
    await d.client.endAsync();
    await purgeSession(clientId);
  });
});
