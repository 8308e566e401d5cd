// Runs one command for a parent process and makes sure it does not outlive that parent (started by
// owned-child.ts; plain JavaScript so node runs it without a loader). The parent holds an IPC channel to
// this process; when the parent dies in any way, even SIGKILL, the operating system closes the channel
// and "disconnect" fires here, so the command and everything it started are stopped. This process
// leads its own process group (the parent spawns it detached), which the command and its children
// join: one signal to the group reaches all of them.
import { spawn } from "node:child_process";
import { constants } from "node:os";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("child-guard: no command");
  process.exit(2);
}
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
let stopping = false;

/** Everything else in the group (the command's own children); this process ignores it (handler below). */
const signalGroup = (signal) => {
  try {
    process.kill(-process.pid, signal);
  } catch {
    // the group is already gone
  }
};

const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
  // a command that ignores the polite signal is killed with its whole group
  setTimeout(() => signalGroup("SIGKILL"), 5_000).unref();
};

process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGHUP", () => stop("SIGTERM"));
process.on("disconnect", () => stop("SIGTERM"));
child.once("error", (error) => {
  console.error(`child-guard: cannot start ${command}: ${error.message}`);
  process.exit(127);
});
child.once("spawn", () => process.send?.({ pid: child.pid }));
child.once("exit", (code, signal) => {
  stopping = true;
  // the command is gone; whatever it started goes with it (SIGTERM is handled here, so this survives)
  signalGroup("SIGTERM");
  process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1));
});
