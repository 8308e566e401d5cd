import { batchIdFor, buildRewardTree } from "@c4e/contracts";
import {
  periodOf,
  REWARD_POLICY_VERSION,
  type RewardRow,
  rewardableExport,
  type SettlementPeriod,
  splitRewards,
  summarizeRewards,
} from "@c4e/domain";
import type pg from "pg";
import { withTransaction } from "@c4e/prisma";

/** A reward batch (one part of a period) written by `settlePeriods`, still to be minted. */
export type CreatedBatch = {
  id: `0x${string}`;
  part: number;
  periodStart: Date;
  periodEnd: Date;
  readingsRoot: `0x${string}`;
  exportWh: bigint;
  /** Token base units. */
  totalAmount: bigint;
  recipients: number;
  leaves: number;
};

export type SettlePeriodsParams = {
  pool: pg.Pool;
  periodMinutes: number;
  /** A period closes at the latest this long after its end, even if a meter has not reported past it. */
  maxWaitSeconds: number;
  now: Date;
  /** Most recipients in one batch (from the gas budget, `maxRecipientsForGas`); a period has as many parts as needed. */
  maxRecipientsPerBatch: number;
  log: (msg: string, fields?: object) => void;
};

export type SettlePeriodsResult = {
  /** Earliest latest-reading over the active meters with readings; null when there are none. */
  watermark: Date | null;
  created: CreatedBatch[];
  /** Export that arrived after its period was settled: stays unrewarded (docs/ingest.md, known limits). */
  lateExport: { readings: number; exportWh: bigint };
};

/**
 * Rows that can earn rewards: positive, reward-eligible export deltas (from the meter's baseline on, no
 * longer than the rewardable gap: `rewardEligibility`) not yet in a batch, on grid meters whose customer
 * has a primary wallet with a well-formed address. The rule is the domain's `rewardableExport`, which
 * decides the rows a batch takes (`settlePeriod`); this WHERE mirrors it as a prefilter only, because
 * the period sampling and the late-export count aggregate over the whole (partitioned) reading table,
 * and a batch locks (FOR UPDATE) only the rows it takes. Change both together.
 */
const ELIGIBLE_EXPORT = `
  reading r
  JOIN meter m ON m.id = r.meter_id
  JOIN site s ON s.id = m.site_id
  CROSS JOIN LATERAL (
    SELECT w.address FROM wallet w
     WHERE w.customer_id = s.customer_id AND w."primary" AND w.address ~* '^0x[0-9a-f]{40}$'
     ORDER BY w.created_at, w.address LIMIT 1
  ) w
  WHERE r.register = 'export' AND r.delta_wh > 0 AND r.reward_eligible AND r.reward_batch_id IS NULL
    AND m.kind = 'grid'`;

/**
 * Closes settlement periods and writes one reward batch per closable period with rewardable export.
 *
 * A period (start, end] is closable when every active meter that has readings has one at or after
 * `end` (the watermark: the minimum over those meters of their latest reading), or when
 * `now ≥ end + maxWaitSeconds`. Periods are settled in ascending order, each in one transaction:
 * batch (deterministic id from period start + policy version, Merkle root of the leaves),
 * allocations per wallet, leaves per meter, and the rewarded reading rows marked with the batch id.
 */
