// The platform job queue survives a web restart and a worker crash (docs/jobs.md), on a real Postgres
// with real worker processes (stack/src/worker-main.ts): a bill run enqueued by a "web" client that
// is closed at once is run by a worker started later; that worker is killed with SIGKILL mid-run; a
// new worker notices the dead one, resumes the run and completes it with exactly one invoice per POD.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { seedBillingDemo } from "@c4e/billing/seed-demo";
import { createJobQueue, jobStatus, type JobView, listJobs } from "@c4e/billing/jobs/queue";
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFleet, seedFleet } from "../src/demo/fleet.ts";
import { LOCAL_CHAIN_ID } from "../src/dev-accounts.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

const EXTRA_PODS = 40;
const WORKER_MAIN = fileURLToPath(new URL("../src/worker-main.ts", import.meta.url));

let db: TestDatabase;
let pool: pg.Pool;
const workers: ChildProcess[] = [];

/** `n` more AMR PODs on the demo product, each with its own site and grid meter. */
async function addPods(n: number): Promise<void> {
  const k = `generate_series(1, ${n}) AS k`;
  await pool.query(
    `INSERT INTO customer (id, retailer_id, name)
     SELECT 'xc' || k, (SELECT id FROM retailer ORDER BY id LIMIT 1), 'Queue customer ' || k FROM ${k}`,
  );
  await pool.query(
    `INSERT INTO site (id, customer_id, name, address, pod_id, time_zone, annual_kwh)
     SELECT 'xs' || k, 'xc' || k, 'Queue site ' || k, 'Queue street ' || k, 'DE-QUEUE-' || lpad(k::text, 4, '0'),
       'Europe/Berlin', 3000 FROM ${k}`,
  );
  await pool.query(
    `INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w)
     SELECT 'xm' || k, 'xs' || k, (SELECT id FROM gateway ORDER BY id LIMIT 1), 'grid', 30000 FROM ${k}`,
  );
  await pool.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, product_id)
     SELECT 'xk' || k, 'C-QUEUE-' || k, 'xc' || k, 'trader-demo', '2025-01-01', 'EUR', 'prod-demo-tou' FROM ${k}`,
  );
  await pool.query(
    `INSERT INTO pod (id, identifier, name, address, site_id, contract_id, metering, annual_reference_kwh,
       profile_type_code, distributor_id, trader_id, balance_group_id, network_tariff_id, sign_in_date, time_zone)
     SELECT s.pod_id, s.pod_id, s.name, s.address, s.id, 'xk' || substr(s.id, 3), 'amr', 3000, 'H25',
       'dso-demo', 'trader-demo', 'bg-demo', 'nt-demo-h0-2026', '2025-01-01', 'Europe/Berlin'
     FROM site s WHERE s.id LIKE 'xs%'`,
  );
}

/** September and October 2026 (Berlin) in 15-minute intervals for every grid meter. */
async function seedIntervals(): Promise<void> {
  await pool.query(
    `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
     SELECT m.id, 'import', s, s + interval '15 minutes', 40 + (abs(hashtext(m.id || s::text)) % 400)
     FROM meter m, generate_series('2026-08-31T22:00Z'::timestamptz, '2026-10-31T22:45Z', interval '15 minutes') AS s
     WHERE m.kind = 'grid'`,
  );
}

/** A worker process (worker-main.ts); resolves once it takes jobs. */
async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), WORKER_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      SWITCH_ACTIVATION_MINUTES: "0",
      JOB_POLL_SECONDS: "0.5",
      JOB_REAP_SECONDS: "0.5",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  workers.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("worker running")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}:\n${out}`)));
  });
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  db = await createTestDatabase("job_queue");
  pool = createPool({ url: db.url, max: 4 });
  await seedFleet(pool, demoFleet({ gateways: 3, meters: 1 }), { chainId: LOCAL_CHAIN_ID });
  await seedBillingDemo(pool);
  await addPods(EXTRA_PODS);
  await seedIntervals();
});

afterAll(async () => {
  for (const w of workers) {
    if (w.exitCode === null && w.signalCode === null) w.kill("SIGTERM");
    await exited(w);
  }
  await pool?.end();
  await db?.drop();
});

