// The switch-activation job's handler. The supplier-switch back office still lives in web/ (its code
// uses the web app's path alias and configuration), so the handler runs web's job script
// (web/src/jobs/activate-due-switches.ts) as a child process with the worker's environment; when
// the back office moves into a workspace of its own, this becomes a direct call.
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { JobHandler } from "@c4e/billing/jobs/handlers";
import { REPO_ROOT } from "../embedded/chain.ts";

const WEB_DIR = join(REPO_ROOT, "web");

/** Runs web's switch-activation script; resolves to its JSON summary (activated, failed, purged drafts). */
export function switchActivationHandler(env: NodeJS.ProcessEnv): JobHandler<"switch-activation"> {
  return (_payload, ctx) =>
    new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", import.meta.resolve("tsx"), join("src", "jobs", "activate-due-switches.ts")],
        { cwd: WEB_DIR, env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      let err = "";
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr.on("data", (b: Buffer) => (err += b.toString()));
      const onAbort = () => child.kill("SIGTERM");
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      child.on("error", reject);
      child.on("exit", (code) => {
        ctx.signal.removeEventListener("abort", onAbort);
        if (code !== 0)
          return reject(new Error(`switch activation exited with ${code}: ${err.trim().slice(-500)}`));
        try {
          resolve(JSON.parse(out.trim().split("\n").pop() ?? "{}"));
        } catch {
          resolve({ output: out.trim().slice(-500) });
        }
      });
    });
}
