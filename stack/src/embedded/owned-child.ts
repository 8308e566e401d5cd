import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { join } from "node:path";

const GUARD = join(import.meta.dirname, "child-guard.mjs");

/** A command started with `spawnOwned`: `process` is its guard (signals and exit are the command's). */
export type OwnedChild = {
  process: ChildProcess;
  /** the command's own pid, once it has started */
  pid: Promise<number>;
};

const owned = new Set<ChildProcess>();
let handlersInstalled = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Stops every owned child when this process ends: on exit synchronously (SIGKILL to each group; no
 * time for anything else then). On SIGTERM/SIGINT/SIGHUP that nobody else handles (a test worker),
 * SIGTERM to each group, then the signal is raised again so the process dies of it as it would have.
 * When the process has its own handler (the platform's graceful shutdown), that handler stops its
 * children in order and the exit hook catches whatever is left.
 */
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", () => {
    for (const child of owned) signalGroup(child, "SIGKILL");
  });
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      for (const child of owned) signalGroup(child, "SIGTERM");
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * Spawns a long-running helper (a local chain, a web server) that dies with this process, however
 * this process ends: exit and catchable signals are handled here; for SIGKILL or a crash, the
 * command runs under `child-guard.mjs`, which notices the closed IPC channel and stops it. The
 * command and its own children share one process group, so stopping reaches all of them.
 * stdin is ignored; stdout/stderr are as in `options.stdio` (default: pipes).
 */
export function spawnOwned(
  command: string,
  args: readonly string[],
  options: Pick<SpawnOptions, "cwd" | "env"> & { stdio?: "pipe" | "inherit" | "ignore" } = {},
): OwnedChild {
  installHandlers();
  const out = options.stdio ?? "pipe";
  const guard = spawn(process.execPath, [GUARD, command, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", out, out, "ipc"],
    detached: true,
  });
  owned.add(guard);
  guard.once("exit", () => owned.delete(guard));
  // the channel exists to tell the guard when this process is gone; it must not keep this process alive
  guard.channel?.unref();
  const pid = new Promise<number>((resolve, reject) => {
    guard.once("message", (m: unknown) => {
      const childPid = (m as { pid?: unknown } | null)?.pid;
      if (typeof childPid === "number") resolve(childPid);
      else reject(new Error(`child guard sent ${JSON.stringify(m)}`));
    });
    guard.once("exit", (code) => reject(new Error(`${command} exited before it started (${code})`)));
  });
  pid.catch(() => {});
  return { process: guard, pid };
}
