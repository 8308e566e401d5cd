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
const result = await indexer.syncOnce();
const syncSeconds = (performance.now() - start) / 1000;
await indexer.stop();
if (result.toBlock !== BigInt(p.head)) throw new Error(`indexed to ${result.toBlock}, head ${p.head}`);
console.log(
  JSON.stringify({
    syncSeconds,
    ranges,
    rssBeforeMb,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
