// Bill-run benchmark: N AMR PODs with 15-minute import data from the BDEW H25 household profile, the
// demo TOU + demand tariff, one month (October 2026, Europe/Berlin, 25 October has 25 h). Measures the
// bill run (SQL aggregation, Node computation, draft writes) and issuing, and prints JSON.
// Usage: npx tsx bench/billing-run.ts [--pods 100000] [--days 31] [--batch 2000]
//        [--server postgresql://postgres@127.0.0.1:5432/postgres] [--keep]
// The database c4e_bench_billing on that server is dropped and created. Not part of CI.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { issueBillRun, runBill, seedBillingDemo } from "@c4e/billing";
import { householdLoadWh, parseBdewProfile } from "@c4e/domain";
import { applyMigrations, createDatabase, createPool, dropDatabase } from "@c4e/prisma";

const { values } = parseArgs({
  options: {
    pods: { type: "string", default: "100000" },
    days: { type: "string", default: "31" },
    batch: { type: "string", default: "2000" },
    server: { type: "string", default: "postgresql://postgres@127.0.0.1:5432/postgres" },
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
  },
});
const pods = Number(values.pods);
const days = Number(values.days);
const TZ = "Europe/Berlin";
const PERIOD_START = new Date("2026-09-30T22:00:00Z"); // 2026-10-01 00:00 local
const PERIOD_END = new Date("2026-10-31T23:00:00Z"); // 2026-11-01 00:00 local
const DB = "c4e_bench_billing";
const log = (msg: string) => console.error(`[bench] ${msg}`);
const secs = (ms: number) => Math.round(ms / 10) / 100;

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
  const dataEnd = days >= 31 ? PERIOD_END.getTime() : PERIOD_START.getTime() + days * 86_400_000;
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

  // 15-minute import per POD: profile × annual kWh / 1000 × a deterministic ±30 % noise, whole Wh.
  // Loaded without the primary key, which is rebuilt afterwards (a bulk load, as a partition would be).
  await pool.query(`ALTER TABLE reading_interval DROP CONSTRAINT reading_interval_pkey`);
  const chunk = 5000;
  const jobs: Promise<unknown>[] = [];
  let next = 1;
  const worker = async () => {
    const c = await pool.connect();
    try {
      await c.query(`SET synchronous_commit = off`);
      while (next <= pods) {
        const from = next;
        next += chunk;
        await c.query(
          `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
           SELECT 'm' || k, 'import', p.start_at, p.start_at + interval '15 minutes',
             round(p.wh * (2000 + (k * 733) % 3000) / 1000.0
                   * (0.7 + 0.6 * ((hashint4(k) # hashint4(extract(epoch FROM p.start_at)::int)) & 1023) / 1023.0))::bigint
           FROM generate_series($1::int, $2::int) AS k, bench_profile p`,
          [from, Math.min(from + chunk - 1, pods)],
        );
      }
    } finally {
      c.release();
    }
  };
  for (let w = 0; w < 2; w++) jobs.push(worker());
  await Promise.all(jobs);
  timings.intervalInsertS = secs(performance.now() - t);
  t = performance.now();
  await pool.query(
    `ALTER TABLE reading_interval ADD CONSTRAINT reading_interval_pkey PRIMARY KEY (meter_id, register, start_at)`,
  );
  await pool.query(`VACUUM ANALYZE reading_interval`);
  await pool.query(`ANALYZE`);
  timings.indexS = secs(performance.now() - t);
}
const rows = await pool.query<{ n: string; size: string }>(
  `SELECT count(*)::text AS n, pg_size_pretty(pg_total_relation_size('reading_interval')) AS size FROM reading_interval`,
);
log(`reading_interval: ${rows.rows[0]?.n} rows, ${rows.rows[0]?.size}`);

// The measured part.
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
let t = performance.now();
let lastLog = 0;
const summary = await runBill(pool, {
  period: "2026-10",
  batchSize: Number(values.batch),
  // With fewer than 31 days of data every POD misses intervals: accept them, so the run drafts (and
  // issues) every invoice as a full month would, instead of holding them all (docs/billing-runs.md).
  maxMissingIntervals: days >= 31 ? 0 : 31 * 100,
  onProgress: (p) => {
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`${p.done + p.failed}/${p.total} PODs, ${secs(performance.now() - t)} s`);
    }
  },
});
const billRunS = secs(performance.now() - t);
t = performance.now();
const issued = await issueBillRun(pool, summary.billRunId, { issueDate: "2026-11-02", chunk: 20000 });
const issueS = secs(performance.now() - t);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const out = {
  pods,
  dataDays: days,
  intervalRows: Number(rows.rows[0]?.n),
  intervalTableSize: rows.rows[0]?.size,
  setup: timings,
  billRun: {
    seconds: billRunS,
    drafted: summary.drafted,
    failed: summary.failed,
    incomplete: summary.incomplete,
    sqlAggregateAndReadS: secs(summary.timings.sqlMs),
    nodeComputeS: secs(summary.timings.nodeMs),
    writeDraftsS: secs(summary.timings.writeMs),
  },
  issue: { seconds: issueS, issued: issued.issued },
  totalS: Math.round((billRunS + issueS) * 100) / 100,
  nodePeakRssMb: Math.round(peakRss / 1e6),
  nodeMaxRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
};
console.log(JSON.stringify(out, null, 2));
await pool.end();
if (!values.keep) await dropDatabase(values.server, DB);