export async function settlePeriods(params: SettlePeriodsParams): Promise<SettlePeriodsResult> {
  const { pool, periodMinutes, maxWaitSeconds, now, log, maxRecipientsPerBatch } = params;
  const periodMs = periodMinutes * 60_000;
  const maxWaitMs = maxWaitSeconds * 1000;

  const { rows: wm } = await pool.query<{ watermark: Date | null }>(
    `SELECT min(latest) AS watermark FROM (
       SELECT (SELECT r.at FROM reading r WHERE r.meter_id = m.id ORDER BY r.at DESC LIMIT 1) AS latest
         FROM meter m JOIN gateway g ON g.id = m.gateway_id
        WHERE g.active
     ) t`,
  );
  const watermark = wm[0]?.watermark ?? null;

  // A period can only be closable if its end ≤ max(watermark, now − maxWait); a reading lies at or
  // before its period's end, so later rows need not be looked at.
  const boundMs = Math.max(watermark?.getTime() ?? Number.NEGATIVE_INFINITY, now.getTime() - maxWaitMs);
  // SQL only groups the rows by period (end = ceil(at / length) × length, matching (start, end]);
  // the domain's periodOf decides the period of each group's first instant.
  const { rows: samples } = await pool.query<{ sample_at: Date }>(
    `SELECT min(r.at) AS sample_at FROM ${ELIGIBLE_EXPORT}
        AND r.at <= $1
        AND NOT EXISTS (
          SELECT 1 FROM reward_batch b
           WHERE b.policy_version = $2 AND r.at > b.period_start AND r.at <= b.period_end)
      GROUP BY ceil(extract(epoch FROM r.at) * 1000 / $3)
      ORDER BY 1`,
    [new Date(boundMs).toISOString(), REWARD_POLICY_VERSION, periodMs],
  );

  const periods = new Map<number, SettlementPeriod>();
  for (const { sample_at } of samples) {
    const period = periodOf({ at: sample_at, periodMinutes });
    const endMs = period.end.getTime();
    const closable =
      (watermark !== null && endMs <= watermark.getTime()) || now.getTime() >= endMs + maxWaitMs;
    if (closable) periods.set(period.start.getTime(), period);
  }

  const created: CreatedBatch[] = [];
  for (const period of [...periods.values()].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    try {
      const batches = await settlePeriod(pool, period, maxRecipientsPerBatch);
      for (const batch of batches) {
        created.push(batch);
        log("ingest: reward batch created", {
          batchId: batch.id,
          part: batch.part,
          periodStart: batch.periodStart.toISOString(),
          exportWh: batch.exportWh.toString(),
          totalAmount: batch.totalAmount.toString(),
          recipients: batch.recipients,
        });
      }
    } catch (error) {
      // One period's problem (e.g. bad register data) must not hold back the others.
      log("ingest: settling a period failed", {
        periodStart: period.start.toISOString(),
        error: (error as Error).message,
      });
    }
  }

  const { rows: late } = await pool.query<{ readings: number; export_wh: string }>(
    `SELECT count(*)::int AS readings, coalesce(sum(r.delta_wh), 0)::text AS export_wh FROM ${ELIGIBLE_EXPORT}
        AND EXISTS (
          SELECT 1 FROM reward_batch b
           WHERE b.policy_version = $1 AND r.at > b.period_start AND r.at <= b.period_end)`,
    [REWARD_POLICY_VERSION],
  );
  const lateExport = { readings: late[0]?.readings ?? 0, exportWh: BigInt(late[0]?.export_wh ?? "0") };
  return { watermark, created, lateExport };
}

/**
 * Writes the batches of one period in one transaction: its recipients cut into parts of at most
 * `maxRecipients` (`splitRewards`), each part a batch with its own id, readings root, allocations and
 * leaves, and every rewarded reading marked with its part's batch id. Empty when another run did it,
 * or nothing is to be rewarded.
 */
