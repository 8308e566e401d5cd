import { rewardMinterAbi } from "@c4e/contracts";
import { periodMintCap } from "@c4e/domain";
import type pg from "pg";
import { type Account, type Address, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { chainFor } from "./deployment.ts";
import { ConfigError } from "./env.ts";
import type { Log } from "./log.ts";

/** The least cap a deployment gets: 1 C4E, so a stack without meters yet can deploy (zero refuses every batch). */
export const MIN_PERIOD_MINT_CAP = 10n ** 18n;

/**
 * The per-period mint cap the fleet's capacity allows: `periodMintCap` (domain) over the summed rated
 * power of every grid meter (the meters whose export is rewarded), at least MIN_PERIOD_MINT_CAP.
 * @example await capacityMintCap(pool, 1440, DEFAULT_REWARD_MAX_GAP_MINUTES)
 */
export async function capacityMintCap(
  pool: pg.Pool,
  periodMinutes: number,
  maxGapMinutes: number,
): Promise<bigint> {
  const { rows } = await pool.query<{ rated_power_w: string }>(
    "SELECT COALESCE(SUM(rated_power_w), 0)::text AS rated_power_w FROM meter WHERE kind = 'grid'",
  );
  const ratedPowerW = BigInt(rows[0]?.rated_power_w ?? "0");
  const cap = periodMintCap({ ratedPowerW, periodMinutes, maxGapMinutes });
  return cap > MIN_PERIOD_MINT_CAP ? cap : MIN_PERIOD_MINT_CAP;
}

export type SyncMintCapResult = {
  /** True if a `setPeriodMintCap` transaction was sent (the chain had other values). */
  changed: boolean;
  periodSeconds: number;
  cap: bigint;
  txHash?: Hex;
};

/**
 * Makes `RewardMinter.periodSeconds()` and `periodMintCap()` equal `periodSeconds` and `cap`: sends
 * `setPeriodMintCap` (as `admin`, which must hold CAP_MANAGER_ROLE: the deployer, dev account 0 on the
 * local chain) only when the chain has other values. Throws if the transaction reverts.
 */
export async function syncMintCap(params: {
  rpcUrl: string;
  chainId: number;
  rewardMinter: Address;
  admin: Account;
  cap: bigint;
  periodSeconds: number;
  log: Log;
}): Promise<SyncMintCapResult> {
  const { rpcUrl, chainId, rewardMinter, admin, cap, periodSeconds, log } = params;
  if (!Number.isSafeInteger(periodSeconds) || periodSeconds <= 0) {
    throw new RangeError(`periodSeconds must be a positive integer, got ${periodSeconds}`);
  }
  const chain = chainFor(chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const contract = { address: rewardMinter, abi: rewardMinterAbi } as const;
  const [currentSeconds, currentCap] = await Promise.all([
    publicClient.readContract({ ...contract, functionName: "periodSeconds" }),
    publicClient.readContract({ ...contract, functionName: "periodMintCap" }),
  ]);
  if (currentSeconds === BigInt(periodSeconds) && currentCap === cap) {
    return { changed: false, periodSeconds, cap };
  }
  const walletClient = createWalletClient({ account: admin, chain, transport: http(rpcUrl) });
  const txHash = await walletClient.writeContract({
    ...contract,
    functionName: "setPeriodMintCap",
    args: [BigInt(periodSeconds), cap],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
  if (receipt.status !== "success") throw new Error(`setPeriodMintCap transaction ${txHash} reverted`);
  log("reward mint cap set", {
    periodSeconds,
    cap: cap.toString(),
    previousPeriodSeconds: currentSeconds.toString(),
    previousCap: currentCap.toString(),
  });
  return { changed: true, periodSeconds, cap, txHash };
}

/**
 * On a chain where the stack holds no cap-manager key (any chain but its own local one): the
 * RewardMinter's period must be the settlement period, or every mint would revert with
 * `PeriodNotAligned`/overrun the cap, so a mismatch stops the start with a ConfigError naming
 * SETTLEMENT_PERIOD_MINUTES; a cap below the registered capacity's is logged (batches over it wait).
 */
export async function checkMintCap(params: {
  rpcUrl: string;
  chainId: number;
  rewardMinter: Address;
  capacityCap: bigint;
  periodSeconds: number;
  log: Log;
}): Promise<void> {
  const { rpcUrl, chainId, rewardMinter, capacityCap, periodSeconds, log } = params;
  const publicClient = createPublicClient({ chain: chainFor(chainId, rpcUrl), transport: http(rpcUrl) });
  const contract = { address: rewardMinter, abi: rewardMinterAbi } as const;
  const [chainSeconds, chainCap] = await Promise.all([
    publicClient.readContract({ ...contract, functionName: "periodSeconds" }),
    publicClient.readContract({ ...contract, functionName: "periodMintCap" }),
  ]);
  if (chainSeconds !== BigInt(periodSeconds)) {
    throw new ConfigError([
      {
        variable: "SETTLEMENT_PERIOD_MINUTES",
        message: `gives periods of ${periodSeconds} s, but RewardMinter ${rewardMinter} mints periods of ${chainSeconds} s: set the same period on chain (setPeriodMintCap with the cap manager's key, docs/security.md) or change the variable`,
      },
    ]);
  }
  if (chainCap < capacityCap) {
    log(
      "reward mint cap on chain is below the registered capacity's: batches over it wait until it is raised",
      {
        chainCap: chainCap.toString(),
        capacityCap: capacityCap.toString(),
      },
    );
  }
}
