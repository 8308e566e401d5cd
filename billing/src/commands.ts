// The billing commands of `c4e` (thin over the modules): bill-case, bill-run, compact-intervals,
// bill-advances, settlement-reading, bill-settlement, bill-corrections, product-price,
// market-price-import, invoice-issue, invoice-pdf, bill-run-xlsx, pod-import, urdb-import, billing-seed.
// `registerBillingCommands` adds them to the one `c4e` program (stack/src/cli.ts, commander: one
// argument parser and `--help` for every command); `runBillingCommand` runs one from an argv (tests).
// See docs/billing-runs.md.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createPool } from "@c4e/prisma";
import { Command, CommanderError } from "commander";
import type pg from "pg";
import { billAdvances } from "./advance-run.ts";
import { billCaseRefused, isBillCaseRefusal, runBillCase } from "./bill-case.ts";
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
import { collect, defineJobCommand, type Options, runJobCommand } from "./jobs/command.ts";
import { importPods } from "./pod-import.ts";
import { setTariffPrice } from "./product-price.ts";
import { seedBillingDemo } from "./seed-demo.ts";
import { runUrdbImport } from "./urdb-import.ts";
import { billSettlements, parseSettlementCsv, recordSettlementReadings } from "./settlement.ts";

const ENVIRONMENT =
  "environment: DATABASE_URL (default: the embedded Postgres of npm start on PG_PORT 15432)";

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
    if (!id) throw new BillRunError(`no bill run for ${values.period}`, "NOT_FOUND");
    return id;
  }
  throw new BillRunError("give --run <id> or --period YYYY-MM");
}

