import { mkdirSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { Aedes } from "aedes";
import { spawnOwned } from "./owned-child.ts";
import { assertPortFree } from "./ports.ts";

export type EmbeddedBrokerHandle = {
  url: string;
  /** pid of the broker's own process; null for the in-process broker */
  pid: number | null;
  /** where the broker keeps its sessions and queued messages; null: memory only */
  dataDir: string | null;
  stop: () => Promise<void>;
};

const BROKER_PROCESS = join(import.meta.dirname, "broker-process.mjs");

/**
 * The embedded MQTT broker (aedes) on 127.0.0.1:port.
 *
 * With `dataDir` (what `npm start` runs): the broker runs in its own process (broker-process.mjs,
 * owned: it stops with this process, also on kill -9) and keeps sessions, subscriptions and queued
 * QoS 1 messages in LevelDB under `dataDir`. A message is written there before the publisher gets its
 * PUBACK, so what a gateway saw acknowledged survives a kill -9 of the platform or of the broker and
 * is delivered to ingest's persistent session after the restart (broker.test.ts, docs/broker.md).
 *
 * Without `dataDir`: in this process, memory only (unit tests, benchmarks); a crash loses every
 * message the broker holds, acknowledged or not.
 */
export async function startEmbeddedBroker({
  port,
  dataDir,
  log = () => {},
}: {
  port: number;
  dataDir?: string;
  log?: (line: string) => void;
}): Promise<EmbeddedBrokerHandle> {
  await assertPortFree(port, "MQTT broker", "MQTT_URL");
  if (dataDir !== undefined) return await startBrokerProcess({ port, dataDir, log });
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  const sockets = new Set<net.Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: null,
    dataDir: null,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

async function startBrokerProcess({
  port,
  dataDir,
  log,
}: {
  port: number;
  dataDir: string;
  log: (line: string) => void;
}): Promise<EmbeddedBrokerHandle> {
  mkdirSync(dataDir, { recursive: true });
  const owned = spawnOwned(process.execPath, [BROKER_PROCESS, "--port", String(port), "--dir", dataDir]);
  const child = owned.process;
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the embedded MQTT broker did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"listening"')) {
        clearTimeout(timer);
        child.removeListener("exit", onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the embedded MQTT broker exited with code ${code}:\n${output}`));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    child.once("exit", onExit);
  });
  child.stdout?.removeAllListeners("data");
  child.stderr?.removeAllListeners("data");
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (c: Buffer) => {
      const text = c.toString().trim();
      if (text) log(text);
    });
  }
  child.once("exit", (code, signal) => {
    if (!stopping) log(`the embedded MQTT broker exited (${signal ?? code})`);
  });
  let stopping = false;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: await owned.pid,
    dataDir,
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