async function settlePeriod(
  pool: pg.Pool,
  period: SettlementPeriod,
  maxRecipients: number,
): Promise<CreatedBatch[]> {
  return await withTransaction(pool, async (db) => {
    // One settler at a time (several ingest consumers may run); the unique key backs this up.
    await db.query("SELECT pg_advisory_xact_lock(hashtextextended('c4e:ingest:settlement', 0))");
    const existing = await db.query(
      "SELECT 1 FROM reward_batch WHERE period_start = $1 AND policy_version = $2",
      [period.start.toISOString(), REWARD_POLICY_VERSION],
    );
    if ((existing.rowCount ?? 0) > 0) return [];

    const { rows: candidates } = await db.query<{
      meter_id: string;
      at: Date;
      gateway_id: string;
      customer_id: string;
      wallet: string;
      delta_wh: string;
      register: "import" | "export";
      reward_eligible: boolean;
      reward_batch_id: string | null;
      meter_kind: string;
    }>(
      `SELECT r.meter_id, r.at, m.gateway_id, s.customer_id, lower(w.address) AS wallet, r.delta_wh::text,
              r.register::text, r.reward_eligible, r.reward_batch_id, m.kind::text AS meter_kind
         FROM ${ELIGIBLE_EXPORT} AND r.at > $1 AND r.at <= $2
        ORDER BY r.meter_id, r.at
        FOR UPDATE OF r`,
      [period.start.toISOString(), period.end.toISOString()],
    );
    const rows = candidates.filter(
      (r) =>
        rewardableExport({
          register: r.register,
          deltaWh: BigInt(r.delta_wh),
          rewardEligible: r.reward_eligible,
          rewardBatchId: r.reward_batch_id,
          meterKind: r.meter_kind,
          wallet: r.wallet,
        }).rewardable,
    );
    if (rows.length === 0) return [];

    const customerOf = new Map(rows.map((r) => [r.wallet, r.customer_id]));
    const summary = summarizeRewards({
      rows: rows.map((r): RewardRow => ({
        customerId: r.customer_id,
        wallet: r.wallet as `0x${string}`,
        gatewayId: r.gateway_id,
        meterId: r.meter_id,
        exportWh: BigInt(r.delta_wh),
      })),
      periodStart: period.start,
    });
    if (summary.leaves.length === 0) return [];
    const parts = splitRewards({ recipients: summary.recipients, leaves: summary.leaves, maxRecipients });

    const created: CreatedBatch[] = [];
    const batchOfWallet = new Map<string, string>();
    for (const part of parts) {
      const tree = buildRewardTree(part.leaves);
      const id = batchIdFor(period.start.toISOString(), REWARD_POLICY_VERSION, part.part);
      const exportWh = part.recipients.reduce((sum, r) => sum + r.exportWh, 0n);
      for (const r of part.recipients) batchOfWallet.set(r.wallet, id);
      await db.query(
        `INSERT INTO reward_batch (id, period_start, period_end, policy_version, part, readings_root, export_wh,
                                   total_amount, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')`,
        [
          id,
          period.start.toISOString(),
          period.end.toISOString(),
          REWARD_POLICY_VERSION,
          part.part,
          tree.root,
          exportWh.toString(),
          part.totalAmount.toString(),
        ],
      );
      await db.query(
        `INSERT INTO reward_allocation (batch_id, wallet, customer_id, export_wh, amount)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::numeric[])`,
        [
          id,
          part.recipients.map((r) => r.wallet),
          part.recipients.map((r) => customerOf.get(r.wallet) ?? ""),
          part.recipients.map((r) => r.exportWh.toString()),
          part.recipients.map((r) => r.amount.toString()),
        ],
      );
      await db.query(
        `INSERT INTO reward_leaf (batch_id, gateway_id, meter_id, export_wh, recipient)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[])`,
        [
          id,
          part.leaves.map((l) => l.gatewayId),
          part.leaves.map((l) => l.meterId),
          part.leaves.map((l) => l.exportWh.toString()),
          part.leaves.map((l) => l.recipient),
        ],
      );
      created.push({
        id,
        part: part.part,
        periodStart: period.start,
        periodEnd: period.end,
        readingsRoot: tree.root,
        exportWh,
        totalAmount: part.totalAmount,
        recipients: part.recipients.length,
        leaves: part.leaves.length,
      });
    }
    await db.query(
      `UPDATE reading r SET reward_batch_id = u.batch_id
         FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS u(meter_id, at, batch_id)
        WHERE r.meter_id = u.meter_id AND r.at = u.at AND r.register = 'export'`,
      [
        rows.map((r) => r.meter_id),
        rows.map((r) => r.at.toISOString()),
        rows.map((r) => batchOfWallet.get(r.wallet) ?? null),
      ],
    );
    return created;
  });
}
