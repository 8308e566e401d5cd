import { REWARD_POLICY_VERSION, rewardForExport } from "@c4e/domain";
import type { StaffScope } from "@/server/core/authz.ts";
import type { Queryable } from "@c4e/prisma";

export type AdminRewardBatch = {
  batchId: string;
  periodStart: string;
  periodEnd: string;
  policyVersion: string;
  /** Settlement status (`reward_batch.status`): pending → submitted → minted, or held (see holdReason). */
  status: string;
  /** Why ingest refused to send a held batch (its amounts do not follow from its readings). */
  holdReason: string | null;
  /** 0, 1, …: the batch's part of its period (a period's recipients are split to fit the gas budget). */
  part: number;
  /** The mint had the configured confirmations and was still on the chain. */
  confirmed: boolean;
  /** Recipients (of this retailer) whose certificates wait to be collected: wallets with code. */
  certificatesHeld: number;
  /** Whether the indexer mirrored the RewardBatchMinted event of this chain. */
  mintedOnChain: boolean;
  txHash: string | null;
  blockNumber: string | null;
  readingsRoot: string;
  /** This retailer's customers only. */
  recipients: number;
  exportWh: string;
  amount: string;
};

export type AdminRewards = {
  policy: { version: string; baseUnitsPerKwh: string };
  totals: {
    batches: number;
    mintedBatches: number;
    pendingBatches: number;
    exportWh: string;
    amount: string;
    mintedAmount: string;
  };
  batches: AdminRewardBatch[];
};

/**
 * Reward batches as the retailer sees them: every batch with an allocation to one of its customers,
 * with that retailer's share only (recipients, export, amount), the batch's status and, when mirrored,
 * its mint transaction; totals over all of them; and the reward policy in force.
 */
export async function getAdminRewards(
  db: Queryable,
  scope: StaffScope,
  chain: { chainId: number },
  limit = 100,
): Promise<AdminRewards> {
  const { rows } = await db.query<{
    batch_id: string;
    period_start: Date;
    period_end: Date;
    policy_version: string;
    status: string;
    hold_reason: string | null;
    part: number;
    confirmed: boolean;
    certificates_held: number;
    readings_root: string;
    tx_hash: string | null;
    block_number: string | null;
    recipients: number;
    export_wh: string;
    amount: string;
  }>(
    `SELECT b.id AS batch_id, b.period_start, b.period_end, b.policy_version, b.status::text, b.readings_root,
            b.hold_reason, b.part, b.confirmed_at IS NOT NULL AS confirmed,
            count(*) FILTER (WHERE a.certificates_held)::int AS certificates_held,
            m.tx_hash, m.block_number::text,
            count(*)::int AS recipients, sum(a.export_wh)::text AS export_wh,
            sum(a.amount)::numeric(78, 0)::text AS amount
     FROM reward_batch b
     JOIN reward_allocation a ON a.batch_id = b.id
     JOIN customer c ON c.id = a.customer_id AND c.retailer_id = $1
     LEFT JOIN LATERAL (
       SELECT mm.tx_hash, mm.block_number FROM reward_batch_minted mm
       WHERE mm.chain_id = $2 AND lower(mm.batch_id) = lower(b.id)
       ORDER BY mm.block_number LIMIT 1
     ) m ON true
     GROUP BY b.id, m.tx_hash, m.block_number
     ORDER BY b.period_start DESC, b.part
     LIMIT $3`,
    [scope.retailerId, chain.chainId, limit],
  );
  const { rows: totals } = await db.query<{
    batches: number;
    minted_batches: number;
    export_wh: string;
    amount: string;
    minted_amount: string;
  }>(
    `WITH mine AS (
       SELECT b.id, sum(a.export_wh) AS export_wh, sum(a.amount) AS amount,
              EXISTS (SELECT 1 FROM reward_batch_minted mm WHERE mm.chain_id = $2 AND lower(mm.batch_id) = lower(b.id)) AS minted
       FROM reward_batch b
       JOIN reward_allocation a ON a.batch_id = b.id
       JOIN customer c ON c.id = a.customer_id AND c.retailer_id = $1
       GROUP BY b.id
     )
     SELECT count(*)::int AS batches, count(*) FILTER (WHERE minted)::int AS minted_batches,
            coalesce(sum(export_wh), 0)::text AS export_wh,
            coalesce(sum(amount), 0)::numeric(78, 0)::text AS amount,
            coalesce(sum(amount) FILTER (WHERE minted), 0)::numeric(78, 0)::text AS minted_amount
     FROM mine`,
    [scope.retailerId, chain.chainId],
  );
  const t = totals[0];
  return {
    policy: {
      version: REWARD_POLICY_VERSION,
      baseUnitsPerKwh: rewardForExport({ exportWh: 1000n }).toString(),
    },
    totals: {
      batches: t?.batches ?? 0,
      mintedBatches: t?.minted_batches ?? 0,
      pendingBatches: (t?.batches ?? 0) - (t?.minted_batches ?? 0),
      exportWh: t?.export_wh ?? "0",
      amount: t?.amount ?? "0",
      mintedAmount: t?.minted_amount ?? "0",
    },
    batches: rows.map((r) => ({
      batchId: r.batch_id,
      periodStart: r.period_start.toISOString(),
      periodEnd: r.period_end.toISOString(),
      policyVersion: r.policy_version,
      status: r.status,
      holdReason: r.hold_reason,
      part: r.part,
      confirmed: r.confirmed,
      certificatesHeld: r.certificates_held,
      mintedOnChain: r.tx_hash !== null,
      txHash: r.tx_hash,
      blockNumber: r.block_number,
      readingsRoot: r.readings_root,
      recipients: r.recipients,
      exportWh: r.export_wh,
      amount: r.amount,
    })),
  };
}
