import { buildRewardTree, type RewardLeaf, rewardLeaf, rewardMinterAbi } from "@c4e/contracts";
import { type Address, getAddress, type Hex, type PublicClient } from "viem";
import { z } from "zod";
import { AppError } from "@/server/core/errors.ts";
import type { CustomerScope } from "./summary.ts";
import type { Queryable } from "@c4e/prisma";

export const batchIdParam = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte hex batch id");

/** One of the customer's rewarded meter-periods with its Merkle proof against the batch's root. */
export type ProvenLeaf = {
  gatewayId: string;
  meterId: string;
  /** Unix seconds of the period start, as a decimal string (uint64). */
  periodStart: string;
  exportWh: string;
  recipient: Address;
  leafHash: Hex;
  proof: Hex[];
  /** `RewardMinter.verifyReading` on chain: true/false, or null when the chain could not be asked. */
  verifiedOnChain: boolean | null;
};

export type RewardProof = {
  batchId: Hex;
  periodStart: string;
  periodEnd: string;
  policyVersion: string;
  /** The root stored at settlement (and minted). */
  readingsRoot: Hex;
  /** The root rebuilt here from the batch's leaves: must equal `readingsRoot`. */
  rebuiltRoot: Hex;
  rootMatches: boolean;
  rewardMinter: Address;
  chainId: number;
  leaves: ProvenLeaf[];
};

/** The chain read used for "verified on chain" (a viem public client). */
export type ProofChain = Pick<PublicClient, "readContract">;

/**
 * The proof of a customer's rewarded readings in one batch: the tree is rebuilt with
 * `buildRewardTree` over all the batch's leaves (`reward_leaf`), and only the leaves paid to the
 * customer's wallets are returned with their proofs (the siblings are hashes, nothing else of other
 * customers). A batch without a leaf of this customer is `not_found`, whether it exists or not.
 */
export async function getRewardProof(
  db: Queryable,
  scope: CustomerScope,
  batchId: string,
  chain: { chainId: number; rewardMinter: Address; client: ProofChain | null },
): Promise<RewardProof> {
  const id = batchIdParam.safeParse(batchId);
  if (!id.success) throw new AppError("not_found", "no such reward");
  const { rows: batches } = await db.query<{
    id: string;
    period_start: Date;
    period_end: Date;
    policy_version: string;
    readings_root: string;
  }>(
    `SELECT b.id, b.period_start, b.period_end, b.policy_version, b.readings_root
     FROM reward_batch b
     WHERE lower(b.id) = lower($1)
       AND EXISTS (SELECT 1 FROM reward_leaf l JOIN wallet w ON lower(w.address) = lower(l.recipient)
                   WHERE l.batch_id = b.id AND w.customer_id = $2)`,
    [id.data, scope.customerId],
  );
  const batch = batches[0];
  if (!batch) throw new AppError("not_found", "no such reward");

  const { rows: leafRows } = await db.query<{
    gateway_id: string;
    meter_id: string;
    export_wh: string;
    recipient: string;
    mine: boolean;
  }>(
    `SELECT l.gateway_id, l.meter_id, l.export_wh::text, l.recipient,
            EXISTS (SELECT 1 FROM wallet w WHERE lower(w.address) = lower(l.recipient) AND w.customer_id = $2) AS mine
     FROM reward_leaf l WHERE l.batch_id = $1 ORDER BY l.gateway_id, l.meter_id`,
    [batch.id, scope.customerId],
  );
  const periodStart = BigInt(Math.floor(batch.period_start.getTime() / 1000));
  const leaves: RewardLeaf[] = leafRows.map((l) => ({
    gatewayId: l.gateway_id,
    meterId: l.meter_id,
    periodStart,
    exportWh: BigInt(l.export_wh),
    recipient: getAddress(l.recipient),
  }));
  const tree = buildRewardTree(leaves);

  const proven = await Promise.all(
    leaves.flatMap((leaf, index) => {
      if (!leafRows[index]?.mine) return [];
      const proof = tree.proof(index);
      return [
        (async (): Promise<ProvenLeaf> => {
          let verifiedOnChain: boolean | null = null;
          if (chain.client) {
            try {
              verifiedOnChain = await chain.client.readContract({
                address: chain.rewardMinter,
                abi: rewardMinterAbi,
                functionName: "verifyReading",
                args: [
                  batch.id as Hex,
                  leaf.gatewayId,
                  leaf.meterId,
                  leaf.periodStart,
                  leaf.exportWh,
                  leaf.recipient,
                  proof,
                ],
              });
            } catch {
              verifiedOnChain = null; // chain unreachable or contract missing: not a verdict
            }
          }
          return {
            gatewayId: leaf.gatewayId,
            meterId: leaf.meterId,
            periodStart: leaf.periodStart.toString(),
            exportWh: leaf.exportWh.toString(),
            recipient: leaf.recipient,
            leafHash: rewardLeaf(leaf),
            proof,
            verifiedOnChain,
          };
        })(),
      ];
    }),
  );

  return {
    batchId: batch.id as Hex,
    periodStart: batch.period_start.toISOString(),
    periodEnd: batch.period_end.toISOString(),
    policyVersion: batch.policy_version,
    readingsRoot: batch.readings_root as Hex,
    rebuiltRoot: tree.root,
    rootMatches: tree.root.toLowerCase() === batch.readings_root.toLowerCase(),
    rewardMinter: chain.rewardMinter,
    chainId: chain.chainId,
    leaves: proven,
  };
}
