import { type Deployment, deployC4E, rewardMinterAbi } from "@c4e/contracts";
import { resetChainMirror } from "@c4e/indexer";
import { requeueRewardBatches } from "@c4e/ingest/requeue-reward-batches";
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

type DeploymentRow = {
  token: string;
  reward_minter: string;
  green_certificates: string | null;
  perks: string | null;
  block_number: string;
  block_hash: string;
};

/** The C4E contracts of a chain, as the services need them. */
export type StackDeployment = Pick<
  Deployment,
  "token" | "rewardMinter" | "greenCertificates" | "perks" | "blockNumber" | "blockHash"
>;

const hasCode = (code: string | undefined) => code !== undefined && code !== "0x";

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
 * same batches (same ids, same amounts) and balances come back. A recorded deployment from before the
 * perks and certificates (no addresses for them) is replaced the same way: its RewardMinter cannot
 * issue certificates; so is one whose RewardMinter predates the per-period mint cap (no `periodSeconds`).
 * A new deployment's RewardMinter gets `periodSeconds` and `periodMintCap`; a reused one keeps its own
 * (see syncMintCap in mint-cap.ts).
 */
export async function ensureDeployment(params: {
  pool: pg.Pool;
  rpcUrl: string;
  chainId: number;
  deployer?: Account;
  minter: Address;
  /** Settlement period length in seconds, for a new RewardMinter. */
  periodSeconds: number;
  /** Most base units the batches of one period may mint together, for a new RewardMinter. */
  periodMintCap: bigint;
  log: Log;
}): Promise<StackDeployment> {
  const { pool, rpcUrl, chainId, deployer, minter, periodSeconds, periodMintCap, log } = params;
  const chain = chainFor(chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const { rows } = await pool.query<DeploymentRow>(
    `SELECT token, reward_minter, green_certificates, perks, block_number, block_hash
       FROM chain_deployment WHERE chain_id = $1`,
    [chainId],
  );
  const recorded = rows[0];
  let predatesCap = false;
  if (recorded?.green_certificates && recorded.perks) {
    const codes = await Promise.all(
      [recorded.token, recorded.reward_minter, recorded.green_certificates, recorded.perks].map((a) =>
        publicClient.getCode({ address: getAddress(a) }),
      ),
    );
    predatesCap =
      codes.every(hasCode) &&
      (await publicClient
        .readContract({
          address: getAddress(recorded.reward_minter),
          abi: rewardMinterAbi,
          functionName: "periodSeconds",
        })
        .then(
          () => false,
          () => true,
        ));
    if (codes.every(hasCode) && !predatesCap) {
      return {
        token: getAddress(recorded.token),
        rewardMinter: getAddress(recorded.reward_minter),
        greenCertificates: getAddress(recorded.green_certificates),
        perks: getAddress(recorded.perks),
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
      recorded.perks === null
        ? `chain ${chainId}: the recorded contracts predate perks and certificates: redeploying and re-minting rewards`
        : predatesCap
          ? `chain ${chainId}: the recorded RewardMinter predates the per-period mint cap: redeploying and re-minting rewards`
          : `chain ${chainId} has no code at the recorded contracts (a new local chain): redeploying and re-minting rewards`,
    );
    await resetChainMirror(pool, chainId);
    await requeueRewardBatches(pool, chainId);
  }
  const walletClient = createWalletClient({ account: deployer, chain, transport: http(rpcUrl) });
  const d = await deployC4E({ publicClient, walletClient, minter, periodSeconds, periodMintCap });
  await pool.query(
    `INSERT INTO chain_deployment (chain_id, token, reward_minter, green_certificates, perks, block_number, block_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (chain_id) DO UPDATE SET token = EXCLUDED.token, reward_minter = EXCLUDED.reward_minter,
       green_certificates = EXCLUDED.green_certificates, perks = EXCLUDED.perks,
       block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash, deployed_at = now()`,
    [
      chainId,
      d.token.toLowerCase(),
      d.rewardMinter.toLowerCase(),
      d.greenCertificates.toLowerCase(),
      d.perks.toLowerCase(),
      d.blockNumber.toString(),
      d.blockHash,
    ],
  );
  log("contracts deployed", {
    token: d.token,
    rewardMinter: d.rewardMinter,
    greenCertificates: d.greenCertificates,
    perks: d.perks,
    block: d.blockNumber,
  });
  const { token, rewardMinter, greenCertificates, perks, blockNumber, blockHash } = d;
  return { token, rewardMinter, greenCertificates, perks, blockNumber, blockHash };
}