async function resolveInvoiceId(pool: pg.Pool, idOrNumber: string): Promise<string> {
  const r = await pool.query<{ id: string }>(`SELECT id FROM invoice WHERE id::text = $1 OR number = $1`, [
    idOrNumber,
  ]);
  const id = r.rows[0]?.id;
  if (!id) throw new BillRunError(`no invoice ${idOrNumber}`, "NOT_FOUND");
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

const str = (o: Options, k: string) => (typeof o[k] === "string" ? (o[k] as string) : undefined);
const flag = (o: Options, k: string) => o[k] === true;
const ISSUE_DATE = ["--issue-date <YYYY-MM-DD>", "the invoices' issue date (default: today)"] as const;

/** The billing commands: name, description, arguments and options, action (resolves to an exit code). */
const COMMANDS: {
  name: string;
  describe: string;
  define?: (c: Command) => Command;
  run: (opts: Options, args: string[]) => Promise<number>;
}[] = [
  {
    name: "bill-case",
    describe: "bill one self-contained case (docs/billing-case.md), print the invoice JSON",
    define: (c) => c.argument("<case.json>", "the case file"),
    run: async (_o, [file]) => {
      const result = await runBillCase(userPath(file as string));
      if (isBillCaseRefusal(result)) throw billCaseRefused(file as string, result.errors);
      console.log(json(result));
      return 0;
    },
  },
  {
    name: "bill-run",
    describe:
      "bill every POD supplied in the month (resumable); an AMR POD with more than --max-missing missing intervals is drafted but held",
    define: (c) =>
      c
        .option("--period <YYYY-MM>", "the month to bill")
        .option("--issue", "issue the drafts when the run completes")
        .option(...ISSUE_DATE)
        .option("--batch <n>", "PODs per chunk")
        .option("--xlsx <file>", "write the run's xlsx export")
        .option("--max-missing <n>", "missing intervals an AMR POD may have (default 0)")
        .option("--workers <n>", "concurrent chunk workers in this process")
        .option("--processes <n>", "worker processes")
        .option("--no-compact", "skip compacting the month's intervals first")
        .option(
          "--as-of <YYYY-MM-DD>",
          "check that the month has ended against this date instead of today (tests, backfills)",
        ),
    run: billRunCommand,
  },
  {
    name: "compact-intervals",
    describe:
      "reading_interval → interval_day for whole UTC days (idempotent); nightly for yesterday, or before a bill run with --no-compact",
    define: (c) =>
      c
        .option("--period <YYYY-MM>", "every UTC day a month's local days can touch")
        .option("--from <YYYY-MM-DD>", "first UTC day (with --to)")
        .option("--to <YYYY-MM-DD>", "day after the last")
        .option("--days <n>", "the last n days up to tomorrow", "7"),
    run: compactIntervalsCommand,
  },
  {
    name: "bill-advances",
    describe: "advance invoices (series ADV), one per POD and month",
    define: (c) =>
      c
        .option("--period <YYYY-MM>", "the month")
        .option("--issue", "issue them")
        .option(...ISSUE_DATE),
    run: async (o) => {
      const period = str(o, "period");
      if (!period) throw new BillRunError("bill-advances needs --period YYYY-MM");
      return withPool(async (pool) => {
        const res = await billAdvances(pool, {
          period,
          issue: flag(o, "issue"),
          issueDate: str(o, "issueDate"),
        });
        console.log(json(res));
        return res.failed.length > 0 ? 1 : 0;
      });
    },
  },
  {
    name: "settlement-reading",
    describe: "record distributor readings: one (--pod --date --kwh) or a CSV file (pod_id,date,kwh)",
    define: (c) =>
      c
        .option("--pod <id>", "the POD")
        .option("--date <YYYY-MM-DD>", "the reading's date")
        .option("--kwh <n>", "the register in kWh")
        .option("--csv <file>", "many readings"),
    run: async (o) => {
      const csv = str(o, "csv");
      const readings = csv
        ? parseSettlementCsv(readFileSync(userPath(csv), "utf8"))
        : [{ podId: str(o, "pod") ?? "", date: str(o, "date") ?? "", kwh: str(o, "kwh") ?? "" }];
      return withPool(async (pool) => {
        console.log(json(await recordSettlementReadings(pool, readings)));
        return 0;
      });
    },
  },
  {
    name: "bill-settlement",
    describe: "SLP annual settlement up to the reading of that date",
    define: (c) =>
      c
        .option("--pod <id>", "a POD (repeat for several)", collect)
        .option("--all", "every SLP POD with a reading on that date")
        .option("--date <YYYY-MM-DD>", "the settlement reading's date")
        .option("--issue", "issue them")
        .option(...ISSUE_DATE),
    run: async (o) => {
      const date = str(o, "date");
      const pods = o.pod as string[] | undefined;
      if (!date) throw new BillRunError("bill-settlement needs --date YYYY-MM-DD");
      if (!flag(o, "all") && !pods?.length)
        throw new BillRunError("bill-settlement needs --pod <id> or --all");
      return withPool(async (pool) => {
        const res = await billSettlements(pool, {
          podIds: flag(o, "all") ? undefined : pods,
          date,
          issue: flag(o, "issue"),
          issueDate: str(o, "issueDate"),
        });
        console.log(json(res));
        return res.failed.length > 0 ? 1 : 0;
      });
    },
  },
  {
    name: "bill-corrections",
    describe: "difference invoices / credit notes after a price change",
    define: (c) =>
      c
        .option("--from <YYYY-MM>", "first month")
        .option("--to <YYYY-MM>", "last month")
        .option("--issue", "issue them")
        .option(...ISSUE_DATE),
    run: async (o) => {
      const from = str(o, "from");
      const to = str(o, "to");
      if (!from || !to) throw new BillRunError("bill-corrections needs --from and --to YYYY-MM");
      return withPool(async (pool) => {
        const res = await billCorrections(pool, {
          from,
          to,
          issue: flag(o, "issue"),
          issueDate: str(o, "issueDate"),
        });
        console.log(json(res));
        return res.skipped.length > 0 ? 1 : 0;
      });
    },
  },
  {
    name: "product-price",
    describe:
      "a new price row valid from a (past) date; for a product a new published version (new contracts get it)",
    define: (c) =>
      c
        .option("--product <code>", "the product")
        .option("--contract <number>", "or one contract")
        .option("--price <name>", "single | tou.<band> | fixed.<code> | …")
        .option("--from <YYYY-MM-DD>", "valid from")
        .option("--value <p>", "the price")
        .option("--move-contracts", "move the contracts on the previous latest version"),
    run: async (o) => {
      const [price, from, value] = [str(o, "price"), str(o, "from"), str(o, "value")];
      if (!price || !from || !value)
        throw new BillRunError("product-price needs --price, --from YYYY-MM-DD and --value");
      const product = str(o, "product");
      const target = product ? `product:${product}` : `contract:${str(o, "contract") ?? ""}`;
      return withPool(async (pool) => {
        const res = await setTariffPrice(pool, {
          target,
          price,
          from,
          value,
          moveContracts: flag(o, "moveContracts"),
        });
        console.error(res.summary);
        console.log(json(res));
        return 0;
      });
    },
  },
  {
    name: "market-price-import",
    describe: "market prices per kWh (CSV: start,price) for dynamic tariffs",
    define: (c) =>
      c
        .argument("<file.csv>", "the prices")
        .option("--zone <zone>", "the price zone")
        .option("--currency <code>", "ISO 4217 currency")
        .option("--resolution <minutes>", "15 or 60"),
    run: async (o, [file]) => {
      const csv = readFileSync(userPath(file as string), "utf8");
      return withPool(async (pool) => {
        const res = await importMarketPrices(pool, csv, {
          zone: str(o, "zone") ?? "",
          currency: str(o, "currency") ?? "",
          resolutionMinutes: Number(str(o, "resolution")) as 15 | 60,
        });
        console.log(json(res));
        return 0;
      });
    },
  },
  {
    name: "invoice-issue",
    describe: "issue the drafts of a run (--run or --period) or one invoice; held drafts stay drafts",
    define: (c) =>
      c
        .option("--run <id>", "a bill run")
        .option("--period <YYYY-MM>", "the bill run of a month")
        .option("--invoice <id|number>", "one invoice")
        .option(...ISSUE_DATE),
    run: async (o) =>
      withPool(async (pool) => {
        const issueDate = str(o, "issueDate");
        const invoice = str(o, "invoice");
        if (invoice) {
          const id = await resolveInvoiceId(pool, invoice);
          const res = await issueInvoices(pool, { invoiceIds: [id] }, { issueDate });
          const held = await heldDrafts(pool, "i.id = $1::uuid", id);
          console.log(json({ ...res, held }));
          return held.length > 0 ? 1 : 0;
        }
        const runId = await resolveRun(pool, { run: str(o, "run"), period: str(o, "period") });
        const res = await issueBillRun(pool, runId, { issueDate });
        console.log(json({ ...res, held: await heldDrafts(pool, "i.bill_run_id = $1::uuid", runId) }));
        return 0;
      }),
  },
  {
    name: "invoice-pdf",
    describe: "one invoice's PDF (--invoice [--out]) or every PDF of a run (--run|--period [--dir])",
    define: (c) =>
      c
        .option("--invoice <id|number>", "one invoice")
        .option("--out <file.pdf>", "where to write it")
        .option("--run <id>", "a bill run")
        .option("--period <YYYY-MM>", "the bill run of a month")
        .option("--dir <folder>", "where to write the run's PDFs"),
    run: invoicePdfCommand,
  },
  {
    name: "bill-run-xlsx",
    describe: "a bill run's spreadsheet",
    define: (c) =>
      c
        .option("--run <id>", "a bill run")
        .option("--period <YYYY-MM>", "the bill run of a month")
        .option("--out <file.xlsx>", "where to write it"),
    run: async (o) =>
      withPool(async (pool) => {
        const runId = await resolveRun(pool, { run: str(o, "run"), period: str(o, "period") });
        const out = userPath(str(o, "out") ?? `bill-run-${runId}.xlsx`);
        writeFileSync(out, await exportBillRunXlsx(pool, runId));
        console.log(out);
        return 0;
      }),
  },
  {
    name: "pod-import",
    describe: "create/update PODs from a CSV file; nothing is applied if a row is rejected",
    define: (c) => c.argument("<file.csv>", "the PODs").option("--dry-run", "check only"),
    run: async (o, [file]) => {
      const csv = readFileSync(userPath(file as string), "utf8");
      return withPool(async (pool) => {
        const report = await importPods(pool, csv, { dryRun: flag(o, "dryRun") });
        console.log(json(report));
        return report.rejected.length > 0 ? 1 : 0;
      });
    },
  },
  {
    name: "urdb-import",
    describe:
      "map an OpenEI URDB tariff (JSON) to the engine's tariff JSON in USD; what the engine cannot bill exactly is refused (exit 1)",
    define: (c) =>
      c
        .argument("<file.json>", "the URDB rate ({ items: [rate] } as the URDB API returns it)")
        .option("--out <tariff.json>", "write the tariff JSON there instead of printing it"),
    run: async (o, [file]) => {
      const out = str(o, "out");
      return runUrdbImport(userPath(file as string), { out: out === undefined ? undefined : userPath(out) });
    },
  },
  {
    name: "job",
    describe:
      "queue long work for the worker process (docs/jobs.md): job <kind> [options] [--wait]; job status <id>; job list",
    define: defineJobCommand,
    run: async (o, args) => withPool((pool) => runJobCommand(pool, args, o, { userPath })),
  },
  {
    name: "billing-seed",
    describe: "billing master data of the demo (after npm start seeded the fleet)",
    run: async () =>
      withPool(async (pool) => {
        console.log(json(await seedBillingDemo(pool)));
        return 0;
      }),
  },
];

export const BILLING_COMMANDS = COMMANDS.map((c) => c.name);

/** Adds the billing commands to `program`; each action hands its exit code to `exit`. */
export function registerBillingCommands(program: Command, exit: (code: number) => void): void {
  for (const spec of COMMANDS) {
    const command = program
      .command(spec.name)
      .description(spec.describe)
      .addHelpText("after", `\n${ENVIRONMENT}`);
    (spec.define?.(command) ?? command).action(async (...params: unknown[]) => {
      // commander passes the declared arguments, then the options object, then the command
      const args = params.slice(0, -2) as string[];
      const opts = params.at(-2) as Options;
      exit(await spec.run(opts, args));
    });
  }
}

/**
 * Runs one billing command from `argv` (e.g. ["bill-run", "--period", "2026-11"]) and resolves to its
 * exit code; a usage error (unknown option, missing argument) resolves to 2 after commander printed
 * it, `--help` to 0; errors of the command itself reject.
 */
export async function runBillingCommand(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command("c4e").exitOverride();
  registerBillingCommands(program, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return code;
}

async function billRunCommand(o: Options): Promise<number> {
  const period = str(o, "period");
  if (!period) throw new BillRunError("bill-run needs --period YYYY-MM");
  for (const k of ["workers", "processes", "batch"] as const) {
    const v = str(o, k);
    if (v !== undefined && !/^\d{1,6}$/.test(v))
      throw new BillRunError(`--${k} must be a whole number (got ${v})`);
  }
  const maxMissing = str(o, "maxMissing");
  if (maxMissing !== undefined && !/^\d{1,6}$/.test(maxMissing))
    throw new BillRunError(`--max-missing must be a whole number of intervals (got ${maxMissing})`);
  const num = (k: string) => (str(o, k) === undefined ? undefined : Number(str(o, k)));
  const asOf = str(o, "asOf");
  if (
    asOf !== undefined &&
    (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`)))
  )
    throw new BillRunError(`--as-of must be a date YYYY-MM-DD (got ${asOf})`);
  return withPool(async (pool) => {
    const stop = new AbortController();
    const onSignal = () => {
      if (stop.signal.aborted) process.exit(130);
      console.error("\nstopping after the current batch (Ctrl-C again to quit at once; run again to resume)");
      stop.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const tty = process.stderr.isTTY;
    const summary = await runBill(pool, {
      period,
      ...(asOf !== undefined ? { now: new Date(`${asOf}T00:00:00Z`) } : {}),
      batchSize: num("batch"),
      maxMissingIntervals: num("maxMissing"),
      workers: num("workers"),
      processes: num("processes"),
      databaseUrl: loadBillingConfig().databaseUrl,
      launchProcesses: launchWorkerProcesses,
      compact: o.compact !== false,
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
    if (flag(o, "issue") && summary.status === "completed") {
      issued = await issueBillRun(pool, summary.billRunId, { issueDate: str(o, "issueDate") });
    }
    const xlsx = str(o, "xlsx");
    if (xlsx) writeFileSync(userPath(xlsx), await exportBillRunXlsx(pool, summary.billRunId));
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

async function compactIntervalsCommand(o: Options): Promise<number> {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const [period, fromDay, toDay, days] = [
    str(o, "period"),
    str(o, "from"),
    str(o, "to"),
    str(o, "days") ?? "7",
  ];
  let range: { fromDay: string; toDay: string };
  if (period) {
    // the month's local days in any zone (UTC−12 … UTC+14) lie within these UTC days
    const { start, end } = monthPeriod(period);
    const from = new Date(`${start}T00:00:00Z`);
    const to = new Date(`${end}T00:00:00Z`);
    from.setUTCDate(from.getUTCDate() - 1);
    to.setUTCDate(to.getUTCDate() + 1);
    range = { fromDay: day(from), toDay: day(to) };
  } else if (fromDay && toDay) {
    range = { fromDay, toDay };
  } else {
    if (!/^\d{1,4}$/.test(days)) throw new BillRunError(`--days must be a whole number`);
    const to = new Date();
    to.setUTCHours(0, 0, 0, 0);
    to.setUTCDate(to.getUTCDate() + 1);
    const from = new Date(to);
    from.setUTCDate(from.getUTCDate() - Number(days));
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

async function invoicePdfCommand(o: Options): Promise<number> {
  return withPool(async (pool) => {
    const invoice = str(o, "invoice");
    if (invoice) {
      const stored = await loadInvoice(pool, await resolveInvoiceId(pool, invoice));
      if (!stored) throw new BillRunError(`no invoice ${invoice}`);
      const out = userPath(str(o, "out") ?? `${stored.number ?? stored.id}.pdf`);
      writeFileSync(out, await renderInvoicePdf(stored, await loadSeller(pool, stored.contractId)));
      console.log(out);
      return 0;
    }
    const runId = await resolveRun(pool, { run: str(o, "run"), period: str(o, "period") });
    const dir = userPath(str(o, "dir") ?? `invoices-${runId}`);
    mkdirSync(dir, { recursive: true });
    const ids = await pool.query<{ id: string }>(
      `SELECT id FROM invoice WHERE bill_run_id = $1 ORDER BY number`,
      [runId],
    );
    let n = 0;
    for (let i = 0; i < ids.rows.length; i += 200) {
      const batch = ids.rows.slice(i, i + 200).map((r) => r.id);
      for (const stored of await loadInvoices(pool, batch)) {
        const file = join(dir, `${stored.number ?? stored.id}.pdf`);
        writeFileSync(file, await renderInvoicePdf(stored, await loadSeller(pool, stored.contractId)));
        n++;
      }
    }
    console.log(json({ dir, pdfs: n }));
    return 0;
  });
}
