import { spawn } from "node:child_process";
import { join } from "node:path";
import mqtt from "mqtt";
import pg from "pg";
import { createPublicClient, http } from "viem";
import { REPO_ROOT } from "./embedded/chain.ts";
import { ConfigError } from "./env.ts";
import { redactUrl } from "./log.ts";

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { errors?: Error[]; shortMessage?: string };
  if (e.code) return e.code;
  if (e.errors?.[0]) return reason(e.errors[0]);
  return (e.shortMessage ?? e.message ?? String(err)).split("\n")[0] ?? "unknown error";
}

/** Fails with a message naming DATABASE_URL when the database cannot be reached. */
export async function checkDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    throw new ConfigError([
      { variable: "DATABASE_URL", message: `cannot connect to ${redactUrl(url)} (${reason(err)})` },
    ]);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function checkBroker(url: string): Promise<void> {
  try {
    const client = await mqtt.connectAsync(url, { connectTimeout: 5000, reconnectPeriod: 0 });
    await client.endAsync();
  } catch (err) {
    throw new ConfigError([
      { variable: "MQTT_URL", message: `cannot connect to ${redactUrl(url)} (${reason(err)})` },
    ]);
  }
}

/** Returns the chain id, or fails naming RPC_URL. */
export async function checkChain(url: string): Promise<number> {
  try {
    const client = createPublicClient({ transport: http(url, { timeout: 5000, retryCount: 0 }) });
    return await client.getChainId();
  } catch (err) {
    throw new ConfigError([
      { variable: "RPC_URL", message: `no JSON-RPC answer from ${redactUrl(url)} (${reason(err)})` },
    ]);
  }
}

/** Runs `prisma migrate deploy` (keeps Prisma's migration history) against the database. */
export async function migrateDatabase(url: string, log: (line: string) => void): Promise<void> {
  const bin = join(REPO_ROOT, "node_modules", ".bin", "prisma");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin, ["migrate", "deploy"], {
      cwd: join(REPO_ROOT, "prisma"),
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.once("exit", (code) => {
      const applied = output.match(/(\d+) migrations? found/)?.[0];
      if (code === 0) {
        log(`migrations up to date${applied ? ` (${applied})` : ""}`);
        resolve();
      } else reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`));
    });
  });
}
