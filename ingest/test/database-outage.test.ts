// A database that goes away and comes back (Postgres restarted, network cut) never ends the ingest
// process and loses nothing acknowledged: start() waits for it, a batch that fails on the lost
// connection stays queued and unacknowledged and is stored after it returns. The outage is a TCP proxy
// in front of the run's real Postgres that drops every connection and refuses new ones, as a server
// that is restarting does; pg_terminate_backend covers the server closing a held connection itself.
import { randomBytes } from "node:crypto";
import net from "node:net";
import {
  createTestDatabase,
  startTestBroker,
  type TestBroker,
  type TestDatabase,
} from "@c4e/stack/testing/index";
import mqtt from "mqtt";
import { parse } from "pg-connection-string";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createIngest, type Ingest } from "../src/index.ts";
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

type Proxy = { url: string; down: () => void; up: () => void; close: () => Promise<void> };

/** A TCP proxy to the database; `down()` drops every open connection and refuses new ones until `up()`. */
async function startDatabaseProxy(databaseUrl: string, startDown: boolean): Promise<Proxy> {
  const target = parse(databaseUrl);
  const upstreamPort = Number(target.port ?? 5432);
  const upstreamHost = target.host ?? "127.0.0.1";
  let isDown = startDown;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = net.connect(upstreamPort, upstreamHost);
    open.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on("error", close);
      s.on("close", close);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.toString(),
    down: () => {
      isDown = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    up: () => {
      isDown = false;
    },
    close: async () => {
      isDown = true;
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const GATEWAYS = 10;

describe("ingest: the database goes away and comes back", () => {
  let db: TestDatabase;
  let broker: TestBroker;
  let fixture: Fixture;
  const clock = testClock("2026-11-02T12:00:00Z");
  const crashes: unknown[] = [];
  const onUncaught = (error: unknown) => crashes.push(error);
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    process.on("uncaughtException", onUncaught);
    db = await createTestDatabase("ingest_outage");
    broker = await startTestBroker();
    const ids = Array.from({ length: GATEWAYS }, (_, g) => g);
    fixture = await insertFixture(db.url, {
      customers: ids.map((g) => ({ id: `c-${g}` })),
      gateways: ids.map((g) => ({ id: `gw-${g}` })),
      meters: ids.map((g) => ({ id: `m-${g}`, gatewayId: `gw-${g}`, customerId: `c-${g}` })),
    });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });
  afterAll(async () => {
    process.removeListener("uncaughtException", onUncaught);
    await broker?.stop();
    await db?.drop();
  });

  /** Message `n`: gateway n % GATEWAYS, its step ⌊n / GATEWAYS⌋ (15 min apart, 1 kWh per step). */
  const message = (n: number, prefix: string, dayOffset: number) => {
    const g = n % GATEWAYS;
    const step = Math.floor(n / GATEWAYS);
    const key = fixture.gateways[`gw-${g}`]?.privateKey;
    if (!key) throw new Error("no key");
    const at = new Date(Date.parse("2026-11-01T00:00:00Z") + dayOffset * 86_400_000 + step * 900_000);
    return {
      topic: `${broker.topicRoot}/gateways/gw-${g}/readings`,
      payload: signedMessage(
        {
          gatewayId: `gw-${g}`,
          messageId: `${prefix}-${n}`,
          readings: [
            {
              meterId: `m-${g}`,
              at: at.toISOString(),
              importWh: 100_000 * dayOffset + 1000 * step,
              exportWh: 0,
            },
          ],
        },
        key,
      ),
    };
  };

  const startIngest = (databaseUrl: string, logs: string[], batch = { maxMessages: 20, maxWaitMs: 50 }) => {
    const clientId = `ingest-${randomBytes(4).toString("hex")}`;
    const ingest: Ingest = createIngest({
      ...baseConfig({
        databaseUrl,
        mqttUrl: broker.url,
        topicRoot: broker.topicRoot,
        clientId,
        now: clock.now,
        logs,
      }),
      batch,
    });
    cleanups.push(async () => {
      await ingest.stop();
      await purgeSession(broker.url, clientId);
    });
    return ingest;
  };

  it("start() waits for a database that is not reachable yet instead of failing, then stores", async () => {
    const proxy = await startDatabaseProxy(db.url, true);
    cleanups.push(proxy.close);
    const logs: string[] = [];
    const ingest = startIngest(proxy.url, logs);
    let outcome: "waiting" | "started" | Error = "waiting";
    const started = ingest.start().then(
      () => (outcome = "started"),
      (error: Error) => (outcome = error),
    );
    await waitFor(() => logs.some((l) => l.startsWith("ingest: database unavailable, waiting")), "a wait");
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(outcome).toBe("waiting");
    proxy.up();
    await started;
    expect(outcome).toBe("started");
    expect(logs.some((l) => l.startsWith("ingest: database reachable"))).toBe(true);

    const publisher = await mqtt.connectAsync(broker.url, {
      clientId: `pub-${randomBytes(3).toString("hex")}`,
    });
    cleanups.push(() => publisher.endAsync());
    const m = message(0, "wait", 0);
    await publisher.publishAsync(m.topic, m.payload, { qos: 1 });
    await waitFor(async () => {
      const rows = await query<{ n: string }>(
        db.url,
        "SELECT count(*) AS n FROM ingest_message WHERE message_id = 'wait-0'",
      );
      return rows[0]?.n === "1";
    }, "the message stored");
    expect(crashes).toEqual([]);
  }, 30_000);

  it("survives the database dropping every connection mid-burst: every acknowledged message stored once", async () => {
    const proxy = await startDatabaseProxy(db.url, false);
    cleanups.push(proxy.close);
    const logs: string[] = [];
    const ingest = startIngest(proxy.url, logs);
    await ingest.start();

    const publisher = await mqtt.connectAsync(broker.url, {
      clientId: `pub-${randomBytes(3).toString("hex")}`,
    });
    cleanups.push(() => publisher.endAsync());
    const total = 200;
    const acked = new Set<string>();
    let outages = 0;
    for (let n = 0; n < total; n++) {
      const m = message(n, "burst", 1);
      await publisher.publishAsync(m.topic, m.payload, { qos: 1 });
      acked.add(`burst-${n}`);
      if (n === 60 || n === 130) {
        // the second time the server itself closes ingest's connections first, as on a shutdown
        if (n === 130) {
          await query(
            db.url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'c4e-ingest'",
          );
        }
        proxy.down();
        outages++;
        setTimeout(proxy.up, 1500);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(
      async () => {
        const rows = await query<{ n: string }>(
          db.url,
          "SELECT count(*) AS n FROM ingest_message WHERE message_id LIKE 'burst-%'",
        );
        return rows[0]?.n === String(total);
      },
      "every message stored",
      40_000,
    );
    expect(outages).toBe(2);
    expect(acked.size).toBe(total);
    const stored = await query<{ message_id: string; n: string }>(
      db.url,
      "SELECT message_id, count(*) AS n FROM ingest_message WHERE message_id LIKE 'burst-%' GROUP BY message_id",
    );
    expect(stored.filter((r) => r.n !== "1")).toEqual([]);
    expect(new Set(stored.map((r) => r.message_id))).toEqual(acked);
    const rejected = await query<{ message_id: string; reason: string; detail: string }>(
      db.url,
      "SELECT message_id, reason, detail FROM rejected_input WHERE message_id LIKE 'burst-%' ORDER BY id",
    );
    expect(rejected).toEqual([]);
    // one import and one export row per reading, none twice
    const rows = await query<{ n: string; distinct_keys: string }>(
      db.url,
      `SELECT count(*) AS n, count(DISTINCT (meter_id, at, register)) AS distinct_keys FROM reading
        WHERE at >= '2026-11-02' AND at < '2026-11-03'`,
    );
    expect(rows[0]).toEqual({ n: String(2 * total), distinct_keys: String(2 * total) });
    // the outage was seen and retried, not skipped
    expect(logs.some((l) => l.startsWith("ingest: storing a batch failed, retrying"))).toBe(true);
    expect(ingest.stats().retrying).toBe(false);
    expect(crashes).toEqual([]);
  }, 60_000);
});
