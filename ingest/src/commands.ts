// The ingest commands of `c4e` (stack/src/cli.ts): monthly partitions of readings and intervals
// (docs/ingest.md, "Partitions and retention"). `c4e partitions list | ensure [--ahead N] | detach --month YYYY-MM`.
import { createPool } from "@c4e/prisma";
import { type Command, InvalidArgumentError } from "commander";
import { detachMonth, ensureMonthPartitions, listPartitions, partitionName } from "./partitions.ts";

const ENVIRONMENT = "environment: DATABASE_URL (required)";

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new InvalidArgumentError("DATABASE_URL is not set");
  return url;
}

async function withPool<T>(work: (pool: ReturnType<typeof createPool>) => Promise<T>): Promise<T> {
  const pool = createPool({ url: databaseUrl(), max: 2, applicationName: "c4e-partitions" });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

function months(value: string): number {
  const n = Number(value);
  if (!/^\d{1,2}$/.test(value) || n > 24)
    throw new InvalidArgumentError("a whole number of months from 0 to 24");
  return n;
}

function month(value: string): string {
  try {
    partitionName("reading", value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}

/** Adds `partitions list|ensure|detach` to `program`; each action hands its exit code to `exit`. */
export function registerIngestCommands(program: Command, exit: (code: number) => void): void {
  const partitions = program
    .command("partitions")
    .description(
      "monthly partitions of reading and reading_interval: list, create ahead, detach for archive",
    );
  partitions
    .command("list")
    .description("partitions and their row estimates")
    .addHelpText("after", `\n${ENVIRONMENT}`)
    .action(async () => {
      await withPool(async (pool) => console.log(JSON.stringify(await listPartitions(pool), null, 2)));
      exit(0);
    });
  partitions
    .command("ensure")
    .description("create this month's partitions and the next months' now (ingest does it hourly)")
    .option("--ahead <months>", "months ahead", months, 2)
    .addHelpText("after", `\n${ENVIRONMENT}`)
    .action(async (opts: { ahead: number }) => {
      await withPool(async (pool) =>
        console.log(JSON.stringify({ created: await ensureMonthPartitions(pool, new Date(), opts.ahead) })),
      );
      exit(0);
    });
  partitions
    .command("detach")
    .description("detach one month of reading + reading_interval (kept as plain tables to archive or drop)")
    .requiredOption("--month <YYYY-MM>", "the month", month)
    .addHelpText("after", `\n${ENVIRONMENT}`)
    .action(async (opts: { month: string }) => {
      await withPool(async (pool) =>
        console.log(JSON.stringify({ detached: await detachMonth(pool, opts.month) })),
      );
      exit(0);
    });
}
