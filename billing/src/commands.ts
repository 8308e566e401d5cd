// The billing commands of `c4e` (thin over the modules): bill-case, bill-run, bill-advances,
// settlement-reading, bill-settlement, bill-corrections, market-price-import, invoice-issue,
// invoice-pdf, bill-run-xlsx, pod-import, billing-seed. See docs/billing-runs.md. The entry is cli.ts;
// stack's `c4e` can dispatch these commands to `runBillingCommand`.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { billAdvances } from "./advance-run.ts";
import { runBillCase } from "./bill-case.ts";
import {
  BillRunError,
  billRunIdOf,
  incompleteItems,
  issueBillRun,
  monthPeriod,
  runBill,
} from "./bill-run.ts";
import { launchWorkerProcesses } from "./bill-run-processes.ts";
import { compactIntervals } from "./compact-intervals.ts";
import { exportBillRunXlsx } from "./bill-run-xlsx.ts";
import { billCorrections } from "./corrections.ts";
import { loadBillingConfig } from "./env.ts";
import { loadSeller, renderInvoicePdf } from "./invoice-pdf.ts";
import { issueInvoices, loadInvoice, loadInvoices } from "./invoice-store.ts";
import { importMarketPrices } from "./market-prices.ts";
import { importPods } from "./pod-import.ts";
import { setTariffPrice } from "./product-price.ts";
import { seedBillingDemo } from "./seed-demo.ts";
import { billSettlements, parseSettlementCsv, recordSettlementReadings } from "./settlement.ts";

const USAGE = `usage:
  c4e bill-case <case.json>                          bill one self-contained case, print the invoice JSON
  c4e bill-run --period YYYY-MM [--issue] [--issue-date YYYY-MM-DD] [--batch N] [--xlsx file] [--max-missing N]
                                                     bill every POD supplied in the month (resumable); an AMR POD
                                                     with more than N (default 0) missing intervals is drafted but held
  c4e bill-advances --period YYYY-MM [--issue] [--issue-date YYYY-MM-DD]
                                                     advance invoices (series ADV), one per POD and month
  c4e settlement-reading (--pod <id> --date YYYY-MM-DD --kwh N | --csv file)
                                                     record distributor readings (CSV: pod_id,date,kwh)
  c4e bill-settlement (--pod <id> | --all) --date YYYY-MM-DD [--issue] [--issue-date YYYY-MM-DD]
                                                     SLP annual settlement up to the reading of that date
  c4e bill-corrections --from YYYY-MM --to YYYY-MM [--issue] [--issue-date YYYY-MM-DD]
                                                     difference invoices / credit notes after a price change
  c4e product-price (--product <code> [--move-contracts] | --contract <number>) --price single|tou.<band>|fixed.<code>|…
      --from YYYY-MM-DD --value P                    a new price row valid from a (past) date; for a product a new
                                                     published version (new contracts get it; --move-contracts
                                                     moves the contracts on the previous latest version)
  c4e market-price-import <file.csv> --zone Z --currency EUR --resolution 15|60
                                                     market prices per kWh (CSV: start,price) for dynamic tariffs
  c4e invoice-issue (--run <id> | --period YYYY-MM | --invoice <id>) [--issue-date YYYY-MM-DD]
  c4e invoice-pdf (--invoice <id|number> [--out file.pdf] | --run <id> --dir folder)
  c4e bill-run-xlsx (--run <id> | --period YYYY-MM) --out file.xlsx
  c4e pod-import <file.csv> [--dry-run]              create/update PODs; nothing is applied if a row is rejected
  c4e billing-seed                                   billing master data of the demo (after npm start seeded the fleet)
environment: DATABASE_URL (default: the embedded Postgres of npm start on PG_PORT 15432)`;

/** A path as the user typed it: npm runs workspace scripts in the workspace folder, INIT_CWD is where npm was started. */
const userPath = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

const json = (value: unknown) =>
  JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);

async function withPool<T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ url: loadBillingConfig().databaseUrl, max: 4, applicationName: "c4e-billing" });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

async function resolveRun(pool: pg.Pool, values: { run?: string; period?: string }): Promise<string> {
  if (values.run) return values.run;
  if (values.period) {
    const id = await billRunIdOf(pool, values.period);
    if (!id) throw new BillRunError(`no bill run for ${values.period}`);
    return id;
  }
  throw new BillRunError("give --run <id> or --period YYYY-MM");
}

async function resolveInvoiceId(pool: pg.Pool, idOrNumber: string): Promise<string> {
  const r = await pool.query<{ id: string }>(`SELECT id FROM invoice WHERE id::text = $1 OR number = $1`, [
    idOrNumber,
  ]);
  const id = r.rows[0]?.id;
  if (!id) throw new BillRunError(`no invoice ${idOrNumber}`);
  return id;
}

