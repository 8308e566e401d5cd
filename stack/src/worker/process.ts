// The job worker as a child of `npm start` (worker-main.ts), owned so it dies with the platform.
import { fileURLToPath } from "node:url";
import { spawnOwned } from "../embedded/owned-child.ts";
import type { Log } from "../log.ts";

const WORKER_MAIN = fileURLToPath(new URL("../worker-main.ts", import.meta.url));

export type WorkerHandle = { stop: () => Promise<void> };

/**
 * Starts worker-main.ts with `env` (DATABASE_URL, SWITCH_ACTIVATION_MINUTES, …); resolves once it
 * takes jobs. Its output lines go to `log` as they are.
 */
export async function startWorkerProcess(params: {
  env: Record<string, string>;
  log: Log;
}): Promise<WorkerHandle> {
  const child = spawnOwned(process.execPath, ["--import", import.meta.resolve("tsx"), WORKER_MAIN], {
    env: { ...process.env, ...params.env },
  }).process;
  await new Promise<void>((resolve, reject) => {
    let ready = false;
    const forward = (b: Buffer) => {
      for (const line of b.toString().split("\n")) {
        if (!line.trim()) continue;
        if (!ready && line.trim() === "worker running") {
          ready = true;
          resolve();
        } else params.log(line.replace(/^\[worker\] /, "")); // its stdout is a pipe: no colour codes
      }
    };
    child.stdout?.on("data", forward);
    child.stderr?.on("data", forward);
    child.once("exit", (code) => reject(new Error(`the job worker exited with code ${code}`)));
  });
  return {
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
