import { type Deployment, deployC4E } from "@c4e/contracts";
import { resetChainMirror } from "@c4e/indexer";
import type pg from "pg";
import {
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
} from "viem";
import { ConfigError } from "./env.ts";
import type { Log } from "./log.ts";

type DeploymentRow = { token: string; reward_minter: string; block_number: string; block_hash: string };

export function chainFor(chainId: number, rpcUrl: string) {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? "Hardhat (local)" : `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/**
 * The C4E contracts on this chain: the recorded deployment when its code is still there, otherwise a
 * new deployment. A recorded deployment without code means the local dev chain started empty: then
 * the chain's mirror is reset and every reward batch is set back to pending, so ingest re-mints the
 * same batches (same ids, same amounts) and balances come back.
 */
export async function ensureDeployment(params: {
  pool: pg.Pool;
  rpcUrl: string;
  chainId: number;
  deployer?: Account;
  minter: Address;
  log: Log;
}): Promise<Pick<Deployment, "token" | "rewardMinter" | "blockNumber" | "blockHash">> {
  const { pool, rpcUrl, chainId, deployer, minter, log } = params;
  const chain = chainFor(chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const { rows } = await pool.query<DeploymentRow>(
    "SELECT token, reward_minter, block_number, block_hash FROM chain_deployment WHERE chain_id = $1",
    [chainId],
  );
  const recorded = rows[0];
  if (recorded) {
    const [tokenCode, minterCode] = await Promise.all([
      publicClient.getCode({ address: getAddress(recorded.token) }),
      publicClient.getCode({ address: getAddress(recorded.reward_minter) }),
    ]);
    if (tokenCode && tokenCode !== "0x" && minterCode && minterCode !== "0x") {
      return {
        token: getAddress(recorded.token),
        rewardMinter: getAddress(recorded.reward_minter),
        blockNumber: BigInt(recorded.block_number),
        blockHash: recorded.block_hash as `0x${string}`,
      };
    }
  }
  if (!deployer) {
    throw new ConfigError([
      {
        variable: "DEPLOYER_PRIVATE_KEY",
        message: `no C4E contracts recorded on chain ${chainId}: set it to deploy them`,
      },
    ]);
  }
  if (recorded) {
    log(
      `chain ${chainId} has no code at the recorded contracts (a new local chain): redeploying and re-minting rewards`,
    );
    await resetChainMirror(pool, chainId);
    await pool.query(
      "UPDATE reward_batch SET status = 'pending', tx_hash = NULL, minted_at = NULL WHERE chain_id = $1 OR chain_id IS NULL",
      [chainId],
    );
  }
  const walletClient = createWalletClient({ account: deployer, chain, transport: http(rpcUrl) });
  const d = await deployC4E({ publicClient, walletClient, minter });
  await pool.query(
    `INSERT INTO chain_deployment (chain_id, token, reward_minter, block_number, block_hash)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (chain_id) DO UPDATE SET token = EXCLUDED.token, reward_minter = EXCLUDED.reward_minter,
       block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash, deployed_at = now()`,
    [chainId, d.token.toLowerCase(), d.rewardMinter.toLowerCase(), d.blockNumber.toString(), d.blockHash],
  );
  log("contracts deployed", { token: d.token, rewardMinter: d.rewardMinter, block: d.blockNumber });
  return d;
}
