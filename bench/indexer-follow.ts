// An indexer process for the fault scripts (bench/faults/4-*, 5-*): createIndexer(...).start() with the
// settings given as JSON, following the head until SIGTERM (or until it is killed).
// Usage: node --import tsx bench/indexer-follow.ts '<json>'
import { createIndexer } from "@c4e/indexer";

export type FollowParams = {
  databaseUrl: string;
  rpcUrl: string;
  token: `0x${string}`;
  rewardMinter: `0x${string}`;
  blockNumber: string;
  pollIntervalMs: number;
  maxBlockRange: number;
  initialBlockRange?: number;
  reorgWindow?: number;
  confirmations?: number;
  readAhead?: number;
};

const p = JSON.parse(process.argv[2] as string) as FollowParams;
const indexer = createIndexer({
  databaseUrl: p.databaseUrl,
  rpcUrl: p.rpcUrl,
  chainId: 31337,
  deployment: { token: p.token, rewardMinter: p.rewardMinter, blockNumber: BigInt(p.blockNumber) },
  pollIntervalMs: p.pollIntervalMs,
  maxBlockRange: p.maxBlockRange,
  ...(p.initialBlockRange ? { initialBlockRange: p.initialBlockRange } : {}),
  ...(p.reorgWindow ? { reorgWindow: p.reorgWindow } : {}),
  ...(p.confirmations ? { confirmations: p.confirmations } : {}),
  ...(p.readAhead ? { readAhead: p.readAhead } : {}),
  log: (msg, fields) => {
    console.log(JSON.stringify({ msg, ...fields }));
  },
});
process.once("SIGTERM", () => {
  void indexer.stop().then(() => process.exit(0));
});
await indexer.start();
console.log(JSON.stringify({ msg: "indexer: following" }));
