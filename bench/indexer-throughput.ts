// Indexer throughput: a fresh database, C4E's indexer from the deployment to the head of a local chain
// holding an ERC-20 workload (100,000 C4EToken transfers as mintBatch transactions of 500, one per
// block, then 64 empty blocks). Each run is a child process timed from spawn until the mirror is
// complete (and checked); peak RSS is sampled from /proc over the child's process tree. With
// `--ponder DIR` (Ponder 0.16.10 installed in DIR, outside the repository: bench/ponder/README.md) the
// same chain is indexed by Ponder too, side by side. Prints JSON.
// Usage: npx tsx bench/indexer-throughput.ts [--transfers 100000] [--batch 500] [--padding 64] [--runs 3]
//          [--anvil PATH] [--port 18553] [--pg postgresql://postgres@127.0.0.1:5432] [--ponder DIR]
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDatabase, createPool, dropDatabase } from "@c4e/prisma";
import type { IndexerRunParams } from "./indexer-run.ts";
import {
  chainClients,
  deployBench,
  freshDatabase,
  generateTransfers,
  sampleTreeRss,
  startBenchChain,
} from "./indexer-workload.ts";

const { values } = parseArgs({
  options: {
    transfers: { type: "string", default: "100000" },
    batch: { type: "string", default: "500" },
    padding: { type: "string", default: "64" },
    runs: { type: "string", default: "3" },
    anvil: { type: "string" },
    port: { type: "string", default: "18553" },
    pg: { type: "string", default: process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432" },
    ponder: { type: "string" },
    only: { type: "string" }, // "c4e" | "ponder"
    // settings of the C4E runs
    "max-block-range": { type: "string", default: "2000" },
    "read-ahead": { type: "string" },
    // how the C4E child runs: "bundle" (esbuild bundle, plain node; default) or "tsx"
    runner: { type: "string", default: "bundle" },
  },
});

/** The child: indexer-run.ts bundled with esbuild (plain node, as deployed), or run through tsx. */
const runner = await bundleRunner(values.runner === "tsx");

const transfers = Number(values.transfers);
const batch = Number(values.batch);
const padding = Number(values.padding);
const runs = Number(values.runs);
const serverUrl = values.pg;
const load: number[][] = [loadavg()];

const chain = await startBenchChain({ port: Number(values.port), anvil: values.anvil });
const clients = chainClients(chain.url, chain.kind);
try {
  const setupStart = performance.now();
  const deployment = await deployBench(clients);
  const head = await generateTransfers(clients, deployment, { transfers, batch, padding });
  const supply = await clients.publicClient.getLogs({
    address: deployment.token,
    fromBlock: deployment.blockNumber,
    toBlock: head,
  });
  const expected = supply.filter((l) => l.topics.length === 3).length;
  const setupSeconds = (performance.now() - setupStart) / 1000;

  const c4e: RunResult[] = [];
  const ponder: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    if (values.only !== "ponder") c4e.push(await runC4E(run));
    load.push(loadavg());
    if (values.ponder && values.only !== "c4e") ponder.push(await runPonder(values.ponder, run));
    load.push(loadavg());
  }
  console.log(
    JSON.stringify(
      {
        chain: chain.kind,
        transfers,
        batch,
        padding,
        blocks: Number(head - deployment.blockNumber + 1n),
        events: expected,
        setupSeconds: round(setupSeconds),
        c4e: summary(c4e),
        ...(ponder.length > 0 ? { ponder: summary(ponder) } : {}),
        ...(c4e.length > 0 && ponder.length > 0
          ? { speedup: round(median(ponder.map((r) => r.seconds)) / median(c4e.map((r) => r.seconds))) }
          : {}),
        loadAverage: load.map((l) => l.map((x) => round(x))),
      },
      null,
      2,
    ),
  );

  async function runC4E(run: number): Promise<RunResult> {
    const name = `c4e_idx_bench_${run}`;
    const databaseUrl = await freshDatabase(serverUrl, name);
    const params: IndexerRunParams = {
      databaseUrl,
      rpcUrl: chain.url,
      token: deployment.token,
      rewardMinter: deployment.rewardMinter,
      blockNumber: deployment.blockNumber.toString(),
      head: head.toString(),
      maxBlockRange: Number(values["max-block-range"]),
      ...(values["read-ahead"] ? { readAhead: Number(values["read-ahead"]) } : {}),
    };
    const chainCpu = await procCpuSeconds(chain.pid);
    const start = performance.now();
    const nodeArgs = process.env.BENCH_CHILD_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, ...runner, JSON.stringify(params)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const rss = sampleTreeRss(child.pid as number);
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const seconds = (performance.now() - start) / 1000;
    const chainCpuSeconds = (await procCpuSeconds(chain.pid)) - chainCpu;
    const peak = await rss.stop();
    if (code !== 0) throw new Error(`C4E run ${run} failed (${code})`);
    const inner = JSON.parse(out.trim().split("\n").pop() as string) as {
      syncSeconds: number;
      ranges: number;
      rssBeforeMb: number;
      maxRssMb: number;
      nodeCpuSeconds: number;
      postgresCpuSeconds: number | null;
    };
    const rows = await countRows(
      databaseUrl,
      `SELECT count(*)::int AS n FROM "token_transfer" WHERE "chain_id" = 31337`,
    );
    await dropDatabase(serverUrl, name);
    if (rows !== expected) throw new Error(`C4E run ${run}: ${rows} rows, expected ${expected}`);
    return {
      seconds,
      syncSeconds: inner.syncSeconds,
      ranges: inner.ranges,
      rssBeforeSyncMb: inner.rssBeforeMb,
      cpuSeconds: {
        indexer: round(inner.nodeCpuSeconds),
        postgres: inner.postgresCpuSeconds,
        chain: round(chainCpuSeconds),
      },
      peakRssMb: mb(peak),
      rows,
    };
  }

  async function runPonder(dir: string, run: number): Promise<RunResult> {
    cpSync(join(import.meta.dirname, "ponder"), dir, { recursive: true });
    const name = `c4e_idx_ponder_${run}`;
    await dropDatabase(serverUrl, name).catch(() => {});
    const databaseUrl = await createDatabase(serverUrl, name);
    const port = Number(values.port) + 1;
    const chainCpu = await procCpuSeconds(chain.pid);
    const start = performance.now();
    const child = spawn(
      join(dir, "node_modules", ".bin", "ponder"),
      ["start", "--schema", "bench", "--port", String(port)],
      {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          PONDER_RPC_URL: chain.url,
          PONDER_TOKEN: deployment.token,
          PONDER_START_BLOCK: deployment.blockNumber.toString(),
          PONDER_TELEMETRY_DISABLED: "true",
          PONDER_LOG_LEVEL: "warn",
        },
      },
    );
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.stderr.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    const rss = sampleTreeRss(child.pid as number);
    let exited = false;
    child.once("exit", () => (exited = true));
    for (;;) {
      if (exited) throw new Error(`ponder exited:\n${output}`);
      if (performance.now() - start > 600_000) throw new Error(`ponder not ready in 600 s:\n${output}`);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - start) / 1000;
    const chainCpuSeconds = (await procCpuSeconds(chain.pid)) - chainCpu;
    const peak = await rss.stop();
    child.kill("SIGTERM");
    await new Promise((r) => (exited ? r(undefined) : child.once("exit", r)));
    const rows = await countRows(databaseUrl, `SELECT count(*)::int AS n FROM "bench"."token_transfer"`);
    await dropDatabase(serverUrl, name);
    if (rows !== expected) throw new Error(`Ponder run ${run}: ${rows} rows, expected ${expected}`);
    return { seconds, cpuSeconds: { chain: round(chainCpuSeconds) }, peakRssMb: mb(peak), rows };
  }
} finally {
  await chain.stop();
}

