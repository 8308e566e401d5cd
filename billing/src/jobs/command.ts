// `c4e job …`: queue long work for the worker process and follow it (docs/jobs.md).
//   c4e job <kind> [--period YYYY-MM] [--from/--to YYYY-MM] [--date YYYY-MM-DD] [--pod id …] [--issue]
//       [--issue-date D] [--csv file] [--zone Z --currency C --resolution 15|60] [--dry-run] [--wait]
//   c4e job status <id>          one job as JSON
//   c4e job list [--limit N]     the newest jobs
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type pg from "pg";
import { isJobKind, JOB_KINDS, type JobKind } from "./kinds.ts";
import { createJobQueue, jobStatus, type JobView, listJobs } from "./queue.ts";

/** Parsed command-line options as commander hands them to an action. */
export type Options = Record<string, string | boolean | string[] | undefined>;
/** A repeatable option (`--pod a --pod b`) collected into a list. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The arguments and options of `c4e job` (commander). */
export function defineJobCommand(c: Command): Command {
  return c
    .argument("<what>", `a kind (${JOB_KINDS.join(", ")}), status or list`)
    .argument("[id]", "the job (status)")
    .option("--period <YYYY-MM>", "bill-run, advance-run: the month")
    .option("--from <YYYY-MM>", "corrections: first month")
    .option("--to <YYYY-MM>", "corrections: last month")
    .option("--date <YYYY-MM-DD>", "settlement: the reading date")
    .option("--pod <id>", "settlement: a POD (repeat; default every SLP POD with a reading)", collect)
    .option("--issue", "issue the drafts")
    .option("--issue-date <YYYY-MM-DD>", "the invoices' issue date")
    .option("--max-missing <n>", "bill-run: missing intervals an AMR POD may have")
    .option("--csv <file>", "pod-import, market-price-import: the CSV file")
    .option("--zone <zone>", "market-price-import: the bidding zone")
    .option("--currency <code>", "market-price-import: ISO 4217")
    .option("--resolution <minutes>", "market-price-import: 15 or 60")
    .option("--dry-run", "pod-import: check only")
    .option("--limit <n>", "list: how many", "20")
    .option("--wait", "wait until the job is done; exit 1 if it failed");
}

const num = (v: unknown) => (typeof v === "string" ? Number(v) : undefined);

/** The payload of a kind from command-line options (validated by the queue). */
function payloadOf(kind: JobKind, o: Options, read: (path: string) => string): unknown {
  const issue = { issue: o.issue === true, issueDate: o.issueDate };
  switch (kind) {
    case "bill-run":
      return { period: o.period, maxMissingIntervals: num(o.maxMissing), ...issue };
    case "advance-run":
      return { period: o.period, ...issue };
    case "settlement":
      return { date: o.date, podIds: o.pod, ...issue };
    case "corrections":
      return { from: o.from, to: o.to, ...issue };
    case "pod-import":
      return { csv: read(String(o.csv ?? "")), dryRun: o.dryRun === true };
    case "market-price-import":
      return {
        csv: read(String(o.csv ?? "")),
        zone: o.zone,
        currency: o.currency,
        resolutionMinutes: num(o.resolution),
      };
    case "switch-activation":
      return {};
  }
}

/** Runs `c4e job …` on `pool`; resolves to the exit code (with --wait: 0 completed, 1 failed). */
export async function runJobCommand(
  pool: pg.Pool,
  [what, id]: string[],
  o: Options,
  { userPath = (p: string) => p } = {},
): Promise<number> {
  const show = (j: unknown) => console.log(JSON.stringify(j, null, 2));
  if (what === "status") {
    const job = id ? await jobStatus(pool, id) : null;
    if (!job) throw new Error(`no job ${id ?? ""}`);
    show(job);
    return 0;
  }
  if (what === "list") {
    show(await listJobs(pool, { limit: Number(o.limit ?? 20) }));
    return 0;
  }
  if (!what || !isJobKind(what)) throw new Error(`give status, list or a kind (${JOB_KINDS.join(", ")})`);
  const queue = await createJobQueue(pool);
  let queued: { id: string; existing: boolean };
  try {
    queued = await queue.enqueue(what, payloadOf(what, o, (p) => readFileSync(userPath(p), "utf8")) as never);
  } finally {
    await queue.stop();
  }
  console.log(JSON.stringify(queued));
  if (o.wait !== true) return 0;
  for (;;) {
    const job = (await jobStatus(pool, queued.id)) as JobView;
    if (job.state === "completed" || job.state === "failed" || job.state === "cancelled") {
      show(job);
      return job.state === "completed" ? 0 : 1;
    }
    if (job.progress)
      console.error(`${job.kind} ${job.state}: ${job.progress.done}/${job.progress.total ?? "?"}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
