// The job worker in a process of its own (docs/jobs.md): runs the platform queue's jobs (bill runs,
// advance runs, settlements, corrections, imports, switch activation) until SIGTERM/SIGINT, then
// interrupts the running jobs (they are queued again and resume) and exits. Prints "worker running"
// once it takes jobs. `npm start` runs it beside web and ingest (worker.ts).
//   DATABASE_URL (required); SWITCH_ACTIVATION_MINUTES (60; 0 = not scheduled by this worker);
//   JOB_POLL_SECONDS (1); JOB_REAP_SECONDS (5): how often dead workers' jobs are looked for.
// Usage: node --import tsx stack/src/worker-main.ts
import { billingJobHandlers } from "@c4e/billing/jobs/handlers";
import { startJobWorker } from "@c4e/billing/jobs/worker";
import { createPool } from "@c4e/prisma";
import { z } from "zod";
import { createLog } from "./log.ts";
import { switchActivationHandler } from "./worker/switch-activation.ts";

const schema = z.object({
  DATABASE_URL: z.string({ error: "is required" }).regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
  SWITCH_ACTIVATION_MINUTES: z.coerce.number().int().min(0).max(1440).default(60),
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  JOB_REAP_SECONDS: z.coerce.number().min(0.2).max(600).default(5),
});
const parsed = schema.safeParse(
  Object.fromEntries(Object.keys(schema.shape).map((k) => [k, process.env[k] || undefined])),
);
if (!parsed.success) {
  for (const i of parsed.error.issues) console.error(`worker: ${i.path.join(".")}: ${i.message}`);
  process.exit(2);
}
const config = parsed.data;
const log = createLog("worker");
const pool = createPool({ url: config.DATABASE_URL, max: 8, applicationName: "c4e-worker" });
const worker = await startJobWorker({
  databaseUrl: config.DATABASE_URL,
  pool,
  handlers: { ...billingJobHandlers, "switch-activation": switchActivationHandler },
  log: (line) => log(line),
  pollingIntervalSeconds: config.JOB_POLL_SECONDS,
  reapIntervalMs: config.JOB_REAP_SECONDS * 1000,
  switchActivationMinutes: config.SWITCH_ACTIVATION_MINUTES,
});
console.log("worker running");
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void worker
      .stop()
      .then(() => pool.end())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}