type RunResult = {
  seconds: number;
  syncSeconds?: number;
  ranges?: number;
  rssBeforeSyncMb?: number;
  cpuSeconds?: Record<string, number | null>;
  peakRssMb: number;
  rows: number;
};

async function countRows(databaseUrl: string, sql: string): Promise<number> {
  const pool = createPool({ url: databaseUrl, max: 1 });
  try {
    const { rows } = await pool.query<{ n: number }>(sql);
    return rows[0]?.n ?? -1;
  } finally {
    await pool.end();
  }
}

function summary(results: RunResult[]) {
  const seconds = results.map((r) => r.seconds);
  return {
    runs: results.map((r) => ({
      seconds: round(r.seconds),
      ...(r.syncSeconds !== undefined ? { syncSeconds: round(r.syncSeconds) } : {}),
      ...(r.ranges !== undefined ? { ranges: r.ranges } : {}),
      ...(r.rssBeforeSyncMb !== undefined ? { rssBeforeSyncMb: r.rssBeforeSyncMb } : {}),
      ...(r.cpuSeconds !== undefined ? { cpuSeconds: r.cpuSeconds } : {}),
      eventsPerSecond: Math.round(r.rows / r.seconds),
      peakRssMb: r.peakRssMb,
    })),
    medianSeconds: round(median(seconds)),
    medianEventsPerSecond: Math.round((results[0]?.rows ?? 0) / median(seconds)),
    maxPeakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

/** Node arguments that run indexer-run.ts: its esbuild bundle (outside the timing), or via tsx. */
async function bundleRunner(tsx: boolean): Promise<string[]> {
  const entry = join(import.meta.dirname, "indexer-run.ts");
  if (tsx) return ["--import", "tsx", entry];
  const { build } = await import("esbuild");
  const outfile = join(mkdtempSync(join(tmpdir(), "c4e-idx-bench-")), "indexer-run.mjs");
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    external: ["pg-native"],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  return [outfile];
}

/** utime + stime of a process, in seconds (Linux /proc; 0 when unreadable). */
async function procCpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
