// c4e-test: needs no machine services (npm run test:integration skips this file)
// The embedded broker keeps what it acknowledged: a QoS 1 message the publisher got a PUBACK for is on
// disk before that PUBACK, so it reaches a persistent session (clean: false) after a kill -9 of the
// broker or of the process that holds it (npm start). The control (no --dir) shows that the same test sees a loss.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installDeferredAck } from "@c4e/ingest";
import mqtt from "mqtt";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startEmbeddedBroker } from "./broker.ts";
import { freePort } from "./ports.ts";

/**
 * The two SIGKILL tests failed in 4 of 5 runs (load 6–7) before broker-process.mjs held each PUBACK
 * until the message was persisted (aedes 1.2 acknowledges a QoS 1 PUBLISH first and persists after):
 * the last 1–56 of ~1,000 acknowledged messages were missing after the restart.
 */
const BROKER_PROCESS = join(import.meta.dirname, "broker-process.mjs");
const FIXTURE = join(import.meta.dirname, "broker.fixture.ts");
const TOPIC = "c4e-test/gateways/g1/readings";
const dir = mkdtempSync(join(tmpdir(), "c4e-broker-test-"));
const children: ChildProcess[] = [];
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const s of stops.splice(0)) await s().catch(() => {});
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Spawns a process and resolves with the first stdout line matching `ready`. */
async function spawnUntil(
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready:\n${output}`)), 30_000);
    const onData = (c: Buffer) => {
      output += c.toString();
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    child.once("exit", (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
  child.removeAllListeners("exit");
  return { child, match };
}

/** A persistent session subscribed with QoS 1, then gone: the broker queues for it. */
async function subscribeSession(url: string, clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId, clean: false, reconnectPeriod: 0 });
  await c.subscribeAsync("c4e-test/gateways/#", { qos: 1 });
  await c.endAsync();
}

/**
 * Publishes `n` QoS 1 messages at once; calls `kill` when `killAfter` PUBACKs have arrived and returns
 * the ids acknowledged up to then (a PUBACK that arrives after the kill was sent before it, but is
 * not counted: the set is a lower bound of what the broker acknowledged).
 */
async function burst(url: string, n: number, killAfter: number, kill: () => void): Promise<Set<string>> {
  const publisher = await mqtt.connectAsync(url, { clientId: `gw-${Date.now()}`, reconnectPeriod: 0 });
  publisher.on("error", () => {});
  const acked = new Set<string>();
  let killed = false;
  await new Promise<void>((resolve) => {
    for (let i = 0; i < n; i++) {
      const id = `m${i}`;
      publisher.publishAsync(TOPIC, JSON.stringify({ id, pad: "x".repeat(2000) }), { qos: 1 }).then(
        () => {
          if (killed) return;
          acked.add(id);
          if (acked.size >= killAfter) {
            killed = true;
            kill();
            resolve();
          }
        },
        () => {},
      );
    }
  });
  publisher.end(true);
  return acked;
}

/**
 * Connects the persistent session again and collects message ids until `expected` are in. aedes with
 * aedes-persistence-level sometimes leaves stored messages unsent to a connected session until it
 * reconnects (docs/broker.md, "Limits"): after 10 s without them the session reconnects, at most
 * twice. What is asserted is that nothing acknowledged is lost, not how fast it comes.
 */
async function collect(url: string, clientId: string, expected: Set<string>): Promise<Set<string>> {
  const received = new Set<string>();
  for (let attempt = 0; attempt < 3; attempt++) {
    // the handler is attached before the connection: queued messages follow the CONNACK at once
    const c = mqtt.connect(url, { clientId, clean: false, reconnectPeriod: 0 });
    c.on("message", (_t, payload) => received.add((JSON.parse(payload.toString()) as { id: string }).id));
    await new Promise<void>((resolve, reject) => {
      c.once("connect", () => resolve());
      c.once("error", reject);
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && [...expected].some((id) => !received.has(id))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300)); // anything still queued
    await c.endAsync();
    if ([...expected].every((id) => received.has(id))) break;
  }
  return received;
}

const missing = (acked: Set<string>, received: Set<string>) => [...acked].filter((id) => !received.has(id));

describe("embedded broker persistence", () => {
  it("keeps every PUBACKed message when its own process is killed with SIGKILL mid-burst", async () => {
    const port = await freePort();
    const dataDir = join(dir, "kill-broker");
    const first = await startEmbeddedBroker({ port, dataDir });
    stops.push(first.stop);
    await subscribeSession(first.url, "ingest-a");
    const acked = await burst(first.url, 2000, 1000, () => process.kill(first.pid ?? 0, "SIGKILL"));
    expect(acked.size).toBeGreaterThanOrEqual(1000);
    await first.stop();

    const second = await startEmbeddedBroker({ port, dataDir });
    stops.push(second.stop);
    const received = await collect(second.url, "ingest-a", acked);
    expect(missing(acked, received)).toEqual([]);
  }, 90_000);

  it("keeps every PUBACKed message when the process holding it is killed with SIGKILL (as npm start)", async () => {
    const port = await freePort();
    const dataDir = join(dir, "kill-parent");
    const { child: holder, match } = await spawnUntil(
      ["--import", "tsx", FIXTURE, String(port), dataDir],
      /broker (\d+)/,
    );
    const brokerPid = Number(match[1]);
    const url = `mqtt://127.0.0.1:${port}`;
    await subscribeSession(url, "ingest-b");
    const acked = await burst(url, 2000, 1000, () => holder.kill("SIGKILL"));
    // the broker goes with its parent (owned child), cleanly
    const deadline = Date.now() + 10_000;
    while (alive(brokerPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(brokerPid)).toBe(false);

    const again = await startEmbeddedBroker({ port, dataDir });
    stops.push(again.stop);
    const received = await collect(again.url, "ingest-b", acked);
    expect(missing(acked, received)).toEqual([]);
  }, 60_000);

  it("delivers every message live to a connected persistent session under 100 concurrent publishers", async () => {
    // aedes-persistence-level's outgoing updates raced (broker-process.mjs, serialiseOutgoing): 1–13
    // of 800 acknowledged messages stayed stored but were never sent until the subscriber reconnected
    const broker = await startEmbeddedBroker({ port: await freePort(), dataDir: join(dir, "live") });
    stops.push(broker.stop);
    const sub = mqtt.connect(broker.url, { clientId: "ingest-live", clean: false, reconnectPeriod: 0 });
    const received = new Set<string>();
    const held: { release: () => void }[] = [];
    // acknowledged in batches after a while, as ingest does after each commit
    installDeferredAck(sub, (m) => {
      received.add((JSON.parse(m.payload.toString()) as { id: string }).id);
      held.push(m);
    });
    const releaser = setInterval(() => held.splice(0, 500).forEach((m) => m.release()), 200);
    try {
      await new Promise<void>((resolve) => sub.once("connect", () => resolve()));
      await sub.subscribeAsync("c4e-test/gateways/#", { qos: 1 });
      const acked = new Set<string>();
      await Promise.all(
        Array.from({ length: 100 }, async (_, g) => {
          const gw = await mqtt.connectAsync(broker.url, { clientId: `live-gw-${g}` });
          await Promise.all(
            Array.from({ length: 8 }, async (_, i) => {
              const id = `g${g}-m${i}`;
              await gw.publishAsync(
                `c4e-test/gateways/g${g}/readings`,
                JSON.stringify({ id, pad: "x".repeat(4000) }),
                { qos: 1 },
              );
              acked.add(id);
            }),
          );
          await gw.endAsync();
        }),
      );
      const deadline = Date.now() + 10_000;
      while (received.size < acked.size && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(acked.size).toBe(800);
      expect(missing(acked, received)).toEqual([]);
    } finally {
      clearInterval(releaser);
      sub.end(true);
    }
  }, 60_000);

  it("control: the same broker without a data directory loses PUBACKed messages on SIGKILL", async () => {
    const port = await freePort();
    const { child } = await spawnUntil([BROKER_PROCESS, "--port", String(port)], /"listening"/);
    const url = `mqtt://127.0.0.1:${port}`;
    await subscribeSession(url, "ingest-c");
    const acked = await burst(url, 2000, 1000, () => child.kill("SIGKILL"));
    await new Promise<void>((r) =>
      child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r()),
    );
    const { child: restarted } = await spawnUntil([BROKER_PROCESS, "--port", String(port)], /"listening"/);
    const received = await collect(url, "ingest-c", new Set());
    restarted.kill("SIGTERM");
    expect(missing(acked, received).length).toBe(acked.size);
  }, 60_000);
});
