// The trading commands of `c4e` (`npm run c4e -- trading <command>`), thin over the use cases:
// prices-import, case, expand, profile-import, notes, incoming-invoice, invoice, match, position, nominations, report, seed-demo. See docs/trading.md.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadBillingConfig } from "@c4e/billing/env";
import { type CurrencyCode, isCurrencyCode, minorUnitDigits } from "@c4e/domain";
import { TradingInputError, formatMwh } from "@c4e/domain/trading";
import { createPool } from "@c4e/prisma";
import type { Command } from "commander";
import type pg from "pg";
import { runCaseDir, runTradingCase, type TradingCase } from "./cases.ts";
import { contractShape, getContract } from "./contracts.ts";
import { issueDeliveryNotes } from "./delivery-notes.ts";
import type { TradingContext, TradingRefusal } from "./errors.ts";
import { invoiceDeliveryNotes, recordIncomingInvoice } from "./invoices.ts";
import { parse } from "csv-parse/sync";
import { proposeMatching } from "./matching.ts";
import { nominationsFor } from "./nominations.ts";
import { importProfile, xlsxProfileToCsv } from "./profile-import.ts";
import { positionCsv, positionFor } from "./position.ts";
import { parseEntsoeLocalCsv, parseTradingPriceCsv, storeDayAheadPrices } from "./prices.ts";
import { reportCsv, reportXlsx, statisticalReport } from "./report.ts";
import { seedTradingDemo } from "./seed-demo.ts";

type Options = Record<string, string | boolean | undefined>;

/** A usage or input error of a trading command (exit code 1, message on stderr). */
export class TradingCommandError extends Error {
  override name = "TradingCommandError";
}

const userPath = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2);

function need(o: Options, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== "string" || v === "") throw new TradingCommandError(`--${key} is required (${what})`);
  return v;
}

function refused(r: TradingRefusal): never {
  throw new TradingCommandError(
    `${r.code}: ${r.message}${r.errors ? `\n  ${r.errors.map((e) => `${e.path}: ${e.message}`).join("\n  ")}` : ""}`,
  );
}

async function withPool<T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ url: loadBillingConfig().databaseUrl, max: 4, applicationName: "c4e-trading" });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

const ctxOf = (o: Options): TradingContext => ({
  retailerId: (o.retailer as string | undefined) ?? "retailer-demo",
  actor: "cli",
});

