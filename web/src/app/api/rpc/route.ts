import type { Address } from "viem";
import { DEV_ACCOUNTS, DEV_PROSUMER_ACCOUNTS, DEV_STAFF_ACCOUNTS } from "@/lib/dev-accounts.ts";
import { getServerContext } from "@/server/core/context.ts";
import { MAX_BODY_BYTES, proxyRpc } from "@/server/core/rpc-proxy.ts";

export const dynamic = "force-dynamic";

/**
 * JSON-RPC proxy for the browser: read methods go to RPC_URL; signing methods only for the
 * development wallet's accounts (DEV_WALLET=1 on chain 31337), which the Hardhat node holds unlocked.
 * Typed data only for the demo prosumers; the minter (account 1) is never offered. Transactions only
 * from the demo prosumers to the token, perks and certificates, from the demo partner to the perks, and
 * from the demo retailer admin to the perks (granting PARTNER_ROLE from the roles page).
 */
export async function POST(request: Request): Promise<Response> {
  const { config } = getServerContext();
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) {
    return Response.json(
      { jsonrpc: "2.0", id: null, error: { code: -32600, message: "request too large" } },
      { status: 413 },
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return Response.json(
      { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } },
      { status: 400 },
    );
  }
  const response = await proxyRpc(body, {
    rpcUrl: config.rpcUrl,
    devSigners: config.devWallet ? DEV_ACCOUNTS.map((a) => a.address) : [],
    devTypedDataSigners: config.devWallet ? DEV_PROSUMER_ACCOUNTS.map((a) => a.address) : [],
    devTransactions: config.devWallet ? devTransactions(config) : [],
  });
  return Response.json(response, { headers: { "cache-control": "no-store" } });
}

function devTransactions(config: {
  tokenAddress: Address;
  perksAddress: Address | null;
  greenCertificatesAddress: Address | null;
}) {
  const present = (list: (Address | null)[]) => list.filter((a): a is Address => a !== null);
  return [
    {
      signers: DEV_PROSUMER_ACCOUNTS.map((a) => a.address),
      to: present([config.tokenAddress, config.perksAddress, config.greenCertificatesAddress]),
    },
    {
      signers: DEV_STAFF_ACCOUNTS.filter((a) => a.kind === "partner" || a.kind === "retailer_admin").map(
        (a) => a.address,
      ),
      to: present([config.perksAddress]),
    },
  ];
}
