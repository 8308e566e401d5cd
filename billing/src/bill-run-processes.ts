// Worker processes of a bill run (`runBill` with `processes`): each runs bill-run-worker.ts with tsx,
// claims chunks on its own connection, and prints its timings; this module polls the chunks for
// progress. Separate from bill-run.ts, which the web app bundles (no child processes there).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BillRunError, type WorkerProcessLauncher, type WorkerTimings } from "./bill-run.ts";

/** The worker processes of a run: spawned, polled for progress, their timings summed. */
export const launchWorkerProcesses: WorkerProcessLauncher = async (
  pool,
  run,
  params,
  processes,
  progress,
) => {
  const entry = fileURLToPath(new URL("./bill-run-worker.ts", import.meta.url));
  const tsx = import.meta.resolve("tsx");
  const base = { ...progress };
  const sum: WorkerTimings = { sqlMs: 0, nodeMs: 0, writeMs: 0, compactMs: 0 };
  const poll = async () => {
    const r = await pool.query<{ drafted: number; incomplete: number; failed: number }>(
      `SELECT coalesce(sum(drafted), 0)::int AS drafted, coalesce(sum(incomplete), 0)::int AS incomplete,
         coalesce(sum(failed), 0)::int AS failed
       FROM bill_run_chunk WHERE bill_run_id = $1 AND status = 'done' AND finished_at >= $2`,
      [run.id, new Date(started)],
    );
    const c = r.rows[0] ?? { drafted: 0, incomplete: 0, failed: 0 };
    progress.drafted = base.drafted + c.drafted;
    progress.incomplete = c.incomplete;
    progress.failed = c.failed;
    progress.done = base.done + c.drafted + c.incomplete;
    params.onProgress?.({ ...progress });
  };
  const started = Date.now() - 1000;
  const children = Array.from({ length: processes }, (_, w) => {
    const args = [
      "--import",
      tsx,
      entry,
      "--url",
      params.databaseUrl as string,
      "--run",
      run.id,
      "--max-missing",
      String(run.maxMissing),
      "--intervals",
      run.intervals,
      "--worker",
      `p${w}`,
      ...(run.compact ? [] : ["--no-compact"]),
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    return {
      child,
      done: new Promise<string>((resolve, reject) => {
        child.on("error", reject);
        child.on("exit", (code) =>
          code === 0
            ? resolve(out)
            : reject(new BillRunError(`bill-run worker p${w} exited with ${code}`, "WORKER_FAILED")),
        );
      }),
    };
  });
  const onAbort = () => children.forEach((c) => c.child.kill("SIGTERM"));
  params.signal?.addEventListener("abort", onAbort);
  const timer = setInterval(() => void poll().catch(() => {}), 1000);
  try {
    for (const c of children) {
      const out = await c.done;
      const t = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { timings?: WorkerTimings };
      for (const k of ["sqlMs", "nodeMs", "writeMs", "compactMs"] as const) sum[k] += t.timings?.[k] ?? 0;
    }
  } finally {
    clearInterval(timer);
    params.signal?.removeEventListener("abort", onAbort);
  }
  await poll();
  return sum;
};
