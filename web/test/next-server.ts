import { type ChildProcess, spawn } from "node:child_process";
import { spawnOwned } from "@c4e/stack/embedded/owned-child";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const WEB_DIR = join(import.meta.dirname, "..");
const NEXT_BIN = join(WEB_DIR, "..", "node_modules", ".bin", "next");

function run(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(NEXT_BIN, args, {
    cwd: WEB_DIR,
    env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: "1" } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `next build` when there is no build or a source file is newer than it (as `npm start` does). */
export async function ensureBuilt(): Promise<void> {
  const buildId = join(WEB_DIR, ".next", "BUILD_ID");
  if (existsSync(buildId) && newestMtime(join(WEB_DIR, "src")) < statSync(buildId).mtimeMs) return;
  await new Promise<void>((resolve, reject) => {
    const child = run(["build"], {});
    let output = "";
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed:\n${output}`)),
    );
  });
}

/**
 * `next start` on 127.0.0.1:port with the given environment; resolves once it answers. The server
 * dies with this process (a crashed test worker leaves no server behind: see owned-child.ts).
 */
export async function startNext(port: number, env: Record<string, string>) {
  const owned = spawnOwned(NEXT_BIN, ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: WEB_DIR,
    env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: "1" } as NodeJS.ProcessEnv,
  });
  const child = owned.process;
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(`http://127.0.0.1:${port}/api/auth/session`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url: `http://localhost:${port}`,
    pid: await owned.pid,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
