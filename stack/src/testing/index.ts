import { randomBytes } from "node:crypto";
import { applyMigrations, createDatabase, dropDatabase } from "@c4e/prisma";
import { inject } from "vitest";
import { startEmbeddedBroker } from "../embedded/broker.ts";
import { startLocalChain } from "../embedded/chain.ts";
import { freePort } from "../embedded/ports.ts";
import "./provided-context.ts";

export type TestDatabase = { url: string; name: string; drop: () => Promise<void> };

/**
 * A fresh database for one test file on the run's Postgres server, migrated unless `migrate: false`
 * (then the code under test migrates it, e.g. the platform's `prisma migrate deploy`).
 */
export async function createTestDatabase(label = "t", { migrate = true } = {}): Promise<TestDatabase> {
  const serverUrl = inject("pgServerUrl");
  const name = `c4e_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  const url = await createDatabase(serverUrl, name);
  if (migrate) await applyMigrations(url);
  return { url, name, drop: () => dropDatabase(serverUrl, name) };
}

export type TestBroker = { url: string; topicRoot: string; stop: () => Promise<void> };

/**
 * An MQTT broker: the machine's (TEST_MQTT_URL, CI's second run) or an embedded aedes. Each test gets
 * its own topic root so parallel files never see each other's messages.
 */
export async function startTestBroker(): Promise<TestBroker> {
  const topicRoot = `test-${randomBytes(4).toString("hex")}/c4e/v1`;
  const external = process.env.TEST_MQTT_URL;
  if (external) return { url: external, topicRoot, stop: async () => {} };
  const broker = await startEmbeddedBroker({ port: await freePort() });
  return { url: broker.url, topicRoot, stop: broker.stop };
}

/** A local Hardhat chain (31337, or `chainId`) of its own for one test file. */
export async function startTestChain({ chainId }: { chainId?: number } = {}) {
  return await startLocalChain({ port: await freePort(), chainId });
}
