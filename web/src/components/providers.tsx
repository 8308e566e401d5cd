"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { WagmiProvider } from "wagmi";
import type { PublicChainConfig } from "@/lib/api-types.ts";
import { ChainConfigContext } from "./chain-config-context.ts";
import { createWagmiConfig } from "./wagmi-config.ts";

/** Client-side providers: react-query, wagmi (app chain + connectors) and the public chain config. */
export function Providers({ chain, children }: { chain: PublicChainConfig; children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } }),
  );
  const [wagmiConfig] = useState(() =>
    createWagmiConfig(chain, typeof window === "undefined" ? "http://localhost" : window.location.origin),
  );
  return (
    <WagmiProvider config={wagmiConfig} reconnectOnMount={false}>
      <QueryClientProvider client={queryClient}>
        <ChainConfigContext value={chain}>{children}</ChainConfigContext>
      </QueryClientProvider>
    </WagmiProvider>
  );
}
