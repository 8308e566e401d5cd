// The embedded MQTT broker's own process (started by broker.ts through owned-child.ts; plain JavaScript
// so node runs it without a loader). aedes with aedes-persistence-level on LevelDB (classic-level):
// sessions, subscriptions and every QoS 1 message queued for a persistent session (clean: false) are
// written to the database in `--dir` before the publisher gets its PUBACK (aedes runs the persistence's
// outgoingEnqueueCombi before it acknowledges; broker.test.ts proves it with kill -9). A write reaches
// the operating system before it is acknowledged (LevelDB's log, no fsync per message): it survives
// kill -9 of this process or of the platform, not a power loss (see docs/broker.md).
// Usage: node broker-process.mjs --port N [--dir DIR]   (no --dir: in memory, nothing survives)
// Prints one line `{"listening":N}` when it accepts connections; SIGTERM/SIGINT close it cleanly.
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
