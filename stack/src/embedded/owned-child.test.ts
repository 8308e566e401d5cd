// c4e-test: needs no machine services (npm run test:integration skips this file)
// Children started with spawnOwned (the test chain, `next start` in web tests) die with their parent,
// however it ends: process.exit, SIGTERM, SIGINT, or SIGKILL (a crashed test worker; the guard notices).
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const FIXTURE = join(import.meta.dirname, "owned-child.fixture.ts");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

const started: number[] = [];
afterEach(() => {
  // never leave anything behind, even when an assertion failed
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
});

/** Starts the fixture and resolves with the pids it printed once it is ready. */
async function startFixture(kind: "chain" | "tree", end: "exit" | "wait") {
  const parent = spawn(process.execPath, ["--import", "tsx", FIXTURE, kind, end], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  parent.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const pids = await new Promise<{ child: number; grandchild?: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fixture not ready:\n${output}`)), 90_000);
    parent.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
      // the grandchild prints its own line, which can come after "ready" on a loaded machine
      if (!output.includes("ready") || (kind === "tree" && !/grandchild \d+/.test(output))) return;
      clearTimeout(timer);
      const child = Number(/child (\d+)/.exec(output.replace(/grandchild \d+/, ""))?.[1]);
      const grandchild = /grandchild (\d+)/.exec(output)?.[1];
      resolve({ child, grandchild: grandchild ? Number(grandchild) : undefined });
    });
  });
  started.push(pids.child, ...(pids.grandchild ? [pids.grandchild] : []));
  return { parent, ...pids };
}

const exited = (p: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) resolve({ code: p.exitCode, signal: p.signalCode });
    else p.once("exit", (code, signal) => resolve({ code, signal }));
  });

describe("owned children die with their parent", () => {
  it("a test chain goes when its parent is killed with SIGTERM, and the parent still dies of SIGTERM", async () => {
    const f = await startFixture("chain", "wait");
    expect(alive(f.child)).toBe(true);
    f.parent.kill("SIGTERM");
    expect(await exited(f.parent)).toEqual({ code: null, signal: "SIGTERM" });
    expect(await gone(f.child, 10_000)).toBe(true);
  });

  it("a child and its own child go when the parent calls process.exit", async () => {
    const f = await startFixture("tree", "exit");
    expect(f.grandchild).toBeGreaterThan(0);
    expect(await exited(f.parent)).toEqual({ code: 3, signal: null });
    expect(await gone(f.child, 5_000)).toBe(true);
    expect(await gone(f.grandchild ?? 0, 5_000)).toBe(true);
  });

  it("a child goes on SIGINT", async () => {
    const f = await startFixture("tree", "wait");
    f.parent.kill("SIGINT");
    expect(await exited(f.parent)).toEqual({ code: null, signal: "SIGINT" });
    expect(await gone(f.child, 5_000)).toBe(true);
    expect(await gone(f.grandchild ?? 0, 5_000)).toBe(true);
  });

  it("a child goes even when the parent is killed with SIGKILL (no handler runs: the guard stops it)", async () => {
    const f = await startFixture("tree", "wait");
    f.parent.kill("SIGKILL");
    expect((await exited(f.parent)).signal).toBe("SIGKILL");
    expect(await gone(f.child, 10_000)).toBe(true);
    expect(await gone(f.grandchild ?? 0, 10_000)).toBe(true);
  });
});
