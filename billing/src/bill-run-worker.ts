// A bill-run worker process: claims the run's pending chunks until none is left (bill-run.ts,
// `billRunWorker`), then prints its counts and timings as one JSON line. Started by `runBill` with
// `processes`; SIGTERM / SIGINT stop it after the current chunk.
// Usage: node --import tsx billing/src/bill-run-worker.ts --url <postgres url> --run <bill run id>
//        [--max-missing N] [--intervals compact|reading_interval] [--no-compact] [--worker name]
import { parseArgs } from "node:util";
import { createPool } from "@c4e/prisma";
import { billRunWorker, loadRunContext, type WorkerTimings } from "./bill-run.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    run: { type: "string" },
    "max-missing": { type: "string", default: "0" },
    intervals: { type: "string", default: "compact" },
    "no-compact": { type: "boolean", default: false },
    worker: { type: "string" },
  },
});
if (!values.url || !values.run) {
  console.error("bill-run-worker needs --url and --run");
  process.exit(2);
}
const intervals = values.intervals === "reading_interval" ? "reading_interval" : "compact";
const stop = new AbortController();
process.on("SIGTERM", () => stop.abort());
process.on("SIGINT", () => stop.abort());
const pool = createPool({
  url: values.url,
  max: 2,
  applicationName: `c4e-bill-run-${values.worker ?? "worker"}`,
});
try {
  const run = await loadRunContext(pool, values.run, {
    maxMissingIntervals: Number(values["max-missing"]),
    intervals,
    compact: !values["no-compact"],
  });
  const timings: WorkerTimings = { sqlMs: 0, nodeMs: 0, writeMs: 0, compactMs: 0 };
  const result = await billRunWorker(pool, run, {
    signal: stop.signal,
    worker: values.worker ?? String(process.pid),
    timings,
  });
  console.log(JSON.stringify({ ...result, timings }));
} finally {
  await pool.end();
}
