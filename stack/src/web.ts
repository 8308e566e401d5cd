import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./embedded/chain.ts";
import { spawnOwned } from "./embedded/owned-child.ts";
import { assertPortFree } from "./embedded/ports.ts";
import type { Log } from "./log.ts";

const WEB_DIR = join(REPO_ROOT, "web");
const NEXT_BIN = join(REPO_ROOT, "node_modules", ".bin", "next");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".next" || entry.name === "test") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when there is no production build or a web source file changed since it was made. */
export function webBuildIsStale(): boolean {
  const buildId = join(WEB_DIR, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return newestMtime(WEB_DIR) > built || newestMtime(join(REPO_ROOT, "domain", "src")) > built;
}

const nextEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  ...env,
  NEXT_TELEMETRY_DISABLED: "1",
});

function forwardOutput(child: ChildProcess, log: Log): void {
  const forward = (c: Buffer) => {
    for (const line of c.toString().split("\n")) if (line.trim()) log(line.trimEnd());
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
}

function run(args: string[], env: NodeJS.ProcessEnv, log: Log, signal?: AbortSignal): ChildProcess {
  const child = spawn(NEXT_BIN, args, { cwd: WEB_DIR, env: nextEnv(env), signal });
  forwardOutput(child, log);
  return child;
}

/** `next build` when the build is missing or stale. */
export async function buildWeb(log: Log, signal?: AbortSignal): Promise<void> {
  if (!webBuildIsStale()) return;
  log("building the web app (first start or changed sources; about 2 minutes on 2 cores)…");
  const started = Date.now();
  // next build's own progress lines ("Creating an optimized production build", "Compiled",
  // "Generating static pages") show that the start is not hung; a heartbeat covers its silences
  const heartbeat = setInterval(
    () => log(`still building the web app (${Math.round((Date.now() - started) / 1000)} s)`),
    20_000,
  );
  await new Promise<void>((resolve, reject) => {
    const child = run(["build"], {}, log, signal);
    child.once("error", reject); // aborted
    let output = "";
    child.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed:\n${output}`)),
    );
  }).finally(() => clearInterval(heartbeat));
  log(`web app built in ${Math.round((Date.now() - started) / 1000)} s`);
}

export type WebHandle = { url: string; stop: () => Promise<void> };

/** `next start` on the port; resolves when it answers. */
export async function startWeb(params: {
  port: number;
  env: Record<string, string>;
  log: Log;
}): Promise<WebHandle> {
  const { port, env, log } = params;
  await assertPortFree(port, "web app", "WEB_PORT");
  // owned: the server dies with this process, also when it is killed without a chance to stop it
  const child = spawnOwned(NEXT_BIN, ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: WEB_DIR,
    env: nextEnv(env),
  }).process;
  forwardOutput(child, log);
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.status > 0) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the web app did not answer within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
