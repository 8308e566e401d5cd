// One C4E indexer run for bench/indexer-throughput.ts (its child process): indexes from the deployment
// to the given head with a fresh createIndexer, then prints { syncSeconds, ranges, rssBeforeMb, maxRssMb }.
// Imports only the indexer, as a deployment of it would. Usage: node indexer-run.mjs '<json params>'
import { createIndexer } from "@c4e/indexer";

export type IndexerRunParams = {
  databaseUrl: string;
  rpcUrl: string;
  token: `0x${string}`;
  rewardMinter: `0x${string}`;
  blockNumber: string;
  head: string;
  maxBlockRange: number;
  readAhead?: number;
};

const p = JSON.parse(process.argv[2] as string) as IndexerRunParams;
let ranges = 0;
const rssBeforeMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
const start = performance.now();
const indexer = createIndexer({
  databaseUrl: p.databaseUrl,
  rpcUrl: p.rpcUrl,
  chainId: 31337,
  deployment: { token: p.token, rewardMinter: p.rewardMinter, blockNumber: BigInt(p.blockNumber) },
  pollIntervalMs: 1000,
  maxBlockRange: p.maxBlockRange,
  ...(p.readAhead ? { readAhead: p.readAhead } : {}),
  log: (msg, fields) => {
    if (msg === "indexer: range indexed") ranges++;
    if (process.env.BENCH_VERBOSE) console.error(msg, JSON.stringify(fields));
  },
});
const cpuBefore = process.cpuUsage();
const result = await indexer.syncOnce();
const syncSeconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuBefore);
// CPU of the indexer's Postgres backends (same machine: /proc), for the profile of where time goes
const postgresCpuSeconds = await backendCpuSeconds(p.databaseUrl);
await indexer.stop();
if (result.toBlock !== BigInt(p.head)) throw new Error(`indexed to ${result.toBlock}, head ${p.head}`);
console.log(
  JSON.stringify({
    syncSeconds,
    ranges,
    rssBeforeMb,
    nodeCpuSeconds: (cpu.user + cpu.system) / 1e6,
    postgresCpuSeconds,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);

async function backendCpuSeconds(databaseUrl: string): Promise<number | null> {
  const { readFile } = await import("node:fs/promises");
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'c4e-indexer' AND datname = current_database()`,
    );
    let ticks = 0;
    for (const { pid } of rows) {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    }
    return ticks / 100;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}
