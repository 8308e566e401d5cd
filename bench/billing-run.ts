// Bill-run benchmark at utility scale: N AMR PODs with a month of 15-minute import data from the BDEW
// H25 household profile, written directly into the compact interval store (`interval_day`, one row per
// meter and UTC day: ≈ 32 rows per POD), the demo TOU + demand tariff, October 2026 in Europe/Berlin
// (25 October has 25 h). Measures the bill run (worker processes claiming chunks of PODs: compact-first
// check, SQL aggregation, Node computation, draft writes) and issuing, then proves on a sample of PODs
// that the drafts equal the invoices of the row-per-interval path (`reading_interval`) and that the
// compaction of those rows reproduces the compact rows exactly. Prints JSON.
// Usage: npx tsx bench/billing-run.ts [--pods 100000] [--batch 2000] [--processes 2] [--sample 200]
//        [--server postgresql://postgres@127.0.0.1:5432/postgres] [--db c4e_billscale_bench] [--keep] [--reuse]
// The database --db on that server is dropped and created (unless --reuse). Not part of CI.
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  compactIntervals,
  launchWorkerProcesses,
  issueBillRun,
  loadInvoices,
  previewInvoices,
  runBill,
  seedBillingDemo,
} from "@c4e/billing";
import { BillingDecimal, householdLoadWh, type Invoice, parseBdewProfile } from "@c4e/domain";
import { applyMigrations, createDatabase, createPool, dropDatabase } from "@c4e/prisma";

const { values } = parseArgs({
  options: {
    pods: { type: "string", default: "100000" },
    batch: { type: "string", default: "2000" },
    processes: { type: "string", default: "2" },
    sample: { type: "string", default: "200" },
    server: { type: "string", default: "postgresql://postgres@127.0.0.1:5432/postgres" },
    db: { type: "string", default: "c4e_billscale_bench" },
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
  },
});
const pods = Number(values.pods);
const TZ = "Europe/Berlin";
const PERIOD = "2026-10";
const PERIOD_START = new Date("2026-09-30T22:00:00Z"); // 2026-10-01 00:00 local
const PERIOD_END = new Date("2026-10-31T23:00:00Z"); // 2026-11-01 00:00 local
const DB = values.db;
if (!/^c4e_[a-z0-9_]+$/.test(DB)) throw new Error(`--db must look like c4e_… (got ${DB})`);
const log = (msg: string) => console.error(`[bench] ${msg}`);
const secs = (ms: number) => Math.round(ms / 10) / 100;
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

const url = values.reuse
  ? (() => {
      const u = new URL(values.server);
      u.pathname = `/${DB}`;
      return u.toString();
    })()
  : await createDatabase(values.server, DB);
const pool = createPool({ url, max: 4, applicationName: "c4e-bench-billing" });
const timings: Record<string, number> = {};

