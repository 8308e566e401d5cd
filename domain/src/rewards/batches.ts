import { type RewardLeaf, type RewardRecipient, rewardForExport, type WalletAddress } from "./policy.ts";

/**
 * A period's rewards as mint batches that each fit one transaction (docs/reward-policy.md, "Batches").
 *
 * One transaction per period stops working at a few hundred recipients (the per-transaction gas cap of
 * EIP-7825 is 16,777,216). A period is therefore cut into parts of at most `maxRecipients` recipients,
 * each with its own batch id (period, policy version, part), its own leaves and its own readings root;
 * a retry mints each part exactly once because each id is single-use on chain.
 */

/** Worst-case gas of one recipient in `mintBatchWithCertificates` (new holder, contract check, calldata). */
export const GAS_PER_RECIPIENT = 62_000n;
/** Gas of a batch apart from its recipients (transaction, root write, events, calls). */
export const GAS_PER_BATCH = 150_000n;
/** Default gas budget of one mint transaction: half the 16,777,216 per-transaction cap. */
export const DEFAULT_REWARD_BATCH_GAS_BUDGET = 8_000_000n;

/** EIP-7825: no transaction may carry a gas limit above 2^24. */
export const TRANSACTION_GAS_CAP = 16_777_216n;

/**
 * The gas limit to send a batch of `recipients` with: the worst case plus a quarter, never above the
 * per-transaction cap. Set explicitly so the node's estimator (Hardhat's probes up to three times the
 * gas used and fails above the cap) is not in the way; the transaction pays only what it uses.
 * @example mintGasLimit({ recipients: 126 }) // 9_952_500n
 */
export function mintGasLimit(params: { recipients: number }): bigint {
  const { recipients } = params;
  if (!Number.isSafeInteger(recipients) || recipients < 1) {
    throw new RangeError(`recipients must be a positive integer, got ${recipients}`);
  }
  const worst = GAS_PER_BATCH + BigInt(recipients) * GAS_PER_RECIPIENT;
  const limit = (worst * 5n) / 4n;
  return limit < TRANSACTION_GAS_CAP ? limit : TRANSACTION_GAS_CAP;
}

/**
 * How many recipients fit `gasBudget` in the worst case.
 * @example maxRecipientsForGas({ gasBudget: 8_000_000n }) // 126
 */
export function maxRecipientsForGas(params: { gasBudget: bigint }): number {
  const { gasBudget } = params;
  if (gasBudget < GAS_PER_BATCH + GAS_PER_RECIPIENT) {
    throw new RangeError(
      `gas budget ${gasBudget} is below one recipient's worst case (${GAS_PER_BATCH + GAS_PER_RECIPIENT})`,
    );
  }
  return Number((gasBudget - GAS_PER_BATCH) / GAS_PER_RECIPIENT);
}

export interface RewardPart {
  /** 0, 1, …: part of the period. */
  readonly part: number;
  /** Sorted by wallet, at most `maxRecipients`. */
  readonly recipients: RewardRecipient[];
  /** The leaves of these recipients' meters, in the summary's order. */
  readonly leaves: RewardLeaf[];
  readonly totalAmount: bigint;
}

/**
 * Cuts a period's recipients (sorted by wallet) into consecutive parts of at most `maxRecipients`;
 * each leaf goes with its recipient. Deterministic: the same summary gives the same parts.
 */
export function splitRewards(params: {
  recipients: readonly RewardRecipient[];
  leaves: readonly RewardLeaf[];
  maxRecipients: number;
}): RewardPart[] {
  const { recipients, leaves, maxRecipients } = params;
  if (!Number.isSafeInteger(maxRecipients) || maxRecipients < 1) {
    throw new RangeError(`maxRecipients must be a positive integer, got ${maxRecipients}`);
  }
  const sorted = [...recipients].sort((a, b) => (a.wallet < b.wallet ? -1 : a.wallet > b.wallet ? 1 : 0));
  const partOf = new Map<WalletAddress, number>();
  const parts: { recipients: RewardRecipient[]; leaves: RewardLeaf[] }[] = [];
  sorted.forEach((recipient, i) => {
    const part = Math.floor(i / maxRecipients);
    if (parts[part] === undefined) parts[part] = { recipients: [], leaves: [] };
    parts[part].recipients.push(recipient);
    partOf.set(recipient.wallet.toLowerCase() as WalletAddress, part);
  });
  for (const leaf of leaves) {
    const part = partOf.get(leaf.recipient.toLowerCase() as WalletAddress);
    if (part === undefined) throw new RangeError(`leaf of meter ${leaf.meterId} pays no listed recipient`);
    parts[part]?.leaves.push(leaf);
  }
  return parts.map((p, part) => ({
    part,
    recipients: p.recipients,
    leaves: p.leaves,
    totalAmount: p.recipients.reduce((sum, r) => sum + r.amount, 0n),
  }));
}

/**
 * Checks a batch before it is sent: every allocation's energy is the sum of its leaves, every amount
 * is the reward policy's amount for that energy, every leaf pays a listed recipient. Returns the
 * problems (empty when the batch is consistent), so a tampered or corrupted batch is held, not minted.
 */
export function batchProblems(params: {
  recipients: readonly RewardRecipient[];
  leaves: readonly RewardLeaf[];
}): string[] {
  const problems: string[] = [];
  const leafWh = new Map<string, bigint>();
  for (const leaf of params.leaves) {
    const wallet = leaf.recipient.toLowerCase();
    leafWh.set(wallet, (leafWh.get(wallet) ?? 0n) + leaf.exportWh);
  }
  const listed = new Set<string>();
  for (const r of params.recipients) {
    const wallet = r.wallet.toLowerCase();
    if (listed.has(wallet)) problems.push(`recipient ${wallet} is listed twice`);
    listed.add(wallet);
    const fromLeaves = leafWh.get(wallet) ?? 0n;
    if (fromLeaves !== r.exportWh) {
      problems.push(`recipient ${wallet}: ${r.exportWh} Wh allocated, its leaves sum to ${fromLeaves} Wh`);
    }
    const expected = rewardForExport({ exportWh: r.exportWh < 0n ? 0n : r.exportWh });
    if (r.amount !== expected) {
      problems.push(
        `recipient ${wallet}: amount ${r.amount}, the policy gives ${expected} for ${r.exportWh} Wh`,
      );
    }
    if (r.exportWh <= 0n) problems.push(`recipient ${wallet}: energy ${r.exportWh} Wh is not positive`);
  }
  for (const wallet of leafWh.keys()) {
    if (!listed.has(wallet)) problems.push(`leaves pay ${wallet}, which is not a recipient of the batch`);
  }
  return problems;
}
