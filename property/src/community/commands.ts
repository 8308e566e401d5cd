// `c4e community …` (stack/src/cli.ts registers the group): thin over the use cases.
//   community case <dir>                                  a billing case (property/cases) as JSON
//   community create --tenant <retailer> --json <file>    a community (fields: docs/communities.md)
//   community unit --community <id> --name <n> --area <m²>
//   community meter --community <id> --meter <id> --role <role> [--unit <id>] [--owner <name>] [--source csv]
//   community move-in --community <id> --unit <id> --name <n> --from <date> [--to <date>] [--email e] [--language de]
//   community move-out --tenancy <id> --to <date>
//   community run --community <id> --start <YYYY-MM-DD> [--issue] [--issue-date D]
//   community issue --run <id> [--issue-date D]
//   community export --run <id> (--xlsx <file> | --csv <file>)
//   community ev-import --community <id> --csv <file> [--import-id <id>]
//   community pdf --invoice <id> --out <file>
// The operator's command line acts for the community's own tenant (its property manager).
// environment: DATABASE_URL (default: the embedded Postgres of npm start on PG_PORT 15432)
import { readFileSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { loadBillingConfig } from "@c4e/billing/env";
import { createPool, type Queryable } from "@c4e/prisma";
import type pg from "pg";
import { issueCommunityRun, previewCommunityRun } from "./billing-run.ts";
import { addUnit, assignMeter, createCommunity, moveIn, moveOut } from "./communities.ts";
import { loadCommunityCase, runCommunityCase } from "./community-case.ts";
import { CommunityError, type ManagerContext } from "./errors.ts";
import { importEvCsv } from "./ev-csv-import.ts";
import { exportRunCsv, exportRunXlsx } from "./exports.ts";
import { communityInvoicePdf, communityOfInvoice } from "./invoice-document.ts";

type Options = Record<string, string | boolean | undefined>;

/**
 * The part of commander's `Command` these commands use (stack's program is passed in; property does
 * not depend on commander itself, and the workspaces may hoist different copies of it).
 */
export interface CliCommand {
  command(name: string): CliCommand;
  description(text: string): CliCommand;
  argument(name: string, description?: string): CliCommand;
  option(flags: string, description?: string, defaultValue?: string): CliCommand;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- commander's own action signature
  action(fn: (...args: any[]) => void | Promise<void>): CliCommand;
}

const userPath = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);
const json = (value: unknown) =>
  JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);

async function withPool<T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ url: loadBillingConfig().databaseUrl, max: 2, applicationName: "c4e-community" });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

async function tenantOf(
  db: Queryable,
  what: { community?: string; run?: string; invoice?: string },
): Promise<ManagerContext> {
  let communityId = what.community;
  if (what.run) {
    const r = await db.query<{ community_id: string }>(
      `SELECT community_id FROM community_run WHERE id::text = $1`,
      [what.run],
    );
    communityId = r.rows[0]?.community_id;
    if (!communityId) throw new CommunityError("not_found", `run ${what.run} not found`);
  }
  if (what.invoice) communityId = await communityOfInvoice(db, what.invoice);
  const r = await db.query<{ retailer_id: string }>(`SELECT retailer_id FROM community WHERE id = $1`, [
    communityId ?? "",
  ]);
  const tenant = r.rows[0]?.retailer_id;
  if (!tenant)
    throw new CommunityError("not_found", `community ${communityId ?? what.invoice ?? "?"} not found`);
  return { retailerId: tenant };
}

const need = (o: Options, key: string, flag: string): string => {
  const v = o[key];
  if (typeof v !== "string" || v === "") throw new CommunityError("bad_request", `give ${flag}`);
  return v;
};

