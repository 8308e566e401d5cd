// The embedded MQTT broker's own process (started by broker.ts through owned-child.ts; plain JavaScript
// so node runs it without a loader). aedes with aedes-persistence-level on LevelDB (classic-level):
// sessions, subscriptions and every QoS 1 message queued for a persistent session (clean: false) are
// written to the database in `--dir` before the publisher gets its PUBACK. aedes 1.2 itself sends the
// PUBACK of a QoS 1 PUBLISH first and persists after (lib/handlers/publish.js): `holdPubacks` below
// holds each PUBACK until the message's publish pipeline (outgoingEnqueueCombi included) has finished;
// broker.test.ts proves it with kill -9. A write reaches the operating system before it is
// acknowledged (LevelDB's log, no fsync per message): it survives kill -9 of this process or of the
// platform, not a power loss (see docs/broker.md).
// Usage: node broker-process.mjs --port N [--dir DIR]   (no --dir: in memory, nothing survives)
// Prints one line `{"listening":N}` when it accepts connections; SIGTERM/SIGINT close it cleanly.
import { createRequire } from "node:module";
import net from "node:net";
import { parseArgs } from "node:util";
import { Aedes } from "aedes";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    dir: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  console.error("broker-process: --port is required");
  process.exit(2);
}

/**
 * aedes-persistence-level updates a client's outgoing packets in several separate reads and writes
 * (enqueue, then the message id on delivery, then clear on PUBACK). Interleaved for many messages at
 * once, an update can miss its packet ("no such packet"): aedes then does not send it to the
 * connected subscriber at all; it stays stored and reaches ingest only after a reconnect (measured:
 * 1–13 of 800 messages from 100 concurrent publishers). One operation at a time removes the race.
 */
function serialiseOutgoing(persistence) {
  let tail = Promise.resolve();
  // not outgoingEnqueue: outgoingEnqueueCombi calls it (it would wait for itself)
  for (const name of ["outgoingEnqueueCombi", "outgoingUpdate", "outgoingClearMessageId"]) {
    const original = persistence[name].bind(persistence);
    persistence[name] = (...args) => {
      const run = tail.then(() => original(...args));
      tail = run.catch(() => {});
      return run;
    };
  }
  return persistence;
}

/**
 * aedes 1.2 answers a QoS 1 PUBLISH with `write(PUBACK)` and only then runs `broker.publish`, whose
 * pipeline writes the message to the persistence for every offline persistent session. A kill -9 in
 * between loses a message the publisher already deleted (measured: the last 1–56 of 1,000 acknowledged
 * messages in 4 of 5 runs). This holds every PUBACK aedes writes (it writes through mqtt-packet's
 * `writeToStream`, the instance aedes resolves) until `broker.publish` of the same connection and
 * message id has completed, then writes it. A PUBACK held when the connection closes is dropped: the
 * publisher still has the message and sends it again (DUP), which is what QoS 1 promises.
 */
function holdPubacks(broker) {
  const mqttPacket = createRequire(createRequire(import.meta.url).resolve("aedes"))("mqtt-packet");
  const original = mqttPacket.writeToStream;
  /** conn → message id → held PUBACK (a held PUBACK is never sent by aedes itself) */
  const held = new WeakMap();
  mqttPacket.writeToStream = (packet, stream, opts) => {
    if (packet?.cmd !== "puback" || typeof packet.messageId !== "number")
      return original(packet, stream, opts);
    let byId = held.get(stream);
    if (byId === undefined) {
      byId = new Map();
      held.set(stream, byId);
    }
    byId.set(packet.messageId, { packet, opts });
    return true; // aedes goes on to broker.publish as if it had been written
  };
  const publish = broker.publish.bind(broker);
  broker.publish = (packet, client, done) => {
    const conn = client?.conn;
    const messageId = packet.messageId;
    publish(packet, client, (error) => {
      const byId = conn === undefined ? undefined : held.get(conn);
      const ack = byId?.get(messageId);
      if (ack !== undefined) {
        byId.delete(messageId);
        // not on error: no PUBACK for what was not stored; the publisher retries
        if (!error && !conn.destroyed && conn.writable) original(ack.packet, conn, ack.opts);
      }
      done?.(error);
    });
  };
}

let db = null;
let persistence;
if (values.dir) {
  const { ClassicLevel } = await import("classic-level");
  // the async implementation (aedes 1.x awaits its persistence); the package's main is a callback wrapper
  const { default: AsyncLevelPersistence } = await import("aedes-persistence-level/asyncPersistence.js");
  db = new ClassicLevel(values.dir);
  await db.open();
  persistence = serialiseOutgoing(new AsyncLevelPersistence(db));
}

const broker = await Aedes.createBroker(persistence ? { persistence } : {});
if (persistence) holdPubacks(broker);
broker.on("connectionError", () => {}); // a peer that drops its socket is not the broker's error
const server = net.createServer(broker.handle);
const sockets = new Set();
server.on("connection", (s) => {
  sockets.add(s);
  s.on("close", () => sockets.delete(s));
});
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, values.host, () => resolve());
});
console.log(JSON.stringify({ listening: port, persistent: db !== null }));

let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(() => resolve()));
  await new Promise((resolve) => broker.close(() => resolve()));
  if (db) await db.close();
  process.exit(0);
};
process.on("SIGTERM", close);
process.on("SIGINT", close);
