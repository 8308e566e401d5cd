// Ponder 0.16.10 side of bench/indexer-throughput.ts (see bench/README.md): the C4EToken's Transfer
// events into Postgres. Everything comes from the environment the benchmark sets.
import { createConfig } from "ponder";
import { erc20Abi } from "./abis/erc20";

export default createConfig({
  database: { kind: "postgres", connectionString: process.env.DATABASE_URL },
  chains: {
    local: {
      id: Number(process.env.PONDER_CHAIN_ID ?? 31337),
      rpc: process.env.PONDER_RPC_URL as string,
      disableCache: true,
    },
  },
  contracts: {
    C4EToken: {
      chain: "local",
      abi: erc20Abi,
      address: process.env.PONDER_TOKEN as `0x${string}`,
      startBlock: Number(process.env.PONDER_START_BLOCK ?? 0),
    },
  },
});
