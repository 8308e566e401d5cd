// Fault case 2 (issue 15): the broker (Mosquitto with the shipped stack/mosquitto/c4e.conf and its own
// persistence directory) and Postgres are restarted during a burst of signed gateway messages, one
// MQTT connection per gateway with its own user (the shipped ACL). Every message a gateway got a
// PUBACK for must be stored; the gateways resend what was not acknowledged, so in the end every
// message is stored, once. Ingest runs in this process (no chain), Postgres is an embedded server of
// its own, so both can be restarted without touching the machine's services.
// Usage: npx tsx bench/faults/2-broker-postgres-restart.ts [--small] [--gateways 500] [--steps 8]
//        [--ingest-log FILE]  (everything the ingest process prints, appended to FILE)
// Prints JSON; exits 1 on a failure; skips (exit 0, "skipped") where no mosquitto binary exists.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import pg from "pg";
import { demoFleet, seedFleet } from "@c4e/stack/demo/fleet";
import { LOCAL_CHAIN_ID } from "@c4e/stack/dev-accounts";
import { REPO_ROOT } from "@c4e/stack/embedded/chain";
import { freePort } from "@c4e/stack/embedded/ports";
import { startEmbeddedPostgres } from "@c4e/stack/embedded/postgres";
import { migrateDatabase } from "@c4e/stack/services";
import {
  key,
  loadAverage,
  publishBurst,
  report,
  signBurst,
  sleep,
  storedCounts,
  storedMessages,
  waitFor,
} from "./lib/common.ts";
import { mosquittoMissing, passwordOf, prepareMosquitto } from "./lib/mosquitto.ts";

const { values } = parseArgs({
  options: {
    small: { type: "boolean", default: false },
    gateways: { type: "string" },
    steps: { type: "string", default: "8" },
    // append everything the ingest process prints to this file (to read why a run failed)
    "ingest-log": { type: "string" },
    // messages per second: the burst lasts long enough for both restarts to fall inside it
    rate: { type: "string" },
  },
});
const gateways = Number(values.gateways ?? (values.small ? 50 : 500));
const steps = Number(values.steps);
const households = 1;
const rate = Number(values.rate ?? (values.small ? 50 : 200));

const missing = mosquittoMissing();
if (missing) {
  console.log(JSON.stringify({ case: "2-broker-postgres-restart", skipped: missing }));
  process.exit(0);
}

/** Runs stack/src/ingest-main.ts and starts it again whenever it exits; keeps the last crash's output. */
function superviseIngest(env: Record<string, string>) {
  const crashes: { atMs: number; exit: string; error: string }[] = [];
  let child: ChildProcess | null = null;
  let stopped = false;
  const run = () =>
    new Promise<void>((resolve) => {
      const c = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "stack/src/ingest-main.ts")], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...env },
      });
      child = c;
      let out = "";
      const onData = (d: Buffer) => {
        if (values["ingest-log"] !== undefined) appendFileSync(values["ingest-log"], d);
        out = (out + d.toString()).slice(-4000);
        if (out.includes("ingest running")) resolve();
      };
      c.stdout?.on("data", onData);
      c.stderr?.on("data", onData);
      c.once("exit", (code, signal) => {
        if (stopped) return;
        // the error line and the stack frames that name the project's code
        const lines = out.split("\n");
        const at = lines.findIndex((l) => /^\w*Error\b/.test(l));
        const error =
          at < 0
            ? out.slice(-300)
            : [
                lines[at],
                ...lines
                  .slice(at + 1)
                  .filter((l) => /ingest\/src|pg-pool|pg\/lib/.test(l))
                  .slice(0, 4),
              ]
                .map((l) => l.trim())
                .join(" | ");
        crashes.push({ atMs: Date.now() - t0, exit: `${signal ?? code}`, error });
        void run();
      });
    });
  return {
    started: run(),
    crashes,
    stop: async () => {
      stopped = true;
      const c = child as ChildProcess | null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once("exit", () => resolve());
        c.kill("SIGTERM");
      });
    },
  };
}