/** Held drafts (not issued by the issue commands; a retailer admin releases them on the billing page). */
async function heldDrafts(pool: pg.Pool, where: string, param: string) {
  const r = await pool.query<{ id: string; pod_id: string | null; hold_reason: string }>(
    `SELECT i.id::text, i.pod_id, i.hold_reason FROM invoice i
     WHERE ${where} AND i.status = 'draft' AND i.hold_reason IS NOT NULL AND i.hold_released_at IS NULL
     ORDER BY i.pod_id LIMIT 100`,
    [param],
  );
  return r.rows.map((x) => ({ invoiceId: x.id, podId: x.pod_id, reason: x.hold_reason }));
}

export const BILLING_COMMANDS = [
  "bill-case",
  "bill-run",
  "compact-intervals",
  "bill-advances",
  "settlement-reading",
  "bill-settlement",
  "bill-corrections",
  "market-price-import",
  "product-price",
  "invoice-issue",
  "invoice-pdf",
  "bill-run-xlsx",
  "pod-import",
  "billing-seed",
];

/** Runs one billing command; resolves to the process exit code. */
export async function runBillingCommand(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "bill-case": {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      if (positionals.length !== 1) throw new BillRunError("bill-case needs one case.json");
      console.log(json(await runBillCase(userPath(positionals[0] as string))));
      return 0;
    }
    case "bill-run": {
      const { values } = parseArgs({
        args: rest,
        options: {
          period: { type: "string" },
          issue: { type: "boolean", default: false },
          "issue-date": { type: "string" },
          batch: { type: "string" },
          xlsx: { type: "string" },
          "max-missing": { type: "string" },
          workers: { type: "string" },
          processes: { type: "string" },
          "no-compact": { type: "boolean", default: false },
        },
      });
      if (!values.period) throw new BillRunError("bill-run needs --period YYYY-MM");
      for (const k of ["workers", "processes", "batch"] as const) {
        const v = values[k];
        if (v !== undefined && !/^\d{1,6}$/.test(v))
          throw new BillRunError(`--${k} must be a whole number (got ${v})`);
      }
      const maxMissing = values["max-missing"];
      if (maxMissing !== undefined && !/^\d{1,6}$/.test(maxMissing))
        throw new BillRunError(`--max-missing must be a whole number of intervals (got ${maxMissing})`);
      const period = values.period;
      return withPool(async (pool) => {
        const stop = new AbortController();
        const onSignal = () => {
          if (stop.signal.aborted) process.exit(130);
          console.error(
            "\nstopping after the current batch (Ctrl-C again to quit at once; run again to resume)",
          );
          stop.abort();
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        const tty = process.stderr.isTTY;
        const summary = await runBill(pool, {
          period,
          batchSize: values.batch ? Number(values.batch) : undefined,
          maxMissingIntervals: maxMissing === undefined ? undefined : Number(maxMissing),
          workers: values.workers ? Number(values.workers) : undefined,
          processes: values.processes ? Number(values.processes) : undefined,
          databaseUrl: loadBillingConfig().databaseUrl,
          launchProcesses: launchWorkerProcesses,
          compact: !values["no-compact"],
          signal: stop.signal,
          onProgress: (p) => {
            const pct = p.total === 0 ? 100 : Math.floor(((p.done + p.failed) * 100) / p.total);
            const line = `bill run ${period}: ${p.done + p.failed}/${p.total} PODs (${pct} %), ${p.drafted} drafted, ${p.incomplete} incomplete, ${p.failed} failed`;
            if (tty) process.stderr.write(`\r${line}`);
            else console.error(line);
          },
        });
        if (tty) process.stderr.write("\n");
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        let issued: Awaited<ReturnType<typeof issueBillRun>> | undefined;
        if (values.issue && summary.status === "completed") {
          issued = await issueBillRun(pool, summary.billRunId, { issueDate: values["issue-date"] });
        }
        if (values.xlsx)
          writeFileSync(userPath(values.xlsx), await exportBillRunXlsx(pool, summary.billRunId));
        const failed = await pool.query<{ pod_id: string; error: string }>(
          `SELECT pod_id, error FROM bill_run_item WHERE bill_run_id = $1 AND status = 'failed' ORDER BY pod_id LIMIT 20`,
          [summary.billRunId],
        );
        const incomplete = await incompleteItems(pool, summary.billRunId);
        // held drafts are not issued: a human line per POD on stderr, the details in the JSON
        for (const i of incomplete) {
          const ranges = i.ranges.map((r) => `${r.start}..${r.end}`).join(", ");
          const more = i.rangeCount > i.ranges.length ? ` and ${i.rangeCount - i.ranges.length} more` : "";
          console.error(
            `incomplete: ${i.podId}: ${i.missing} of ${i.expected} intervals missing (${ranges}${more}); draft held`,
          );
        }
        console.log(json({ ...summary, issued, failedPods: failed.rows, incompletePods: incomplete }));
        return summary.status === "completed" ? 0 : 3;
      });
    }
    case "compact-intervals": {
      // The billing compaction: reading_interval → interval_day for whole UTC days (idempotent; only
      // changed days are written). Run it for yesterday nightly and before a bill run with --no-compact.
      const { values } = parseArgs({
        args: rest,
        options: {
          from: { type: "string" },
          to: { type: "string" },
          period: { type: "string" },
          days: { type: "string", default: "7" },
        },
      });
      const day = (d: Date) => d.toISOString().slice(0, 10);
      let range: { fromDay: string; toDay: string };
      if (values.period) {
        // the month's local days in any zone (UTC−12 … UTC+14) lie within these UTC days
        const { start, end } = monthPeriod(values.period);
        const from = new Date(`${start}T00:00:00Z`);
        const to = new Date(`${end}T00:00:00Z`);
        from.setUTCDate(from.getUTCDate() - 1);
        to.setUTCDate(to.getUTCDate() + 1);
        range = { fromDay: day(from), toDay: day(to) };
      } else if (values.from && values.to) {
        range = { fromDay: values.from, toDay: values.to };
      } else {
        if (!/^\d{1,4}$/.test(values.days)) throw new BillRunError(`--days must be a whole number`);
        const to = new Date();
        to.setUTCHours(0, 0, 0, 0);
        to.setUTCDate(to.getUTCDate() + 1);
        const from = new Date(to);
        from.setUTCDate(from.getUTCDate() - Number(values.days));
        range = { fromDay: day(from), toDay: day(to) };
      }
      return withPool(async (pool) => {
        const client = await pool.connect();
        try {
          await client.query("SET work_mem = '64MB'");
          const t = performance.now();
          const result = await compactIntervals(client, range);
          console.log(json({ ...range, ...result, seconds: Math.round(performance.now() - t) / 1000 }));
          return 0;
        } finally {
          client.release();
        }
      });
    }
    case "bill-advances": {
      const { values } = parseArgs({
        args: rest,
        options: {
          period: { type: "string" },
          issue: { type: "boolean", default: false },
          "issue-date": { type: "string" },
        },
      });
      if (!values.period) throw new BillRunError("bill-advances needs --period YYYY-MM");
      const period = values.period;
      return withPool(async (pool) => {
        const res = await billAdvances(pool, {
          period,
          issue: values.issue,
          issueDate: values["issue-date"],
        });
        console.log(json(res));
        return res.failed.length > 0 ? 1 : 0;
      });
    }
    case "settlement-reading": {
      const { values } = parseArgs({
        args: rest,
        options: {
          pod: { type: "string" },
          date: { type: "string" },
          kwh: { type: "string" },
          csv: { type: "string" },
        },
      });
      const readings = values.csv
        ? parseSettlementCsv(readFileSync(userPath(values.csv), "utf8"))
        : [{ podId: values.pod ?? "", date: values.date ?? "", kwh: values.kwh ?? "" }];
      return withPool(async (pool) => {
        console.log(json(await recordSettlementReadings(pool, readings)));
        return 0;
      });
    }
    case "bill-settlement": {
      const { values } = parseArgs({
        args: rest,
        options: {
          pod: { type: "string", multiple: true },
          all: { type: "boolean", default: false },
          date: { type: "string" },
          issue: { type: "boolean", default: false },
          "issue-date": { type: "string" },
        },
      });
      if (!values.date) throw new BillRunError("bill-settlement needs --date YYYY-MM-DD");
      if (!values.all && !values.pod) throw new BillRunError("bill-settlement needs --pod <id> or --all");
      const date = values.date;
      return withPool(async (pool) => {
        const res = await billSettlements(pool, {
          podIds: values.all ? undefined : values.pod,
          date,
          issue: values.issue,
          issueDate: values["issue-date"],
        });
        console.log(json(res));
        return res.failed.length > 0 ? 1 : 0;
      });
    }
    case "bill-corrections": {
      const { values } = parseArgs({
        args: rest,
        options: {
          from: { type: "string" },
          to: { type: "string" },
          issue: { type: "boolean", default: false },
          "issue-date": { type: "string" },
        },
      });
      if (!values.from || !values.to)
        throw new BillRunError("bill-corrections needs --from and --to YYYY-MM");
      const { from, to } = values;
      return withPool(async (pool) => {
        const res = await billCorrections(pool, {
          from,
          to,
          issue: values.issue,
          issueDate: values["issue-date"],
        });
        console.log(json(res));
        return res.skipped.length > 0 ? 1 : 0;
      });
    }
    case "product-price": {
      const { values } = parseArgs({
        args: rest,
        options: {
          product: { type: "string" },
          contract: { type: "string" },
          price: { type: "string" },
          from: { type: "string" },
          value: { type: "string" },
          "move-contracts": { type: "boolean" },
        },
      });
      if (!values.price || !values.from || !values.value)
        throw new BillRunError("product-price needs --price, --from YYYY-MM-DD and --value");
      const target = values.product ? `product:${values.product}` : `contract:${values.contract ?? ""}`;
      const { price, from, value } = values;
      return withPool(async (pool) => {
        const moveContracts = values["move-contracts"] === true;
        const res = await setTariffPrice(pool, { target, price, from, value, moveContracts });
        console.error(res.summary);
        console.log(json(res));
        return 0;
      });
    }
    case "market-price-import": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          zone: { type: "string" },
          currency: { type: "string" },
          resolution: { type: "string" },
        },
      });
      if (positionals.length !== 1) throw new BillRunError("market-price-import needs one CSV file");
      const csv = readFileSync(userPath(positionals[0] as string), "utf8");
      return withPool(async (pool) => {
        const res = await importMarketPrices(pool, csv, {
          zone: values.zone ?? "",
          currency: values.currency ?? "",
          resolutionMinutes: Number(values.resolution) as 15 | 60,
        });
        console.log(json(res));
        return 0;
      });
    }
    case "invoice-issue": {
      const { values } = parseArgs({
        args: rest,
        options: {
          run: { type: "string" },
          period: { type: "string" },
          invoice: { type: "string" },
          "issue-date": { type: "string" },
        },
      });
      return withPool(async (pool) => {
        if (values.invoice) {
          const id = await resolveInvoiceId(pool, values.invoice);
          const res = await issueInvoices(pool, { invoiceIds: [id] }, { issueDate: values["issue-date"] });
          const held = await heldDrafts(pool, "i.id = $1::uuid", id);
          console.log(json({ ...res, held }));
          return held.length > 0 ? 1 : 0;
        }
        const runId = await resolveRun(pool, values);
        const res = await issueBillRun(pool, runId, { issueDate: values["issue-date"] });
        console.log(json({ ...res, held: await heldDrafts(pool, "i.bill_run_id = $1::uuid", runId) }));
        return 0;
      });
    }
    case "invoice-pdf": {
      const { values } = parseArgs({
        args: rest,
        options: {
          invoice: { type: "string" },
          out: { type: "string" },
          run: { type: "string" },
          period: { type: "string" },
          dir: { type: "string" },
        },
      });
      return withPool(async (pool) => {
        if (values.invoice) {
          const stored = await loadInvoice(pool, await resolveInvoiceId(pool, values.invoice));
          if (!stored) throw new BillRunError(`no invoice ${values.invoice}`);
          const out = userPath(values.out ?? `${stored.number ?? stored.id}.pdf`);
          writeFileSync(out, await renderInvoicePdf(stored, await loadSeller(pool, stored.contractId)));
          console.log(out);
          return 0;
        }
        const runId = await resolveRun(pool, values);
        const dir = userPath(values.dir ?? `invoices-${runId}`);
        mkdirSync(dir, { recursive: true });
        const ids = await pool.query<{ id: string }>(
          `SELECT id FROM invoice WHERE bill_run_id = $1 ORDER BY number`,
          [runId],
        );
        let n = 0;
        for (let i = 0; i < ids.rows.length; i += 200) {
          for (const stored of await loadInvoices(
            pool,
            ids.rows.slice(i, i + 200).map((r) => r.id),
          )) {
            const file = join(dir, `${stored.number ?? stored.id}.pdf`);
            writeFileSync(file, await renderInvoicePdf(stored, await loadSeller(pool, stored.contractId)));
            n++;
          }
        }
        console.log(json({ dir, pdfs: n }));
        return 0;
      });
    }
    case "bill-run-xlsx": {
      const { values } = parseArgs({
        args: rest,
        options: { run: { type: "string" }, period: { type: "string" }, out: { type: "string" } },
      });
      return withPool(async (pool) => {
        const runId = await resolveRun(pool, values);
        const out = userPath(values.out ?? `bill-run-${runId}.xlsx`);
        writeFileSync(out, await exportBillRunXlsx(pool, runId));
        console.log(out);
        return 0;
      });
    }
    case "pod-import": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { "dry-run": { type: "boolean", default: false } },
      });
      if (positionals.length !== 1) throw new BillRunError("pod-import needs one CSV file");
      const csv = readFileSync(userPath(positionals[0] as string), "utf8");
      return withPool(async (pool) => {
        const report = await importPods(pool, csv, { dryRun: values["dry-run"] });
        console.log(json(report));
        return report.rejected.length > 0 ? 1 : 0;
      });
    }
    case "billing-seed":
      return withPool(async (pool) => {
        console.log(json(await seedBillingDemo(pool)));
        return 0;
      });
    default:
      console.error(USAGE);
      return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
}
