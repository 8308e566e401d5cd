// c4e-test: needs no machine services (npm run test:integration skips this file)
// A start killed without shutting down (SIGKILL) leaves its embedded PostgreSQL running on the data
// directory; the next start stops that server and starts again on the same port instead of refusing
// with "port in use". A server of another directory is never touched.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./ports.ts";
import { startEmbeddedPostgres, stopLeftoverServer } from "./postgres.ts";

const FIXTURE = join(import.meta.dirname, "postgres-leftover.fixture.ts");
const base = mkdtempSync(join(tmpdir(), "c4e-pg-leftover-"));
chmodSync(base, 0o755); // as root, the server runs as the OS user postgres and must reach its directory
const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(base, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs the fixture until the server is up, then kills it with SIGKILL; returns the server's pid. */
async function crashedStart(dataDir: string, port: number): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, dataDir, String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
      if (output.includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`fixture exited (${code}):\n${output}`)));
  });
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  cleanup.push(() => alive(pid) && process.kill(pid, "SIGINT"));
  return pid;
}

describe("embedded PostgreSQL left running by a killed start", () => {
  it("is stopped by the next start, which then serves the same data on the same port", async () => {
    const dataDir = join(base, "data");
    const port = await freePort();
    const leftover = await crashedStart(dataDir, port);
    expect(alive(leftover)).toBe(true); // the crash left the server behind

    const lines: string[] = [];
    const again = await startEmbeddedPostgres({
      dataDir,
      port,
      database: "leftover",
      log: (l) => lines.push(l),
    });
    cleanup.push(again.stop);
    expect(alive(leftover)).toBe(false);
    expect(lines.some((l) => l.includes(`left running (pid ${leftover})`))).toBe(true);
    const client = new pg.Client({ connectionString: again.url });
    await client.connect();
    const r = await client.query<{ db: string }>("SELECT current_database() AS db");
    await client.end();
    expect(r.rows[0]?.db).toBe("leftover");
  });

  it("leaves alone a directory without a server, and a pid file naming another directory", async () => {
    expect(await stopLeftoverServer(join(base, "nothing-here"), () => {})).toBeNull();
    // a pid file whose process is alive (this test process) but is not a postgres of that directory
    const other = join(base, "other");
    mkdirSync(other);
    writeFileSync(join(other, "postmaster.pid"), `${process.pid}\n/somewhere/else\n`);
    expect(await stopLeftoverServer(other, () => {})).toBeNull();
    expect(alive(process.pid)).toBe(true);
  });
});
