// Bill runs at utility scale (docs/billing-runs.md, "Compact interval store", "Workers and chunks"), on
// a real database: the compaction of reading_interval into interval_day is exact and idempotent
// (also across DST days, gaps, off-grid rows and withdrawn data), the compact aggregation equals the
// row-per-interval one for every period shape, two concurrent workers bill each POD exactly once, and
// a worker process killed mid-run leaves nothing half-done: the resumed run finishes without duplicates.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEMO_TOU_DEMAND_TARIFF } from "../src/seed-demo.ts";
import { periodInstants, touWindows } from "@c4e/domain";
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runBillingCommand } from "../src/commands.ts";
import {
  aggregatePodIntervals,
  missingIntervalGaps,
  type PodIntervalSums,
} from "../src/aggregate-intervals.ts";
import { billRunWorker, loadRunContext, prepareBillRun, runBill } from "../src/bill-run.ts";
import {
  aggregateCompactIntervals,
  compactIntervalGaps,
  compactIntervals,
} from "../src/compact-intervals.ts";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "./fixtures.ts";

let t: BillingTestDb;
/** grid meters of the demo PODs, in POD order */
let meters: { pod: string; meter: string }[];
const EXTRA_PODS = 40;

/** `n` more AMR PODs on the demo product, each with its own site, grid meter and October data. */
async function addPods(pool: pg.Pool, n: number): Promise<void> {
  await pool.query(
    `INSERT INTO customer (id, retailer_id, name)
     SELECT 'xc' || k, (SELECT id FROM retailer ORDER BY id LIMIT 1), 'Scale customer ' || k FROM generate_series(1, $1) AS k`,
    [n],
  );
  await pool.query(
    `INSERT INTO site (id, customer_id, name, address, pod_id, time_zone, annual_kwh)
     SELECT 'xs' || k, 'xc' || k, 'Scale site ' || k, 'Scale street ' || k, 'DE-SCALE-' || lpad(k::text, 4, '0'),
       'Europe/Berlin', 3000 FROM generate_series(1, $1) AS k`,
    [n],
  );
  await pool.query(
    `INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w)
     SELECT 'xm' || k, 'xs' || k, (SELECT id FROM gateway ORDER BY id LIMIT 1), 'grid', 30000 FROM generate_series(1, $1) AS k`,
    [n],
  );
  await pool.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, product_id)
     SELECT 'xk' || k, 'C-SCALE-' || k, 'xc' || k, 'trader-demo', '2025-01-01', 'EUR', 'prod-demo-tou'
     FROM generate_series(1, $1) AS k`,
    [n],
  );
  await pool.query(
    `INSERT INTO pod (id, identifier, name, address, site_id, contract_id, metering, annual_reference_kwh,
       profile_type_code, distributor_id, trader_id, balance_group_id, network_tariff_id, sign_in_date, time_zone)
     SELECT s.pod_id, s.pod_id, s.name, s.address, s.id, 'xk' || substr(s.id, 3), 'amr', 3000, 'H25',
       'dso-demo', 'trader-demo', 'bg-demo', 'nt-demo-h0-2026', '2025-01-01', 'Europe/Berlin'
     FROM site s WHERE s.id LIKE 'xs%'`,
  );
  await pool.query(
    `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
     SELECT 'xm' || k, 'import', s, s + interval '15 minutes', 20 + (abs(hashtext(k::text || s::text)) % 300)
     FROM generate_series(1, $1) AS k,
          generate_series('2026-09-30T22:00Z'::timestamptz, '2026-11-30T22:45Z', interval '15 minutes') AS s`,
    [n],
  );
}

/**
 * What billing uses of the sums: bands with energy (a band without is 0 either way), and for a POD with
 * off-grid rows only their count (it fails; the row path also counts those rows as intervals).
 */
function normalise(sums: Map<string, PodIntervalSums>): Record<string, unknown> {
  return Object.fromEntries(
    [...sums].map(([pod, s]) => [
      pod,
      s.offGrid > 0
        ? { offGrid: s.offGrid }
        : {
            bands: Object.fromEntries([...s.importWhByBand].filter(([, wh]) => wh !== 0n).sort()),
            importWh: s.importWh,
            exportWh: s.exportWh,
            peakBucketWh: s.peakBucketWh,
            intervals: s.intervals,
          },
    ]),
  );
}

const compactRow = async (meter: string, register: string, day: string) =>
  (
    await t.pool.query(
      `SELECT intervals, present::text, cum, max_wh, max_hour_wh, off_grid_at FROM interval_day
       WHERE meter_id = $1 AND register = $2 AND day = $3`,
      [meter, register, day],
    )
  ).rows[0];

beforeAll(async () => {
  t = await createBillingTestDb("billing_scale");
  await seedIntervals(t);
  meters = (
    await t.pool.query<{ pod: string; meter: string }>(
      `SELECT p.id AS pod, m.id AS meter FROM pod p JOIN meter m ON m.site_id = p.site_id AND m.kind = 'grid' ORDER BY p.id`,
    )
  ).rows;
  expect(meters).toHaveLength(3);
  const m = meters[0]?.meter as string;
  // Spring forward (29 March 2026, Berlin: 23 h) for the first meter, with one off-grid row
  await t.pool.query(
    `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
     SELECT $1, 'import', s, s + interval '15 minutes', 10 + (extract(epoch FROM s)::bigint / 900) % 97
     FROM generate_series('2026-03-27T23:00Z'::timestamptz, '2026-03-30T21:45Z', interval '15 minutes') AS s`,
    [m],
  );
  await t.pool.query(
    `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
     VALUES ($1, 'import', '2026-03-28T10:07Z', '2026-03-28T10:22Z', 5)`,
    [m],
  );
});
afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await t?.close();
});

describe("compaction of reading_interval into interval_day", () => {
  it("is exact per meter, register and UTC day, and a second pass writes nothing", async () => {
    const first = await compactIntervals(t.pool, { fromDay: "2026-03-01", toDay: "2026-12-01" });
    expect(first.written).toBe(first.days);
    expect(first.days).toBeGreaterThan(0);
    // every (meter, register, day): count, sum, presence and the day's maxima equal the audit rows
    const diff = await t.pool.query(
      `WITH src AS (
         SELECT meter_id, register, (start_at AT TIME ZONE 'UTC')::date AS day,
           count(*) FILTER (WHERE extract(epoch FROM start_at) % 900 = 0)::int AS n,
           coalesce(sum(energy_wh) FILTER (WHERE extract(epoch FROM start_at) % 900 = 0), 0) AS wh,
           max(energy_wh) FILTER (WHERE extract(epoch FROM start_at) % 900 = 0) AS max_wh,
           count(*) FILTER (WHERE extract(epoch FROM start_at) % 900 <> 0)::int AS off_grid
         FROM reading_interval GROUP BY 1, 2, 3),
       hours AS (
         SELECT meter_id, register, (start_at AT TIME ZONE 'UTC')::date AS day, max(wh) AS max_hour_wh FROM (
           SELECT meter_id, register, start_at, sum(energy_wh) OVER (
             PARTITION BY meter_id, register, date_trunc('hour', start_at AT TIME ZONE 'UTC')) AS wh
           FROM reading_interval WHERE extract(epoch FROM start_at) % 900 = 0) AS x GROUP BY 1, 2, 3)
       SELECT s.meter_id, s.register, s.day, s.n, d.intervals, s.wh, d.cum[97], s.max_wh, d.max_wh,
         h.max_hour_wh, d.max_hour_wh
       FROM src s JOIN hours h USING (meter_id, register, day)
       FULL JOIN interval_day d USING (meter_id, register, day)
       WHERE s.n IS DISTINCT FROM d.intervals OR s.wh IS DISTINCT FROM d.cum[97]::numeric
          OR s.max_wh IS DISTINCT FROM d.max_wh OR h.max_hour_wh IS DISTINCT FROM d.max_hour_wh
          OR s.n <> length(replace(d.present::text, '0', ''))
          OR s.off_grid <> coalesce(cardinality(d.off_grid_at), 0)`,
    );
    expect(diff.rows).toEqual([]);
    // the prefix sums: slot k of a day is cum[k + 2] − cum[k + 1]
    const m = meters[0]?.meter as string;
    const row = await compactRow(m, "import", "2026-10-25");
    const slot40 = await t.pool.query(
      `SELECT energy_wh::int AS wh FROM reading_interval WHERE meter_id = $1 AND register = 'import'
       AND start_at = '2026-10-25T10:00Z'`,
      [m],
    );
    expect(row.cum[41] - row.cum[40]).toBe(slot40.rows[0].wh);
    expect(await compactRow(m, "import", "2026-03-28")).toMatchObject({
      intervals: 96,
      off_grid_at: [new Date("2026-03-28T10:07Z")],
    });

    const again = await compactIntervals(t.pool, { fromDay: "2026-03-01", toDay: "2026-12-01" });
    expect(again).toEqual({ days: first.days, written: 0, deleted: 0 });
  });

  it("rewrites only the days that changed; a day without audit rows any more is deleted", async () => {
    const m = meters[1]?.meter as string;
    await t.pool.query(
      `UPDATE reading_interval SET energy_wh = energy_wh + 7 WHERE meter_id = $1 AND register = 'export'
       AND start_at = '2026-10-10T12:00Z'`,
      [m],
    );
    await t.pool.query(
      `DELETE FROM reading_interval WHERE meter_id = $1 AND register = 'import'
       AND start_at >= '2026-10-12T00:00Z' AND start_at < '2026-10-13T00:00Z'`,
      [m],
    );
    await t.pool.query(
      `DELETE FROM reading_interval WHERE meter_id = $1 AND register = 'import' AND start_at = '2026-10-14T05:30Z'`,
      [m],
    );
    const before = await compactRow(m, "export", "2026-10-10");
    const r = await compactIntervals(t.pool, { fromDay: "2026-10-01", toDay: "2026-11-01", meterIds: [m] });
    expect(r).toMatchObject({ written: 2, deleted: 1 });
    const after = await compactRow(m, "export", "2026-10-10");
    expect(after.cum[96] - before.cum[96]).toBe(7); // the change is in slot 48 (12:00Z): prefix sums from cum[50] on
    expect(after.cum[48] - before.cum[48]).toBe(0);
    expect(await compactRow(m, "import", "2026-10-12")).toBeUndefined();
    const gap = await compactRow(m, "import", "2026-10-14");
    expect(gap.intervals).toBe(95);
    expect(gap.present[22]).toBe("0"); // 05:30Z is slot 22
  });

  it("gives the sums of the row-per-interval path for whole, partial and DST months, 15- and 60-minute demand", async () => {
    await compactIntervals(t.pool, { fromDay: "2026-03-01", toDay: "2026-12-01" });
    const cases = [
      { period: { start: "2026-10-01", end: "2026-11-01" }, demand: 15 as const }, // 25 October: 25 h
      { period: { start: "2026-10-15", end: "2026-11-01" }, demand: 60 as const },
      { period: { start: "2026-10-03", end: "2026-10-04" }, demand: 15 as const },
      { period: { start: "2026-03-28", end: "2026-03-31" }, demand: 60 as const }, // 29 March: 23 h
      { period: { start: "2026-03-29", end: "2026-03-30" }, demand: 15 as const },
    ];
    for (const c of cases) {
      const windows = touWindows({
        tariff: DEMO_TOU_DEMAND_TARIFF,
        period: c.period,
        timeZone: "Europe/Berlin",
      });
      const { startMs, endMs } = periodInstants(c.period, "Europe/Berlin");
      const params = {
        meters: meters.map((x) => ({ podId: x.pod, meterId: x.meter })),
        windows,
        start: new Date(startMs),
        end: new Date(endMs),
        demandMinutes: c.demand,
      };
      const rows = await aggregatePodIntervals(t.pool, params);
      const compact = await aggregateCompactIntervals(t.pool, params);
      expect(normalise(compact), JSON.stringify(c)).toEqual(normalise(rows));
      const gapParams = { ...params, limit: 10 };
      expect(await compactIntervalGaps(t.pool, gapParams)).toEqual(
        await missingIntervalGaps(t.pool, gapParams),
      );
    }
    // 29 March in Berlin has 23 hours = 92 quarter hours, 25 October 25 hours = 100
    const spring = periodInstants({ start: "2026-03-29", end: "2026-03-30" }, "Europe/Berlin");
    const one = [{ podId: meters[0]?.pod as string, meterId: meters[0]?.meter as string }];
    const sums = await aggregateCompactIntervals(t.pool, {
      meters: one,
      windows: [{ band: "all", start: new Date(spring.startMs), end: new Date(spring.endMs) }],
      start: new Date(spring.startMs),
      end: new Date(spring.endMs),
    });
    expect(sums.get(one[0]?.podId as string)?.intervals).toBe(92);
    const autumn = periodInstants({ start: "2026-10-25", end: "2026-10-26" }, "Europe/Berlin");
    const fall = await aggregateCompactIntervals(t.pool, {
      meters: one,
      windows: [{ band: "all", start: new Date(autumn.startMs), end: new Date(autumn.endMs) }],
      start: new Date(autumn.startMs),
      end: new Date(autumn.endMs),
    });
    expect(fall.get(one[0]?.podId as string)?.intervals).toBe(100);
  });
});

describe("bill run workers and chunks", () => {
  it("two concurrent workers bill each POD exactly once", async () => {
    await addPods(t.pool, EXTRA_PODS);
    const a = createPool({ url: t.db.url, max: 2 });
    const b = createPool({ url: t.db.url, max: 2 });
    try {
      const run = await prepareBillRun(t.pool, "2026-10", { chunkSize: 2 });
      const [ra, rb] = await Promise.all([
        loadRunContext(a, run.id, {}).then((ctx) => billRunWorker(a, ctx, { worker: "a" })),
        loadRunContext(b, run.id, {}).then((ctx) => billRunWorker(b, ctx, { worker: "b" })),
      ]);
      const pods = EXTRA_PODS + 3;
      expect(ra.pods + rb.pods).toBe(pods);
      expect(ra.chunks).toBeGreaterThan(0);
      expect(rb.chunks).toBeGreaterThan(0);
      const chunks = await t.pool.query(
        `SELECT worker, count(*)::int AS n, sum(pods)::int AS pods FROM bill_run_chunk
         WHERE bill_run_id = $1 GROUP BY worker ORDER BY worker`,
        [run.id],
      );
      expect(chunks.rows).toEqual([
        { worker: "a", n: ra.chunks, pods: ra.pods },
        { worker: "b", n: rb.chunks, pods: rb.pods },
      ]);
      const invoices = await t.pool.query(
        `SELECT count(*)::int AS n, count(DISTINCT pod_id)::int AS pods FROM invoice WHERE bill_run_id = $1`,
        [run.id],
      );
      expect(invoices.rows[0]).toEqual({ n: pods, pods });
      const items = await t.pool.query(
        `SELECT count(*)::int AS n FROM bill_run_item it JOIN invoice i ON i.id = it.invoice_id
         WHERE it.bill_run_id = $1 AND it.status IN ('drafted', 'incomplete') AND i.pod_id = it.pod_id`,
        [run.id],
      );
      expect(items.rows[0].n).toBe(pods);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it("a worker process killed mid-run leaves only whole chunks; the resumed run finishes without duplicates", async () => {
    // November: a new run (data ends on 2 November, so every POD is short of data: held drafts count too)
    const run = await prepareBillRun(t.pool, "2026-11", { chunkSize: 1 });
    const total = (
      await t.pool.query(`SELECT count(*)::int AS n FROM bill_run_chunk WHERE bill_run_id = $1`, [run.id])
    ).rows[0].n as number;
    expect(total).toBe(EXTRA_PODS + 3);
    const entry = fileURLToPath(new URL("../src/bill-run-worker.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      [
        "--import",
        import.meta.resolve("tsx"),
        entry,
        "--url",
        t.db.url,
        "--run",
        run.id,
        "--worker",
        "doomed",
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const doneChunks = async () =>
      (
        await t.pool.query(
          `SELECT count(*)::int AS n FROM bill_run_chunk WHERE bill_run_id = $1 AND status = 'done'`,
          [run.id],
        )
      ).rows[0].n as number;
    for (let i = 0; i < 600 && (await doneChunks()) < 3; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    await exited;
    const done = await doneChunks();
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(total);
    // what the killed worker committed is whole chunks: billed items = PODs of the done chunks
    const billed = await t.pool.query(
      `SELECT (SELECT count(*)::int FROM bill_run_item WHERE bill_run_id = $1 AND status <> 'pending') AS items,
              (SELECT count(*)::int FROM invoice WHERE bill_run_id = $1) AS invoices,
              (SELECT sum(pods)::int FROM bill_run_chunk WHERE bill_run_id = $1 AND status = 'done') AS pods`,
      [run.id],
    );
    expect(billed.rows[0].items).toBe(billed.rows[0].pods);
    expect(billed.rows[0].invoices).toBeLessThanOrEqual(billed.rows[0].pods);

    const resumed = await runBill(t.pool, { period: "2026-11", workers: 2, maxMissingIntervals: 100_000 });
    expect(resumed.status).toBe("completed");
    const after = await t.pool.query(
      `SELECT (SELECT count(*)::int FROM bill_run_chunk WHERE bill_run_id = $1 AND status = 'pending') AS pending,
              (SELECT max(pass)::int FROM bill_run_chunk WHERE bill_run_id = $1) AS passes,
              (SELECT count(*)::int FROM bill_run_item WHERE bill_run_id = $1 AND status = 'pending') AS open,
              (SELECT count(*)::int FROM invoice WHERE bill_run_id = $1) AS invoices,
              (SELECT count(DISTINCT pod_id)::int FROM invoice WHERE bill_run_id = $1) AS pods`,
      [run.id],
    );
    // resumed (the same pass, its pending chunks), not queued again; one invoice per POD
    expect(after.rows[0]).toEqual({ pending: 0, passes: 1, open: 0, invoices: total, pods: total });
  });

  it("the command line compacts a month and bills with worker processes", async () => {
    vi.stubEnv("DATABASE_URL", t.db.url);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await runBillingCommand(["compact-intervals", "--period", "2026-12"])).toBe(0);
    expect(JSON.parse(String(log.mock.calls.at(-1)?.[0]))).toMatchObject({
      fromDay: "2026-11-30",
      toDay: "2027-01-02",
      days: EXTRA_PODS, // the extra PODs' data ends on 30 November 22:45 UTC: one UTC day each
    });
    // December has no data for anyone: every POD fails, in two worker processes, and the run says so
    expect(
      await runBillingCommand([
        "bill-run",
        "--period",
        "2026-12",
        "--processes",
        "2",
        "--batch",
        "10",
        "--as-of",
        "2027-01-02",
      ]),
    ).toBe(0);
    const out = JSON.parse(String(log.mock.calls.at(-1)?.[0]));
    expect(out).toMatchObject({ status: "completed", failed: EXTRA_PODS + 3, drafted: 0 });
    const chunks = await t.pool.query(
      `SELECT count(DISTINCT worker)::int AS workers, count(*)::int AS n FROM bill_run_chunk c
       JOIN bill_run r ON r.id = c.bill_run_id WHERE r.period_start = '2026-12-01' AND c.status = 'done'`,
    );
    expect(chunks.rows[0].n).toBe(Math.ceil((EXTRA_PODS + 3) / 10));
    expect(err).toHaveBeenCalled();
  });
});
