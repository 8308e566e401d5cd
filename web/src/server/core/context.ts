import type pg from "pg";
import type { PublicClient } from "viem";
import { getServerConfig, type ServerConfig } from "@/env.ts";
import type { PublicChainConfig } from "@/lib/api-types.ts";
import { DEV_ACCOUNTS } from "@/lib/dev-accounts.ts";
import { createChainClient } from "./chain.ts";
import { getPool } from "./db.ts";

/** Everything a route needs, created once per server process (the composition root of the web app). */
export type ServerContext = {
  config: ServerConfig;
  db: pg.Pool;
  chain: PublicClient;
};

const holder = globalThis as typeof globalThis & { __c4eWebChain?: PublicClient };

export function getServerContext(): ServerContext {
  const config = getServerConfig();
  holder.__c4eWebChain ??= createChainClient(config);
  return { config, db: getPool(), chain: holder.__c4eWebChain };
}

/** The public part of the config, handed to the client components as props. */
export function publicChainConfig(config: ServerConfig): PublicChainConfig {
  return {
    chainId: config.chainId,
    rpcPath: "/api/rpc",
    tokenAddress: config.tokenAddress,
    perksAddress: config.perksAddress,
    greenCertificatesAddress: config.greenCertificatesAddress,
    devWallet: config.devWallet,
    devAccounts: config.devWallet ? DEV_ACCOUNTS.map((a) => ({ ...a })) : [],
  };
}
