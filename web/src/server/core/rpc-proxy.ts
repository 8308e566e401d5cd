import { type Address, isAddress, isAddressEqual } from "viem";

/** Read-only JSON-RPC methods the browser may call through `/api/rpc`. */
export const READ_METHODS: ReadonlySet<string> = new Set([
  "eth_chainId",
  "net_version",
  "web3_clientVersion",
  "eth_blockNumber",
  "eth_call",
  "eth_estimateGas",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_feeHistory",
  "eth_getBalance",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getTransactionCount",
  "eth_getBlockByNumber",
  "eth_getBlockByHash",
  "eth_getTransactionByHash",
  "eth_getTransactionReceipt",
]);

/**
 * Signing methods, allowed only for the development wallet (DEV_WALLET=1 on chain 31337) and only for
 * the demo accounts: the Hardhat node signs for its unlocked accounts. The value is the position of
 * the signer's address in `params`. `eth_sign`/`personal_sign` carry the EIP-191 prefix (a signed
 * message can never be a transaction); typed data (permits, attestations) only for `devTypedDataSigners`.
 */
export const DEV_SIGN_METHODS: ReadonlyMap<string, number> = new Map([
  ["eth_sign", 0],
  ["personal_sign", 1],
  ["eth_signTypedData_v4", 0],
]);

/**
 * Transactions the development wallet may send (`eth_sendTransaction`, signed by the Hardhat node):
 * only from `signers` to one of `to` (contract calls, no ether, no deployment). The app allows the demo
 * prosumers to call the token (approve), the perks (redeem) and the certificates (claim), and the demo
 * partner the perks (create, end, consume a coupon).
 */
export type DevTransactionRule = { signers: readonly Address[]; to: readonly Address[] };

export const MAX_BATCH = 20;
export const MAX_BODY_BYTES = 64 * 1024;

export type RpcProxyConfig = {
  rpcUrl: string;
  /** Addresses the node may sign messages for; empty unless the development wallet is enabled. */
  devSigners: readonly Address[];
  /** Addresses the node may sign EIP-712 typed data for (default: `devSigners`). */
  devTypedDataSigners?: readonly Address[];
  /** Who may send transactions to which contracts (empty: none). */
  devTransactions?: readonly DevTransactionRule[];
  timeoutMs?: number;
};

type RpcId = string | number | null;
type RpcRequest = { jsonrpc: "2.0"; id: RpcId; method: string; params?: unknown };
type RpcResponse = { jsonrpc: "2.0"; id: RpcId; result?: unknown; error?: { code: number; message: string } };

const rpcError = (id: RpcId, code: number, message: string): RpcResponse => ({
  jsonrpc: "2.0",
  id,
  error: { code, message },
});

function isRequest(value: unknown): value is RpcRequest {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const idOk = v.id === null || typeof v.id === "string" || typeof v.id === "number";
  return v.jsonrpc === "2.0" && idOk && typeof v.method === "string";
}

/** Why a request may not pass, or null when it may. */
export function refusalOf(request: RpcRequest, config: RpcProxyConfig): string | null {
  if (READ_METHODS.has(request.method)) return null;
  if (request.method === "eth_sendTransaction") return transactionRefusal(request, config);
  const signerAt = DEV_SIGN_METHODS.get(request.method);
  if (signerAt === undefined) return `method ${request.method} is not available through this endpoint`;
  if (config.devSigners.length === 0) return "signing is only available with the development wallet";
  const signer = Array.isArray(request.params) ? request.params[signerAt] : undefined;
  if (typeof signer !== "string" || !isAddress(signer, { strict: false })) return "missing signer address";
  const allowed =
    request.method === "eth_signTypedData_v4"
      ? (config.devTypedDataSigners ?? config.devSigners)
      : config.devSigners;
  if (!allowed.some((a) => isAddressEqual(a, signer))) return "not a development account";
  return null;
}

function transactionRefusal(request: RpcRequest, config: RpcProxyConfig): string | null {
  if (config.devSigners.length === 0) return "transactions are only available with the development wallet";
  const tx: unknown = Array.isArray(request.params) ? request.params[0] : undefined;
  if (typeof tx !== "object" || tx === null) return "missing transaction";
  const { from, to, value } = tx as Record<string, unknown>;
  if (typeof from !== "string" || !isAddress(from, { strict: false })) return "missing sender address";
  if (typeof to !== "string" || !isAddress(to, { strict: false })) return "only contract calls are allowed";
  if (value !== undefined && value !== null && !(typeof value === "string" && /^0x0*$/.test(value)))
    return "transactions may not carry ether";
  const allowed = (config.devTransactions ?? []).some(
    (rule) => rule.signers.some((s) => isAddressEqual(s, from)) && rule.to.some((a) => isAddressEqual(a, to)),
  );
  return allowed ? null : "not a development account, or not an allowed contract";
}

async function forward(request: RpcRequest, config: RpcProxyConfig): Promise<RpcResponse> {
  try {
    const res = await fetch(config.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: request.id,
        method: request.method,
        params: request.params ?? [],
      }),
      signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
    });
    const body = (await res.json()) as Partial<RpcResponse>;
    if (body.error) return { jsonrpc: "2.0", id: request.id, error: body.error };
    return { jsonrpc: "2.0", id: request.id, result: body.result ?? null };
  } catch {
    // Never echo the upstream URL (it may carry an API key).
    return rpcError(request.id, -32603, "chain RPC unavailable");
  }
}

/**
 * Handles a parsed JSON-RPC body (one request or a batch): refused methods get a JSON-RPC error
 * (-32601), allowed ones are forwarded to RPC_URL. Returns the response body.
 */
export async function proxyRpc(body: unknown, config: RpcProxyConfig): Promise<RpcResponse | RpcResponse[]> {
  const handle = async (item: unknown): Promise<RpcResponse> => {
    if (!isRequest(item)) return rpcError(null, -32600, "invalid request");
    const refusal = refusalOf(item, config);
    if (refusal) return rpcError(item.id, -32601, refusal);
    return forward(item, config);
  };
  if (Array.isArray(body)) {
    if (body.length === 0 || body.length > MAX_BATCH)
      return rpcError(null, -32600, `batch of 1 to ${MAX_BATCH}`);
    return Promise.all(body.map(handle));
  }
  return handle(body);
}