export function registerTradingCommands(program: Command, exit: (code: number) => void): void {
  const group = program
    .command("trading")
    .description(
      "wholesale trading book: prices, shapes, notes, invoices, matching, position, reports (docs/trading.md)",
    );
  const run =
    (fn: (o: Options, args: string[]) => Promise<void>) =>
    async (...params: unknown[]) => {
      const args = params.slice(0, -2) as string[];
      const o = params.at(-2) as Options;
      try {
        await fn(o, args);
        exit(0);
      } catch (e) {
        if (!(e instanceof TradingCommandError || e instanceof TradingInputError)) throw e;
        console.error(`trading: ${e.message}`);
        exit(1);
      }
    };
  const retailer = (c: Command) => c.option("--retailer <id>", "the retailer (tenant)", "retailer-demo");
  const tz = (c: Command) => c.option("--time-zone <iana>", "local dates of the book", "Europe/Brussels");

  group
    .command("prices-import")
    .description(
      "imports day-ahead prices into market_price (billing's store; dynamic tariffs read them too)",
    )
    .argument(
      "<file>",
      "CSV: start,price_per_mwh (--format trading) or the ENTSO-E export (--format entsoe-local)",
    )
    .requiredOption("--zone <code>", "bidding zone, e.g. BE")
    .option("--currency <code>", "ISO 4217", "EUR")
    .option("--format <format>", "trading | entsoe-local", "trading")
    .option("--resolution <minutes>", "60 or 15", "60")
    .option("--time-zone <iana>", "local time of an entsoe-local file", "Europe/Brussels")
    .action(
      run(async (o, [file = ""]) => {
        const text = readFileSync(userPath(file), "utf8");
        const name = file.split("/").at(-1) ?? file;
        const format = o.format as string;
        if (format !== "trading" && format !== "entsoe-local")
          throw new TradingCommandError(`--format: trading or entsoe-local`);
        const resolution = Number(o.resolution);
        if (resolution !== 15 && resolution !== 60) throw new TradingCommandError(`--resolution: 15 or 60`);
        const parsed =
          format === "trading"
            ? { rows: parseTradingPriceCsv(text, name), skipped: 0 }
            : parseEntsoeLocalCsv(text, name, o.timeZone as string);
        const res = await withPool((pool) =>
          storeDayAheadPrices(pool, parsed.rows, {
            zone: o.zone as string,
            currency: o.currency as string,
            resolutionMinutes: resolution,
          }),
        );
        console.log(json({ ...res, skippedWithoutPrice: parsed.skipped }));
      }),
    );

  group
    .command("case")
    .description("runs a worked trading case (a folder with case.json) and compares it with expected.json")
    .argument("<dir>", "e.g. trading/cases/01-base-dst-spring-month-eur")
    .action(
      run(async (_o, [dir = ""]) => {
        const { actual, expected } = runCaseDir(userPath(dir));
        console.log(json(actual));
        if (JSON.stringify(actual) !== JSON.stringify(expected))
          throw new TradingCommandError(`${dir}: differs from expected.json`);
      }),
    );

  tz(retailer(group.command("expand")))
    .description("prints a contract's hourly (or quarter-hour) shape as CSV: start,mwh")
    .argument("<contract>", "contract id, or a case.json of kind contract")
    .action(
      run(async (o, [id = ""]) => {
        if (id.endsWith(".json")) {
          const c = JSON.parse(readFileSync(userPath(id), "utf8")) as TradingCase;
          console.log(json(runTradingCase(c)));
          return;
        }
        const c = await withPool((pool) => getContract(pool, ctxOf(o), id));
        if (!c) throw new TradingCommandError(`no contract ${id}`);
        const shape = contractShape(c);
        console.log(
          [
            "start,mwh",
            ...shape.startMs.map(
              (t, i) => `${new Date(t).toISOString()},${formatMwh(shape.mwh[i] as bigint)}`,
            ),
          ].join("\n"),
        );
      }),
    );

  retailer(group.command("profile-import"))
    .description(
      "replaces a contract's product by a custom profile (CSV or xlsx: start,mwh) as a new version",
    )
    .argument("<contract>", "contract id")
    .argument("<file>", "…csv or …xlsx (first sheet), header start,mwh")
    .requiredOption("--reason <text>", "why (kept with the version)")
    .option("--as-of <date>", "today's local date for the lock (default: today in UTC)")
    .action(
      run(async (o, [contractId = "", file = ""]) => {
        const path = userPath(file);
        const name = file.split("/").at(-1) ?? file;
        const csv = file.endsWith(".xlsx")
          ? await xlsxProfileToCsv(readFileSync(path))
          : readFileSync(path, "utf8");
        const asOf = typeof o.asOf === "string" ? o.asOf : new Date().toISOString().slice(0, 10);
        const r = await withPool((pool) =>
          importProfile(pool, ctxOf(o), { contractId, csv, file: name, reason: o.reason as string, asOf }),
        );
        if (!r.ok) refused(r);
        console.log(json(r.value));
      }),
    );

  tz(retailer(group.command("notes")))
    .description("issues the delivery notes of a month (idempotent)")
    .requiredOption("--month <YYYY-MM>", "the month")
    .action(
      run(async (o) => {
        const r = await withPool((pool) =>
          issueDeliveryNotes(pool, ctxOf(o), { month: o.month as string, timeZone: o.timeZone as string }),
        );
        console.log(
          json({
            created: r.created,
            notes: r.notes.map((n) => [n.reference, n.quantityMwh, n.amountMinor, n.currency]),
          }),
        );
      }),
    );

  tz(retailer(group.command("invoice")))
    .description("consolidates the month's sales notes into invoices (billing's store, series INV)")
    .requiredOption("--month <YYYY-MM>", "the month")
    .option("--issue", "issue them (assign numbers) in the same transaction")
    .action(
      run(async (o) => {
        const r = await withPool((pool) =>
          invoiceDeliveryNotes(pool, ctxOf(o), {
            month: o.month as string,
            timeZone: o.timeZone as string,
            issue: o.issue === true,
          }),
        );
        if (!r.ok) refused(r);
        console.log(json(r.value));
      }),
    );

  retailer(group.command("incoming-invoice"))
    .description("records a counterparty's invoice to us and checks it against our purchase notes")
    .argument("<file>", "CSV: note_reference,quantity_mwh,amount_minor (one line per invoiced note)")
    .requiredOption("--counterparty <id>", "the counterparty that sent it")
    .requiredOption("--number <text>", "its invoice number")
    .option("--tolerance <minor>", "accepted amount difference per line in minor units", "0")
    .action(
      run(async (o, [file = ""]) => {
        const records = parse(readFileSync(userPath(file), "utf8"), {
          columns: true,
          skip_empty_lines: true,
          trim: true,
        }) as Record<string, string>[];
        const tolerance = Number(o.tolerance);
        if (!Number.isInteger(tolerance) || tolerance < 0)
          throw new TradingCommandError(`--tolerance: a whole number of minor units`);
        const r = await withPool((pool) =>
          recordIncomingInvoice(pool, ctxOf(o), {
            counterpartyId: o.counterparty as string,
            number: o.number as string,
            toleranceMinor: tolerance,
            lines: records.map((l) => ({
              noteReference: l.note_reference ?? "",
              quantityMwh: l.quantity_mwh ?? "",
              amountMinor: l.amount_minor ?? "",
            })),
          }),
        );
        if (!r.ok) refused(r);
        console.log(json(r.value));
        if (!r.value.ok)
          throw new TradingCommandError(`${r.value.differences.length} difference(s) flagged (recorded)`);
      }),
    );

  tz(retailer(group.command("match")))
    .description("proposes the hourly matching of a period (saved matches first) and prints profit per deal")
    .requiredOption("--from <date>", "first local date")
    .requiredOption("--to <date>", "local date after the last")
    .option("--currency <code>", "ISO 4217", "EUR")
    .option("--method <method>", "fifo | best_price", "fifo")
    .action(
      run(async (o) => {
        const method = o.method as string;
        if (method !== "fifo" && method !== "best_price")
          throw new TradingCommandError(`--method: fifo or best_price`);
        const v = await withPool((pool) =>
          proposeMatching(pool, ctxOf(o), {
            from: o.from as string,
            to: o.to as string,
            timeZone: o.timeZone as string,
            currency: o.currency as string,
            method,
          }),
        );
        const profit = [...v.result.profitByDeal].map(([deal, p]) => ({
          deal,
          profit: (Number(p) / 1e10).toFixed(2),
        }));
        console.log(
          json({
            matches: v.result.matches.length,
            saved: v.saved,
            unmatchedIntervals: v.result.rest.length,
            profitByDeal: profit,
          }),
        );
      }),
    );

  tz(retailer(group.command("position")))
    .description("the open position per hour (CSV) and per day (JSON)")
    .requiredOption("--from <date>", "first local date")
    .requiredOption("--to <date>", "local date after the last")
    .requiredOption("--zone <code>", "bidding zone")
    .option("--csv <file>", "write the hourly position here")
    .action(
      run(async (o) => {
        const v = await withPool((pool) =>
          positionFor(pool, ctxOf(o), {
            from: o.from as string,
            to: o.to as string,
            timeZone: o.timeZone as string,
            zone: o.zone as string,
          }),
        );
        if (typeof o.csv === "string") writeFileSync(userPath(o.csv), positionCsv(v));
        console.log(json(v.days));
      }),
    );

  tz(retailer(group.command("nominations")))
    .description("the schedules per balance group, counterparty and hour as CSV")
    .requiredOption("--from <date>", "first local date")
    .requiredOption("--to <date>", "local date after the last")
    .requiredOption("--out <file>", "the CSV file")
    .action(
      run(async (o) => {
        const r = await withPool((pool) =>
          nominationsFor(pool, ctxOf(o), {
            from: o.from as string,
            to: o.to as string,
            timeZone: o.timeZone as string,
          }),
        );
        writeFileSync(userPath(o.out as string), r.csv);
        console.log(json({ rows: r.rows.length, out: o.out }));
      }),
    );

  tz(retailer(group.command("report")))
    .description("the monthly statistical return (V614-like) as CSV or xlsx")
    .requiredOption("--month <YYYY-MM>", "the month")
    .requiredOption("--home <country>", "the reporting trader's country (ISO 3166 alpha-2)")
    .option("--currency <code>", "ISO 4217", "EUR")
    .requiredOption("--out <file>", "…csv or …xlsx")
    .action(
      run(async (o) => {
        const currency = need(o, "currency", "ISO 4217");
        if (!isCurrencyCode(currency)) throw new TradingCommandError(`--currency: not an ISO 4217 code`);
        const out = need(o, "out", "a .csv or .xlsx file");
        const r = await withPool((pool) =>
          statisticalReport(pool, ctxOf(o), {
            month: o.month as string,
            homeCountry: o.home as string,
            currency: currency as CurrencyCode,
            timeZone: o.timeZone as string,
          }),
        );
        const digits = minorUnitDigits(currency as CurrencyCode);
        if (out.endsWith(".xlsx")) writeFileSync(userPath(out), await reportXlsx(r.rows, digits));
        else writeFileSync(userPath(out), reportCsv(r.rows, digits));
        console.log(json({ rows: r.rows.length, otherCurrencyNotes: r.otherCurrencyNotes, out }));
      }),
    );

  retailer(group.command("seed-demo"))
    .description("seeds the small demo trading book (March 2023, BE prices from trading/data)")
    .action(
      run(async (o) => {
        // a manual command for a local demo database: it seeds as on the local chain
        const r = await withPool((pool) => seedTradingDemo(pool, ctxOf(o).retailerId, { chainId: 31337 }));
        console.log(json(r));
      }),
    );
}