if (!values.reuse) {
  let t = performance.now();
  await applyMigrations(url);
  await pool.query(`INSERT INTO retailer (id, name) VALUES ('retailer-demo', 'C4E Demo Energy')`);
  await seedBillingDemo(pool);
  await pool.query(
    `INSERT INTO gateway (id, retailer_id, public_key) VALUES ('gw-bench', 'retailer-demo', 'x')`,
  );
  await pool.query(
    `INSERT INTO customer (id, retailer_id, name) SELECT 'c' || k, 'retailer-demo', 'Bench customer ' || k
     FROM generate_series(1, $1) AS k`,
    [pods],
  );
  await pool.query(
    `INSERT INTO site (id, customer_id, name, address, pod_id, time_zone, annual_kwh)
     SELECT 's' || k, 'c' || k, 'Site ' || k, 'Bench street ' || k, 'DE-BENCH-' || lpad(k::text, 7, '0'), $2,
       2000 + (k * 733) % 3000
     FROM generate_series(1, $1) AS k`,
    [pods, TZ],
  );
  await pool.query(
    `INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w)
     SELECT 'm' || k, 's' || k, 'gw-bench', 'grid', 30000 FROM generate_series(1, $1) AS k`,
    [pods],
  );
  await pool.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, product_id)
     SELECT 'k' || k, 'C-' || k, 'c' || k, 'trader-demo', '2025-01-01', 'EUR', 'prod-demo-tou'
     FROM generate_series(1, $1) AS k`,
    [pods],
  );
  await pool.query(
    `INSERT INTO pod (id, identifier, name, address, site_id, contract_id, metering, annual_reference_kwh,
       profile_type_code, distributor_id, trader_id, balance_group_id, network_tariff_id, sign_in_date, time_zone)
     SELECT s.pod_id, s.pod_id, s.name, s.address, s.id, 'k' || substr(s.id, 2), 'amr', s.annual_kwh, 'H25',
       'dso-demo', 'trader-demo', 'bg-demo', 'nt-demo-h0-2026', '2025-01-01', s.time_zone
     FROM site s`,
  );
  timings.masterDataS = secs(performance.now() - t);
  log(`master data for ${pods} PODs in ${timings.masterDataS} s`);

  // The H25 profile for 1,000 kWh/a, per quarter hour of the month (UTC instants; the repeated
  // autumn hour repeats its local quarters).
  t = performance.now();
  const here = dirname(fileURLToPath(import.meta.url));
  const profile = parseBdewProfile(readFileSync(join(here, "..", "stack", "data", "bdew-h25.csv"), "utf8"));
  const fmt = new Intl.DateTimeFormat("en-CA", {
    timeZone: TZ,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    weekday: "short",
    hourCycle: "h23",
  });
  const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const starts: Date[] = [];
  const whPerMwh: number[] = [];
  const dataEnd = PERIOD_END.getTime();
  for (let ms = PERIOD_START.getTime(); ms < dataEnd; ms += 15 * 60_000) {
    const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    const wh = householdLoadWh({
      profile,
      localDate: {
        year: Number(p.year),
        month: Number(p.month),
        day: Number(p.day),
        weekday: WEEKDAYS.indexOf(p.weekday ?? ""),
      },
      quarter: Number(p.hour) * 4 + Number(p.minute) / 15,
      annualKwh: 1000,
    });
    starts.push(new Date(ms));
    whPerMwh.push(wh);
  }
  await pool.query(
    `CREATE UNLOGGED TABLE bench_profile (start_at timestamptz PRIMARY KEY, wh double precision)`,
  );
  await pool.query(`INSERT INTO bench_profile SELECT * FROM unnest($1::timestamptz[], $2::float8[])`, [
    starts,
    whPerMwh,
  ]);

  // The compact rows, generated in SQL (never row per interval): 1,009 noise variants of the profile
  // (±30 % per quarter hour, deterministic, whole Wh) × 4 whole multipliers (2–5: 2,000–5,000 kWh/a)
  // as day rows, then POD k gets variant k mod 1009 and multiplier 2 + k mod 4 (4,036 distinct
  // series). Slots outside the month on its two partial UTC days are absent, as a meter that started
  // on 1 October would have them. Loaded without the primary key, rebuilt afterwards.
  await pool.query(`SET work_mem = '256MB'`);
  await pool.query(
    `CREATE UNLOGGED TABLE bench_shape AS
     WITH base AS (
       SELECT v, (p.start_at AT TIME ZONE 'UTC')::date AS day,
         ((extract(epoch FROM p.start_at) - extract(epoch FROM (p.start_at AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'UTC')) / 900)::int AS k,
         round(p.wh * (0.7 + 0.6 * ((hashint4(v) # hashint4(extract(epoch FROM p.start_at)::int)) & 1023) / 1023.0))::int AS wh
       FROM generate_series(0, 1008) AS v, bench_profile p
     ),
     days AS (SELECT DISTINCT v, day FROM base),
     grid AS (
       SELECT d.v, m, d.day, g.k, b.wh * m AS wh,
         sum(coalesce(b.wh * m, 0)) OVER (PARTITION BY d.v, m, d.day ORDER BY g.k) AS run
       FROM days d CROSS JOIN generate_series(2, 5) AS m CROSS JOIN generate_series(0, 95) AS g(k)
       LEFT JOIN base b ON b.v = d.v AND b.day = d.day AND b.k = g.k
     )
     SELECT v, m, day, count(wh)::smallint AS intervals,
       string_agg(CASE WHEN wh IS NULL THEN '0' ELSE '1' END, '' ORDER BY k)::bit(96) AS present,
       ARRAY[0]::int[] || array_agg(run::int ORDER BY k) AS cum,
       max(wh)::int AS max_wh,
       (SELECT max(h) FROM (SELECT sum(x) AS h FROM unnest(array_agg(wh ORDER BY k)) WITH ORDINALITY AS u(x, i)
          GROUP BY (i - 1) / 4) AS hh)::int AS max_hour_wh
     FROM grid GROUP BY v, m, day`,
  );
  await pool.query(`CREATE INDEX ON bench_shape (v, m)`);
  await pool.query(`ANALYZE bench_shape`);
  timings.shapesS = secs(performance.now() - t);
  log(`profile variants in ${timings.shapesS} s`);
  t = performance.now();
  await pool.query(`ALTER TABLE interval_day DROP CONSTRAINT interval_day_pkey`);
  const chunk = 10_000;
  let next = 1;
  const worker = async () => {
    const c = await pool.connect();
    try {
      await c.query(`SET synchronous_commit = off`);
      while (next <= pods) {
        const from = next;
        next += chunk;
        await c.query(
          `INSERT INTO interval_day (meter_id, register, day, intervals, present, cum, max_wh, max_hour_wh)
           SELECT 'm' || k, 'import', s.day, s.intervals, s.present, s.cum, s.max_wh, s.max_hour_wh
           FROM generate_series($1::int, $2::int) AS k JOIN bench_shape s ON s.v = k % 1009 AND s.m = 2 + k % 4
           ORDER BY k, s.day`,
          [from, Math.min(from + chunk - 1, pods)],
        );
      }
    } finally {
      c.release();
    }
  };
  await Promise.all([worker(), worker()]);
  timings.compactInsertS = secs(performance.now() - t);
  t = performance.now();
  await pool.query(
    `ALTER TABLE interval_day ADD CONSTRAINT interval_day_pkey PRIMARY KEY (meter_id, register, day)`,
  );
  await pool.query(`VACUUM ANALYZE interval_day`);
  await pool.query(`ANALYZE`);
  timings.indexS = secs(performance.now() - t);
}
if (values.reuse) {
  // A previous run's invoices (issued ones too: the immutability triggers are off for this session only).
  await pool.query(`SET session_replication_role = replica`);
  await pool.query(`TRUNCATE invoice_line, invoice, bill_run_item, bill_run_chunk, bill_run CASCADE`);
  await pool.query(`RESET session_replication_role`);
}
const rows = await pool.query<{ n: string; size: string; ri: string }>(
  `SELECT count(*)::text AS n, pg_size_pretty(pg_total_relation_size('interval_day')) AS size,
     (SELECT count(*) FROM reading_interval)::text AS ri
   FROM interval_day`,
);
log(
  `interval_day: ${rows.rows[0]?.n} rows, ${rows.rows[0]?.size}; reading_interval: ${rows.rows[0]?.ri} rows`,
);

// The measured part: the bill run, then issuing.
const loadBefore = load();
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
let t = performance.now();
let lastLog = 0;
const summary = await runBill(pool, {
  period: PERIOD,
  batchSize: Number(values.batch),
  processes: Number(values.processes),
  databaseUrl: url,
  launchProcesses: launchWorkerProcesses,
  // The compact store is current (generated above, as the compaction step leaves it): no compact-first
  // pass over reading_interval, which holds no rows here and would empty the generated days.
  compact: false,
  onProgress: (p) => {
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`${p.done + p.failed}/${p.total} PODs, ${secs(performance.now() - t)} s, load ${load().join(" ")}`);
    }
  },
});
const billRunS = secs(performance.now() - t);
const loadAfterRun = load();
t = performance.now();
const issued = await issueBillRun(pool, summary.billRunId, { issueDate: "2026-11-02", chunk: 20000 });
const issueS = secs(performance.now() - t);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
log(`bill run ${billRunS} s, issue ${issueS} s`);

// The sample: the compact rows of every (pods / sample)-th POD expanded into reading_interval rows
// (one per present quarter hour), then (1) compacting them again must write nothing (exact,
// idempotent), (2) the row-per-interval path must give the invoices the run stored.
const step = Math.max(1, Math.floor(pods / Number(values.sample)));
const sampleK = Array.from({ length: Math.min(Number(values.sample), pods) }, (_, i) => 1 + i * step);
const samplePods = sampleK.map((k) => `DE-BENCH-${String(k).padStart(7, "0")}`);
const sampleMeters = sampleK.map((k) => `m${k}`);
await pool.query(
  `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
   SELECT d.meter_id, d.register, d.day::timestamp AT TIME ZONE 'UTC' + (k - 1) * interval '15 minutes',
     d.day::timestamp AT TIME ZONE 'UTC' + k * interval '15 minutes', d.cum[k + 1] - d.cum[k]
   FROM interval_day d, generate_series(1, 96) AS k
   WHERE d.meter_id = ANY($1::text[]) AND substring(d.present FROM k FOR 1) = B'1'
   ON CONFLICT DO NOTHING`,
  [sampleMeters],
);
const sampleRows = await pool.query<{ n: number }>(
  `SELECT count(*)::int AS n FROM reading_interval WHERE meter_id = ANY($1::text[])`,
  [sampleMeters],
);
t = performance.now();
const recompacted = await compactIntervals(pool, {
  fromDay: "2026-09-30",
  toDay: "2026-11-01",
  meterIds: sampleMeters,
});
const compactS = secs(performance.now() - t);
const viaRows = await previewInvoices(pool, {
  period: PERIOD,
  podIds: samplePods,
  intervals: "reading_interval",
});
const viaCompact = await previewInvoices(pool, {
  period: PERIOD,
  podIds: samplePods,
  intervals: "compact",
  compact: false,
});
const storedIds = await pool.query<{ pod_id: string; invoice_id: string }>(
  `SELECT pod_id, invoice_id::text FROM bill_run_item WHERE bill_run_id = $1 AND pod_id = ANY($2::text[])`,
  [summary.billRunId, samplePods],
);
const stored = new Map(
  (
    await loadInvoices(
      pool,
      storedIds.rows.map((r) => r.invoice_id),
    )
  ).map((s) => [s.podId, s.invoice]),
);
const norm = (inv: Invoice) =>
  JSON.stringify({
    lines: inv.lines.map((l) => [
      l.code,
      new BillingDecimal(l.quantity).toString(),
      new BillingDecimal(l.unitPrice).toString(),
      l.amountMinor.toString(),
      new BillingDecimal(l.preciseAmount).toString(),
    ]),
    net: inv.netMinor.toString(),
    vat: inv.vatMinor.toString(),
    total: inv.totalMinor.toString(),
  });
const mismatches: string[] = [];
for (const pod of samplePods) {
  const a = viaRows.get(pod);
  const b = viaCompact.get(pod);
  const s = stored.get(pod);
  if (!a || !("invoice" in a) || !b || !("invoice" in b) || !s) {
    mismatches.push(`${pod}: not billed on both paths`);
    continue;
  }
  if (
    JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) !==
    JSON.stringify(b, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))
  )
    mismatches.push(`${pod}: compact and row paths differ`);
  else if (norm(a.invoice) !== norm(s)) mismatches.push(`${pod}: the stored draft differs from the row path`);
}

const out = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30) },
  pods,
  processes: Number(values.processes),
  batch: Number(values.batch),
  intervalDayRows: Number(rows.rows[0]?.n),
  intervalDaySize: rows.rows[0]?.size,
  setup: timings,
  loadAverage: { before: loadBefore, afterRun: loadAfterRun },
  billRun: {
    seconds: billRunS,
    drafted: summary.drafted,
    failed: summary.failed,
    incomplete: summary.incomplete,
    prepareS: secs(summary.timings.prepareMs),
    // summed over the worker processes (CPU-ish time per step, not wall time)
    workerSqlS: secs(summary.timings.sqlMs),
    workerCompactFirstS: secs(summary.timings.compactMs),
    workerNodeComputeS: secs(summary.timings.nodeMs),
    workerWriteDraftsS: secs(summary.timings.writeMs),
  },
  issue: { seconds: issueS, issued: issued.issued },
  totalS: Math.round((billRunS + issueS) * 100) / 100,
  sample: {
    pods: samplePods.length,
    readingIntervalRows: sampleRows.rows[0]?.n,
    recompaction: { ...recompacted, seconds: compactS },
    mismatches: mismatches.length,
    firstMismatches: mismatches.slice(0, 5),
  },
  nodePeakRssMb: Math.round(peakRss / 1e6),
};
console.log(JSON.stringify(out, null, 2));
await pool.end();
if (!values.keep) await dropDatabase(values.server, DB);
if (mismatches.length > 0 || recompacted.written > 0 || recompacted.deleted > 0) process.exitCode = 1;
