// Monthly partitions of readings and intervals (docs/ingest.md, "Partitions and retention").
// Usage: DATABASE_URL=… npx tsx ingest/src/partitions-cli.ts list
//        DATABASE_URL=… npx tsx ingest/src/partitions-cli.ts ensure [--ahead 2]
//        DATABASE_URL=… npx tsx ingest/src/partitions-cli.ts detach --month 2026-01
import { parseArgs } from "node:util";
import { createPool } from "@c4e/prisma";
import { detachMonth, ensureMonthPartitions, listPartitions, partitionName } from "./partitions.ts";

const USAGE =
  "usage: partitions-cli.ts list | ensure [--ahead N] | detach --month YYYY-MM   (DATABASE_URL required)";

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      month: { type: "string" },
      ahead: { type: "string", default: "2" },
      help: { type: "boolean" },
    },
  });
  const command = positionals[0];
  if (values.help || command === undefined || !["list", "ensure", "detach"].includes(command)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(`DATABASE_URL is not set\n${USAGE}`);
    return 2;
  }
  const ahead = Number(values.ahead);
  if (!Number.isInteger(ahead) || ahead < 0 || ahead > 24) {
    console.error("--ahead must be a whole number of months from 0 to 24");
    return 2;
  }
  if (command === "detach") {
    try {
      partitionName("reading", values.month ?? "");
    } catch (error) {
      console.error(`--month: ${(error as Error).message}`);
      return 2;
    }
  }
  const pool = createPool({ url });
  try {
    if (command === "list") console.log(JSON.stringify(await listPartitions(pool), null, 2));
    else if (command === "ensure")
      console.log(JSON.stringify({ created: await ensureMonthPartitions(pool, new Date(), ahead) }));
    else console.log(JSON.stringify({ detached: await detachMonth(pool, values.month as string) }));
    return 0;
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`partitions: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