/** Adds `community <sub>` to the `c4e` program; each action hands its exit code to `exit`. */
export function registerCommunityCommands(program: CliCommand, exit: (code: number) => void): void {
  const group = program
    .command("community")
    .description("self-consumption communities: cases, billing runs, exports (docs/communities.md)");
  const run =
    (fn: (o: Options, args: string[]) => Promise<void>) =>
    async (...params: unknown[]) => {
      const args = params.slice(0, -2) as string[];
      const o = params.at(-2) as Options;
      try {
        await fn(o, args);
        exit(0);
      } catch (e) {
        if (!(e instanceof CommunityError)) throw e;
        console.error(`community: ${e.message}`);
        if (Array.isArray(e.details))
          for (const d of e.details.slice(0, 50))
            console.error(`  ${typeof d === "string" ? d : JSON.stringify(d)}`);
        exit(e.code === "not_found" ? 3 : 1);
      }
    };
  group
    .command("case")
    .description("runs a community billing case (a folder with case.json) and prints the result")
    .argument("<dir>", "e.g. property/cases/01-two-apartments-one-plant")
    .action(
      run(async (_o, [dir]) => {
        console.log(json(runCommunityCase(await loadCommunityCase(userPath(dir!)))));
      }),
    );
  group
    .command("create")
    .description(
      "creates a community from a JSON file (id, name, address, currency, timeZone, billingCycle, prices …)",
    )
    .option("--tenant <retailer>", "the property manager's tenant (retailer id)")
    .option("--json <file>", "the community's fields")
    .action(
      run(async (o) => {
        const tenant = need(o, "tenant", "--tenant <retailer>");
        const input = JSON.parse(
          readFileSync(userPath(need(o, "json", "--json <file>")), "utf8"),
        ) as Parameters<typeof createCommunity>[2];
        await withPool(async (pool) =>
          console.log(json(await createCommunity(pool, { retailerId: tenant }, input))),
        );
      }),
    );
  group
    .command("unit")
    .description("adds a unit (apartment) to a community")
    .option("--community <id>", "the community")
    .option("--name <name>", "the unit's name")
    .option("--area <m2>", "floor area in m²")
    .action(
      run(async (o) => {
        const communityId = need(o, "community", "--community <id>");
        await withPool(async (pool) => {
          const ctx = await tenantOf(pool, { community: communityId });
          console.log(
            json(
              await addUnit(pool, ctx, {
                communityId,
                name: need(o, "name", "--name <name>"),
                areaM2: need(o, "area", "--area <m2>"),
              }),
            ),
          );
        });
      }),
    );
  group
    .command("meter")
    .description("gives a registered meter its role in a community")
    .option("--community <id>", "the community")
    .option("--meter <id>", "the meter (registered with its gateway)")
    .option("--role <role>", "grid, plant, battery, apartment, common, heat_pump or ev_charger")
    .option("--unit <id>", "the unit of a consumer meter (none: shared)")
    .option("--owner <name>", "a plant's owner")
    .option("--source <source>", "gateway (default) or csv (EV chargers)")
    .action(
      run(async (o) => {
        const communityId = need(o, "community", "--community <id>");
        await withPool(async (pool) => {
          const ctx = await tenantOf(pool, { community: communityId });
          const meter = await assignMeter(pool, ctx, {
            communityId,
            meterId: need(o, "meter", "--meter <id>"),
            role: need(o, "role", "--role <role>") as never,
            unitId: typeof o.unit === "string" ? o.unit : null,
            plantOwner: typeof o.owner === "string" ? o.owner : null,
            source: (typeof o.source === "string" ? o.source : "gateway") as never,
          });
          console.log(json(meter));
        });
      }),
    );
  group
    .command("move-in")
    .description("a resident moves into a unit (any day; --to is the day after the last day)")
    .option("--community <id>", "the community")
    .option("--unit <id>", "the unit")
    .option("--name <name>", "the resident")
    .option("--from <YYYY-MM-DD>", "move-in day")
    .option("--to <YYYY-MM-DD>", "the day after the last day (none: open)")
    .option("--email <email>", "the resident's e-mail")
    .option("--language <lang>", "en, de, fr or it", "de")
    .option("--customer <id>", "an existing customer of the tenant (e.g. a wallet holder)")
    .action(
      run(async (o) => {
        const communityId = need(o, "community", "--community <id>");
        await withPool(async (pool) => {
          const ctx = await tenantOf(pool, { community: communityId });
          const t = await moveIn(pool, ctx, {
            communityId,
            unitId: need(o, "unit", "--unit <id>"),
            name: need(o, "name", "--name <name>"),
            moveIn: need(o, "from", "--from <YYYY-MM-DD>"),
            moveOut: typeof o.to === "string" ? o.to : null,
            email: typeof o.email === "string" ? o.email : null,
            language: o.language as string,
            ...(typeof o.customer === "string" ? { customerId: o.customer } : {}),
          });
          console.log(json(t));
        });
      }),
    );
  group
    .command("move-out")
    .description("a resident moves out (--to is the day after the last day)")
    .option("--tenancy <id>", "the tenancy")
    .option("--to <YYYY-MM-DD>", "the day after the last day")
    .action(
      run(async (o) => {
        const tenancyId = need(o, "tenancy", "--tenancy <id>");
        await withPool(async (pool) => {
          const r = await pool.query<{ community_id: string }>(
            `SELECT community_id FROM community_tenancy WHERE id = $1`,
            [tenancyId],
          );
          const ctx = await tenantOf(pool, { community: r.rows[0]?.community_id ?? "" });
          await moveOut(pool, ctx, { tenancyId, moveOut: need(o, "to", "--to <YYYY-MM-DD>") });
        });
      }),
    );
  group
    .command("run")
    .description("previews a period (drafts in the invoice store) and, with --issue, issues it")
    .option("--community <id>", "the community")
    .option("--start <YYYY-MM-DD>", "first day of the billing period (a cycle start)")
    .option("--issue", "issue the drafts (refused when quarter hours are missing)")
    .option("--issue-date <YYYY-MM-DD>", "the invoices' issue date")
    .action(
      run(async (o) => {
        const communityId = need(o, "community", "--community <id>");
        const start = need(o, "start", "--start <YYYY-MM-DD>");
        await withPool(async (pool) => {
          const ctx = await tenantOf(pool, { community: communityId });
          const r = await previewCommunityRun(pool, ctx, { communityId, start });
          console.log(json({ runId: r.id, status: r.status, summary: r.summary, items: r.items }));
          if (o.issue === true) {
            const issued = await issueCommunityRun(pool, ctx, {
              runId: r.id,
              issueDate: o.issueDate as string | undefined,
            });
            console.log(json(issued));
          }
        });
      }),
    );
  group
    .command("issue")
    .description("issues a previewed run")
    .option("--run <id>", "the run")
    .option("--issue-date <YYYY-MM-DD>", "the invoices' issue date")
    .action(
      run(async (o) => {
        const runId = need(o, "run", "--run <id>");
        await withPool(async (pool) => {
          const ctx = await tenantOf(pool, { run: runId });
          console.log(
            json(await issueCommunityRun(pool, ctx, { runId, issueDate: o.issueDate as string | undefined })),
          );
        });
      }),
    );
  group
    .command("export")
    .description("writes a run as xlsx (summary + one sheet per unit) or CSV (docs/communities.md)")
    .option("--run <id>", "the run")
    .option("--xlsx <file>", "the workbook to write")
    .option("--csv <file>", "the CSV to write")
    .action(
      run(async (o) => {
        const runId = need(o, "run", "--run <id>");
        if (!o.xlsx && !o.csv) throw new CommunityError("bad_request", "give --xlsx <file> or --csv <file>");
        await withPool(async (pool) => {
          const ctx = await tenantOf(pool, { run: runId });
          if (typeof o.xlsx === "string")
            writeFileSync(userPath(o.xlsx), await exportRunXlsx(pool, ctx, runId));
          if (typeof o.csv === "string") writeFileSync(userPath(o.csv), await exportRunCsv(pool, ctx, runId));
        });
      }),
    );
  group
    .command("ev-import")
    .description(
      "imports EV-charger quarter hours from CSV (meter_id,interval_start,energy_wh); all or nothing",
    )
    .option("--community <id>", "the community")
    .option("--csv <file>", "the CSV file")
    .option("--import-id <id>", "names the import (default: the file name)")
    .action(
      run(async (o) => {
        const communityId = need(o, "community", "--community <id>");
        const file = need(o, "csv", "--csv <file>");
        const csv = readFileSync(userPath(file), "utf8");
        await withPool(async (pool) => {
          const ctx = await tenantOf(pool, { community: communityId });
          console.log(
            json(
              await importEvCsv(pool, ctx, {
                communityId,
                csv,
                importId: (o.importId as string) ?? basename(file),
              }),
            ),
          );
        });
      }),
    );
  group
    .command("pdf")
    .description("writes a community invoice as PDF")
    .option("--invoice <id>", "the invoice id")
    .option("--out <file>", "the PDF to write")
    .action(
      run(async (o) => {
        const invoiceId = need(o, "invoice", "--invoice <id>");
        const out = need(o, "out", "--out <file>");
        await withPool(async (pool) => {
          const ctx = await tenantOf(pool, { invoice: invoiceId });
          writeFileSync(userPath(out), await communityInvoicePdf(pool, ctx, invoiceId));
        });
      }),
    );
}