describe("platform job queue", () => {
  it("a bill run survives a web restart and a worker killed mid-run: resumed, one invoice per POD", async () => {
    // the "web": enqueues and goes away before any worker runs
    const web = createPool({ url: db.url, max: 2 });
    const queue = await createJobQueue(web);
    const { id } = await queue.enqueue("bill-run", { period: "2026-10", batchSize: 1 });
    // a second request for the same month while it is queued gets the same job
    expect(await queue.enqueue("bill-run", { period: "2026-10" })).toEqual({ id, existing: true });
    await queue.stop();
    await web.end();
    expect(await jobStatus(pool, id)).toMatchObject({
      kind: "bill-run",
      state: "created",
      subject: "2026-10",
    });

    const first = await startWorker();
    const doneChunks = async () =>
      (
        await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM bill_run_chunk c JOIN bill_run r ON r.id = c.bill_run_id
           WHERE r.period_start = '2026-10-01' AND c.status = 'done'`,
        )
      ).rows[0]?.n ?? 0;
    // live progress is visible while it runs
    const running = await waitFor("progress of the running job", async () => {
      const s = await jobStatus(pool, id);
      return s?.state === "active" && (s.progress?.done ?? 0) >= 3 && (await doneChunks()) >= 3
        ? s
        : undefined;
    });
    first.kill("SIGKILL");
    await exited(first);
    const total = EXTRA_PODS + 3;
    expect(running.progress?.total).toBe(total);
    const doneAtKill = await doneChunks();
    expect(doneAtKill).toBeLessThan(total);
    // the killed worker's job is still "active" until a live worker notices
    expect((await jobStatus(pool, id))?.state).toBe("active");

    await startWorker();
    const finished = await waitFor("the resumed job", async () => {
      const s = await jobStatus(pool, id);
      return s && (s.state === "completed" || s.state === "failed") ? s : undefined;
    });
    expect(finished).toMatchObject<Partial<JobView>>({ state: "completed", retryCount: 1 });
    expect(finished.result).toMatchObject({ total, failed: 0, drafted: total });

    const billed = await pool.query(
      `SELECT (SELECT count(*)::int FROM invoice) AS invoices,
              (SELECT count(DISTINCT pod_id)::int FROM invoice) AS pods,
              (SELECT count(*)::int FROM bill_run_item WHERE status <> 'drafted') AS open,
              (SELECT count(*)::int FROM bill_run_chunk WHERE status = 'pending') AS pending,
              (SELECT max(pass)::int FROM bill_run_chunk) AS passes,
              (SELECT status::text FROM bill_run) AS run`,
    );
    // resumed in the same pass; every POD exactly once
    expect(billed.rows[0]).toEqual({
      invoices: total,
      pods: total,
      open: 0,
      pending: 0,
      passes: 1,
      run: "completed",
    });
    const jobs = await listJobs(pool, { kinds: ["bill-run"] });
    expect(jobs.map((j) => [j.id, j.state])).toEqual([[id, "completed"]]);
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map(exited));
  });

  it("a worker stopped with SIGTERM mid-run interrupts the run; the job is queued again and completed", async () => {
    const queue = await createJobQueue(pool);
    const { id } = await queue.enqueue("bill-run", { period: "2026-09", batchSize: 1 });
    await queue.stop();
    const worker = await startWorker();
    await waitFor("a few billed PODs", async () => {
      const s = await jobStatus(pool, id);
      if (s?.state === "completed") throw new Error("the run completed before the worker was stopped");
      return (s?.progress?.done ?? 0) >= 2 ? s : undefined;
    });
    const exit = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
    worker.kill("SIGTERM");
    expect(await exit).toBe(0);
    const stopped = await jobStatus(pool, id);
    // pg-boss counts the retry when a worker takes the job again
    expect(stopped).toMatchObject({ state: "retry", retryCount: 0 });
    expect(stopped?.error).toMatch(/interrupted at \d+\/43/);

    await startWorker();
    const finished = await waitFor("the resumed job", async () => {
      const s = await jobStatus(pool, id);
      return s?.state === "completed" || s?.state === "failed" ? s : undefined;
    });
    expect(finished).toMatchObject({ state: "completed", retryCount: 1 });
    const billed = await pool.query(
      `SELECT count(*)::int AS invoices, count(DISTINCT pod_id)::int AS pods FROM invoice WHERE period_start = '2026-09-01'`,
    );
    expect(billed.rows[0]).toEqual({ invoices: EXTRA_PODS + 3, pods: EXTRA_PODS + 3 });
  });

  it("a failure that a retry cannot fix fails the job at once, with its reason", async () => {
    if (workers.every((w) => w.exitCode !== null || w.signalCode !== null)) await startWorker();
    const queue = await createJobQueue(pool);
    const { id } = await queue.enqueue("corrections", { from: "2026-10", to: "2026-09" });
    await queue.stop();
    const failed = await waitFor("the failed job", async () => {
      const s = await jobStatus(pool, id);
      return s?.state === "failed" ? s : undefined;
    });
    expect(failed).toMatchObject({ retryCount: 0, error: "--to must not be before --from" });
    await expect(queue.enqueue("bill-run", { period: "2026-13" })).rejects.toThrow(/YYYY-MM/);
  });
});
