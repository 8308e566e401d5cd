// c4e-test: needs no machine services (npm run test:integration skips this file)
// `npm start` as a user runs it: the real CLI in a child process, embedded services on free ports.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { c4eTokenAbi } from "@c4e/contracts";
import pg from "pg";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_ACCOUNT_INDEX, devAccount } from "../src/dev-accounts.ts";
import { assertPortFree, freePort } from "../src/embedded/ports.ts";

const STACK_DIR = join(import.meta.dirname, "..");
const aliceWallet = devAccount(DEV_ACCOUNT_INDEX.prosumers[0]).address;

type Run = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function runCli(env: Record<string, string>): Run {
  const child = spawn(join(STACK_DIR, "..", "node_modules", ".bin", "tsx"), ["src/cli.ts", "start"], {
    cwd: STACK_DIR,
    env: { ...process.env, ...env, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until<T>(
  what: string,
  run: Run,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (run.child.exitCode !== null)
      throw new Error(`c4e start exited (${run.child.exitCode}):\n${run.output()}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${run.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("npm start", () => {
  let dataDir: string;
  let env: Record<string, string>;
  const ports = { pg: 0, mqtt: 0, chain: 0, web: 0 };
  let readingsAfterFirstRun = 0;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "c4e-start-"));
    ports.pg = await freePort();
    ports.mqtt = await freePort();
    ports.chain = await freePort();
    ports.web = await freePort();
    env = {
      C4E_DATA_DIR: dataDir,
      PG_PORT: String(ports.pg),
      MQTT_PORT: String(ports.mqtt),
      CHAIN_PORT: String(ports.chain),
      WEB_PORT: String(ports.web),
      SIM_BACKFILL_HOURS: "24",
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function aliceBalance(): Promise<bigint | undefined> {
    const client = new pg.Client(`postgresql://postgres:postgres@127.0.0.1:${ports.pg}/c4e`);
    await client.connect();
    try {
      const { rows } = await client.query<{ balance: string }>(
        "SELECT balance FROM token_balance WHERE address = $1",
        [aliceWallet.toLowerCase()],
      );
      return rows[0] && BigInt(rows[0].balance) > 0n ? BigInt(rows[0].balance) : undefined;
    } finally {
      await client.end();
    }
  }

  async function withDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client(`postgresql://postgres:postgres@127.0.0.1:${ports.pg}/c4e`);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }
  const readingsCount = () =>
    withDb(async (c) => Number((await c.query("SELECT count(*) AS n FROM reading")).rows[0].n));
  const deployment = () =>
    withDb(async (c) => {
      const { rows } = await c.query<{ token: `0x${string}` }>("SELECT token FROM chain_deployment");
      return rows[0] ? { token: rows[0].token } : undefined;
    });

  async function healthy(): Promise<object | undefined> {
    const res = await fetch(`http://127.0.0.1:${ports.web}/api/health`);
    const body = (await res.json()) as { status: string };
    return res.status === 200 && body.status === "ok" ? body : undefined;
  }

  async function stop(run: Run): Promise<void> {
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    for (const [name, port] of Object.entries(ports)) await assertPortFree(port, name, "-");
  }

  it("brings everything up on embedded defaults: a positive balance and a healthy platform within 90 s", async () => {
    const t0 = Date.now();
    const run = runCli(env);
    await until("the demo prosumer's balance", run, aliceBalance, 90_000);
    const health = await until("health", run, healthy, Math.max(1000, 90_000 - (Date.now() - t0)));
    expect(health).toMatchObject({
      components: {
        database: { ok: true },
        broker: { ok: true },
        chain: { ok: true },
        indexer: { ok: true },
        ingest: { ok: true },
      },
    });
    expect(run.output()).toMatch(/C4E is running/);
    readingsAfterFirstRun = await readingsCount();
    await stop(run);
  });

  it("reuses the data on a second start and re-mints the rewards on the new local chain", async () => {
    const before = readingsAfterFirstRun;
    expect(before).toBeGreaterThan(0);
    const run = runCli(env);
    await until(
      "the start",
      run,
      async () => (/C4E is running/.test(run.output()) ? true : undefined),
      90_000,
    );
    expect(run.output()).toMatch(/migrations up to date/);
    expect(run.output()).toMatch(/a new local chain\): redeploying and re-minting rewards/);
    expect(await readingsCount()).toBeGreaterThanOrEqual(before);
    // the rewards recorded before are minted again on the new chain, and the mirror follows
    const chain = createPublicClient({ transport: http(`http://127.0.0.1:${ports.chain}`) });
    const { token } = await until("the deployment", run, deployment, 10_000);
    const onChain = await until(
      "the re-minted balance",
      run,
      async () => {
        const b = await chain.readContract({
          address: token,
          abi: c4eTokenAbi,
          functionName: "balanceOf",
          args: [aliceWallet],
        });
        return b > 0n ? b : undefined;
      },
      60_000,
    );
    await until(
      "the mirror",
      run,
      async () => ((await aliceBalance()) ?? 0n) >= onChain || undefined,
      30_000,
    );
    await stop(run);
  });

  it("stops cleanly when Ctrl-C arrives during the start", async () => {
    const run = runCli(env);
    await until(
      "the chain to start",
      run,
      async () => (/\[chain\]|\[postgres\]|migrations/.test(run.output()) ? true : undefined),
      60_000,
    );
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    for (const [name, port] of Object.entries(ports)) await assertPortFree(port, name, "-");
  });

  it("stops with one clear line when a port is taken or a variable is wrong", async () => {
    const blocker = createServer().listen(ports.web, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    try {
      const taken = runCli({ ...env, SIMULATOR: "0" });
      expect(await taken.exited).toBe(1);
      expect(taken.output()).toContain(`port ${ports.web} for the embedded web app is already in use`);
      expect(taken.output()).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      blocker.close();
    }
    const wrong = runCli({ ...env, DATABASE_URL: "postgresql://postgres@127.0.0.1:1/nowhere" });
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toMatch(
      /C4E cannot start: DATABASE_URL: cannot connect to postgresql:\/\/postgres@127\.0\.0\.1:1\/nowhere/,
    );
    const bad = runCli({ ...env, RPC_URL: "http://127.0.0.1:1" });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain("C4E cannot start: MINTER_PRIVATE_KEY: is required when RPC_URL is set");
    const unreachable = runCli({
      ...env,
      RPC_URL: "http://127.0.0.1:1",
      MINTER_PRIVATE_KEY: `0x${"11".repeat(32)}`,
    });
    expect(await unreachable.exited).toBe(1);
    expect(unreachable.output()).toContain(
      "C4E cannot start: RPC_URL: no JSON-RPC answer from http://127.0.0.1:1/",
    );
  });
});
