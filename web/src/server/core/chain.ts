import { createPublicClient, defineChain, http, type PublicClient } from "viem";
import type { ServerConfig } from "@/env.ts";

/** A public client on the configured chain (server side only; the browser goes through /api/rpc). */
export function createChainClient(
  config: Pick<ServerConfig, "rpcUrl" | "chainId">,
  timeoutMs = 5000,
): PublicClient {
  const chain = defineChain({
    id: config.chainId,
    name: `chain ${config.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
  return createPublicClient({ chain, transport: http(config.rpcUrl, { timeout: timeoutMs, retryCount: 0 }) });
}
