import { defineChain } from "viem";
import { type Config, createConfig, createConnector, http, injected, mock } from "wagmi";
import type { PublicChainConfig } from "@/lib/api-types.ts";

/**
 * The development wallet: one wagmi `mock` connector per demo prosumer account. The mock connector
 * answers account requests itself and forwards `personal_sign` (as `eth_sign`) to the chain's RPC,
 * here `/api/rpc`, where the Hardhat node signs for its unlocked accounts.
 */
function devAccountConnector(account: { index: number; address: `0x${string}` }) {
  const base = mock({ accounts: [account.address], features: { defaultConnected: false, reconnect: false } });
  return createConnector((config) => ({
    ...base(config),
    id: `dev-${account.index}`,
    name: `Demo prosumer ${account.index}`,
  }));
}

/** wagmi config for the app's chain; `origin` resolves the RPC proxy path to an absolute URL. */
export function createWagmiConfig(chainConfig: PublicChainConfig, origin: string): Config {
  const rpcUrl = new URL(chainConfig.rpcPath, origin).toString();
  const chain = defineChain({
    id: chainConfig.chainId,
    name: chainConfig.chainId === 31337 ? "Local chain" : `Chain ${chainConfig.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  return createConfig({
    chains: [chain],
    connectors: [
      injected({ shimDisconnect: true }),
      ...(chainConfig.devWallet ? chainConfig.devAccounts.map(devAccountConnector) : []),
    ],
    transports: { [chain.id]: http(rpcUrl) },
    multiInjectedProviderDiscovery: false,
    ssr: true,
  });
}