const t0 = Date.now();
const dir = mkdtempSync(join(tmpdir(), "c4e-fault2-"));
chmodSync(dir, 0o755);
const cleanups: (() => Promise<void>)[] = [];
const timeline: { atMs: number; event: string; acked: number }[] = [];
/** Ingest's heartbeat row at the moment of a failure (queue, heldAcks, last message): why it stalled. */
let heartbeatNow: () => Promise<unknown> = async () => null;
/** At a failure: how many publishes the gateways got a PUBACK for, and what the observer session received. */
let progressNow: () => object = () => ({});
try {
  const pgPort = await freePort();
  const startPg = () => startEmbeddedPostgres({ dataDir: join(dir, "pg"), port: pgPort, database: "faults" });
  let postgres = await startPg();
  cleanups.push(() => postgres.stop());
  await migrateDatabase(postgres.url, () => {});
  const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  heartbeatNow = async () =>
    (
      await pool.query(
        "SELECT now() AS now, last_seen_at, last_message_at, detail FROM service_heartbeat WHERE service = 'ingest'",
      )
    ).rows[0] ?? null;
  pool.on("error", () => {});
  cleanups.push(() => pool.end());
  const fleet = demoFleet({ gateways, meters: households });
  await seedFleet(pool, fleet, { chainId: LOCAL_CHAIN_ID });

  const mosquitto = prepareMosquitto(join(dir, "mosquitto"), await freePort(), [
    "c4e-ingest",
    ...fleet.gateways.map((g) => g.id),
  ]);
  await mosquitto.start();
  cleanups.push(mosquitto.stop);

  const topicRoot = "c4e/v1"; // the shipped ACL's topic root
  // ingest in its own process, restarted when it dies (as a service manager would): a crash is counted
  const ingest = superviseIngest({
    DATABASE_URL: postgres.url,
    MQTT_URL: mosquitto.url("c4e-ingest"),
    MQTT_TOPIC_ROOT: topicRoot,
    INGEST_CLIENT_ID: "c4e-ingest-fault2",
  });
  await ingest.started;
  cleanups.push(ingest.stop);

  // an observer session of its own (ingest's user, another client id): what did the broker deliver?
  // A message the observer got but ingest did not store was lost in ingest, not in the broker.
  const observed = new Set<string>();
  const observer = mqtt.connect(mosquitto.url("c4e-ingest"), {
    clientId: "c4e-fault2-observer",
    clean: false,
    reconnectPeriod: 300,
  });
  observer.on("error", () => {});
  observer.on("message", (topic, payload) => {
    const gatewayId = topic.split("/").at(-2) ?? "";
    // the signed body is JSON inside JSON: its quotes may be escaped
    const messageId = /messageId\\?"\s*:\s*\\?"([^"\\]+)/.exec(payload.toString())?.[1] ?? "";
    observed.add(`${gatewayId}/${messageId}`);
  });
  await new Promise<void>((resolve) => observer.once("connect", () => resolve()));
  await observer.subscribeAsync(`${topicRoot}/gateways/#`, { qos: 1 });
  cleanups.push(async () => void observer.end(true));

  const messages = signBurst(fleet, steps, topicRoot, "f2");
  const expectedRows = messages.length * households * 2 * 2;
  const burstStart = Date.now();
  const mark = (event: string) =>
    timeline.push({ atMs: Date.now() - burstStart, event, acked: burst.acked.size });
  const burst = await publishBurst(mosquitto.url(null), messages, {
    credentials: (id) => ({ username: id, password: passwordOf(id) }),
    ratePerSecond: rate,
  });
  cleanups.push(burst.close);
  progressNow = () => ({ acked: burst.acked.size, observed: observed.size, published: messages.length });
  mark("burst published");

  // the broker restarts once a quarter of the burst is acknowledged
  await waitFor(
    "a quarter of the burst acknowledged",
    () => burst.acked.size >= messages.length / 4,
    120_000,
    10,
  );
  mark("broker stopping (SIGTERM)");
  await mosquitto.stop();
  mark("broker stopped");
  await sleep(1_000);
  await mosquitto.start();
  mark("broker started");

  // Postgres restarts while ingest is storing: once some, not all, of the burst is stored
  await waitFor(
    "part of the burst stored",
    async () => (await storedCounts(pool).catch(() => ({ messages: 0 }))).messages >= messages.length / 2,
    180_000,
    50,
  );
  mark("postgres stopping");
  await postgres.stop();
  mark("postgres stopped");
  await sleep(2_000);
  postgres = await startPg();
  mark("postgres started");

  await Promise.race([burst.done, sleep(300_000)]);
  mark("every publish acknowledged");
  const acked = new Set(burst.acked);
  // until every acknowledged message is stored, or nothing more was stored for 30 s
  let lastCount = -1;
  let lastChange = Date.now();
  await waitFor(
    "every acknowledged message stored",
    async () => {
      const stored = await storedMessages(pool).catch(() => new Set<string>());
      if (stored.size !== lastCount) [lastCount, lastChange] = [stored.size, Date.now()];
      return [...acked].every((k) => stored.has(k)) || Date.now() - lastChange > 30_000;
    },
    300_000,
    200,
  ).catch(() => {});
  mark("stored");
  await sleep(1_000);
  const stored = await storedMessages(pool);
  const counts = await storedCounts(pool);
  const lostAcknowledged = [...acked].filter((k) => !stored.has(k));
  const neverStored = messages.filter((m) => !stored.has(key(m))).length;
  const ok =
    lostAcknowledged.length === 0 &&
    acked.size === messages.length &&
    neverStored === 0 &&
    counts.messages === messages.length &&
    counts.readingRows === expectedRows &&
    counts.rejected === 0;
  report(ok, {
    case: "2-broker-postgres-restart",
    small: values.small,
    broker: "mosquitto (stack/mosquitto/c4e.conf)",
    gateways,
    steps,
    ratePerSecond: rate,
    messages: messages.length,
    acknowledgedToGateways: acked.size,
    lostAcknowledged: lostAcknowledged.length,
    lostExamples: lostAcknowledged.slice(0, 5),
    // lost acknowledged messages that the broker did deliver to the observer session
    lostButDeliveredToObserver: lostAcknowledged.filter((k) => observed.has(k)).length,
    observerReceived: observed.size,
    lostByStep: Object.fromEntries(
      [...new Set(lostAcknowledged.map((k) => k.split("-").at(-1)))].map((step) => [
        step,
        lostAcknowledged.filter((k) => k.endsWith(`-${step}`)).length,
      ]),
    ),
    mosquittoWarnings: mosquitto
      .log()
      .split("\n")
      .filter((l) => /warn|drop|error/i.test(l))
      .slice(0, 10),
    storedMessages: counts.messages,
    neverStored,
    redeliveriesCounted: counts.redeliveries,
    readingRows: counts.readingRows,
    expectedReadingRows: expectedRows,
    rejected: counts.rejected,
    // ingest's process died and was started again (a finding, not a loss: see bench/README.md)
    ingestCrashes: ingest.crashes.length,
    ingestCrashDetails: ingest.crashes.slice(0, 3),
    timeline,
    seconds: +((Date.now() - t0) / 1000).toFixed(1),
    loadAverage: loadAverage(),
  });
} catch (error) {
  const ingestHeartbeat = await heartbeatNow().catch((e: unknown) => `unreadable: ${(e as Error).message}`);
  report(false, {
    case: "2-broker-postgres-restart",
    error: (error as Error).stack,
    timeline,
    atFailure: progressNow(),
    ingestHeartbeat,
  });
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
