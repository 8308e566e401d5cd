import { type Address, getAddress } from "viem";
import { authorizeCustomer, type CustomerScope as FullCustomerScope } from "@/server/core/authz.ts";
import { AppError } from "@/server/core/errors.ts";
import type { Session } from "@/server/core/session.ts";
import type { Queryable } from "@c4e/prisma";

/** What a prosumer read may see: exactly one customer, taken from the session, never from the request. */
export type CustomerScope = Pick<FullCustomerScope, "customerId">;

/**
 * The customer scope of a session for reading (`authz.ts`, action `prosumer.read`). Throws
 * `unauthenticated` without a session and `forbidden` for any other role.
 */
export function requireCustomer(session: Session | null): FullCustomerScope {
  return authorizeCustomer(session, "prosumer.read");
}

/** Energy of one bucket (Wh, integers). Energy is attributed to the bucket in which its reading interval ends. */
export type EnergyBucket = {
  /** Bucket start, ISO instant (UTC). */
  start: string;
  productionWh: number;
  consumptionWh: number;
  exportWh: number;
  importWh: number;
};

export type EnergyTotals = Omit<EnergyBucket, "start">;

export type SiteToday = {
  id: string;
  name: string;
  timeZone: string;
  /** Local midnight of today in the site's time zone, as an ISO instant. */
  dayStart: string;
  dayEnd: string;
  /** One bucket per hour from local midnight up to the current hour (23–25 per day across DST). */
  buckets: EnergyBucket[];
  totals: EnergyTotals;
};

export type ProsumerSummary = {
  customer: { id: string; name: string };
  wallets: Address[];
  sites: SiteToday[];
  /** C4E balance of all the customer's wallets from the chain mirror: base units (18 decimals) as a string. */
  balance: { chainId: number; token: Address; amount: string };
  asOf: string;
};

export type ChainScope = { chainId: number; tokenAddress: Address };

type SiteDayRow = { id: string; name: string; time_zone: string; day_start: Date; day_end: Date };
type BucketRow = {
  site_id: string;
  bucket_start: Date;
  production_wh: string;
  export_wh: string;
  import_wh: string;
};

/**
 * Consumption = grid import + PV production − grid export (energy balance of the site), floored at 0:
 * readings of the PV and grid meters do not arrive at the same instant, so a bucket can briefly
 * look negative.
 */
function withConsumption(productionWh: number, exportWh: number, importWh: number): EnergyTotals {
  return {
    productionWh,
    exportWh,
    importWh,
    consumptionWh: Math.max(0, importWh + productionWh - exportWh),
  };
}

/** Today's hourly energy per site of the customer, in each site's local day (DST-aware, bucketed in SQL). */
export async function getTodayEnergy(db: Queryable, scope: CustomerScope, now: Date): Promise<SiteToday[]> {
  const sites = await db.query<SiteDayRow>(
    `SELECT s.id, s.name, s.time_zone,
            date_trunc('day', $2::timestamptz AT TIME ZONE s.time_zone) AT TIME ZONE s.time_zone AS day_start,
            (date_trunc('day', $2::timestamptz AT TIME ZONE s.time_zone) + interval '1 day')
              AT TIME ZONE s.time_zone AS day_end
     FROM site s
     WHERE s.customer_id = $1
     ORDER BY s.created_at, s.id`,
    [scope.customerId, now],
  );
  if (sites.rows.length === 0) return [];

  // A reading at instant t carries the energy of (previous reading, t]: it belongs to the bucket
  // containing t − 1 ms, and readings at exactly local midnight belong to the previous day.
  const buckets = await db.query<BucketRow>(
    `WITH days AS (
       SELECT s.id,
              date_trunc('day', $2::timestamptz AT TIME ZONE s.time_zone) AT TIME ZONE s.time_zone AS day_start,
              (date_trunc('day', $2::timestamptz AT TIME ZONE s.time_zone) + interval '1 day')
                AT TIME ZONE s.time_zone AS day_end
       FROM site s WHERE s.customer_id = $1
     ),
     slots AS (
       SELECT d.id AS site_id, i AS idx, d.day_start + i * interval '1 hour' AS bucket_start
       FROM days d,
            generate_series(0, ceil(extract(epoch FROM d.day_end - d.day_start) / 3600)::int - 1) AS i
       WHERE d.day_start + i * interval '1 hour' <= $2::timestamptz
     ),
     energy AS (
       SELECT d.id AS site_id,
              floor((extract(epoch FROM r.at - d.day_start) * 1000 - 1) / 3600000)::int AS idx,
              sum(r.delta_wh) FILTER (WHERE m.kind = 'pv' AND r.register = 'export') AS production_wh,
              sum(r.delta_wh) FILTER (WHERE m.kind = 'grid' AND r.register = 'export') AS export_wh,
              sum(r.delta_wh) FILTER (WHERE m.kind = 'grid' AND r.register = 'import') AS import_wh
       FROM days d
       JOIN meter m ON m.site_id = d.id
       JOIN reading r ON r.meter_id = m.id AND r.at > d.day_start AND r.at <= d.day_end
       WHERE r.delta_wh IS NOT NULL
       GROUP BY 1, 2
     )
     SELECT s.site_id, s.bucket_start,
            coalesce(e.production_wh, 0)::text AS production_wh,
            coalesce(e.export_wh, 0)::text AS export_wh,
            coalesce(e.import_wh, 0)::text AS import_wh
     FROM slots s
     LEFT JOIN energy e ON e.site_id = s.site_id AND e.idx = s.idx
     ORDER BY s.site_id, s.idx`,
    [scope.customerId, now],
  );

  const bySite = new Map<string, EnergyBucket[]>();
  for (const row of buckets.rows) {
    const list = bySite.get(row.site_id) ?? [];
    list.push({
      start: row.bucket_start.toISOString(),
      ...withConsumption(Number(row.production_wh), Number(row.export_wh), Number(row.import_wh)),
    });
    bySite.set(row.site_id, list);
  }

  return sites.rows.map((s) => {
    const list = bySite.get(s.id) ?? [];
    const sum = (k: "productionWh" | "exportWh" | "importWh") => list.reduce((acc, b) => acc + b[k], 0);
    return {
      id: s.id,
      name: s.name,
      timeZone: s.time_zone,
      dayStart: s.day_start.toISOString(),
      dayEnd: s.day_end.toISOString(),
      buckets: list,
      totals: withConsumption(sum("productionWh"), sum("exportWh"), sum("importWh")),
    };
  });
}

/** The customer's C4E balance (base units, string) summed over their wallets, from the token_balance view. */
export async function getTokenBalance(
  db: Queryable,
  scope: CustomerScope,
  chain: ChainScope,
): Promise<string> {
  const { rows } = await db.query<{ amount: string }>(
    `SELECT coalesce(sum(b.balance), 0)::numeric(78, 0)::text AS amount
     FROM token_balance b
     WHERE b.chain_id = $1 AND lower(b.token) = lower($2)
       AND lower(b.address) IN (SELECT lower(w.address) FROM wallet w WHERE w.customer_id = $3)`,
    [chain.chainId, chain.tokenAddress, scope.customerId],
  );
  return rows[0]?.amount ?? "0";
}

/** Summary of the prosumer page: customer, wallets, today's energy per site and the C4E balance. */
export async function getProsumerSummary(
  db: Queryable,
  scope: CustomerScope,
  chain: ChainScope,
  now: Date = new Date(),
): Promise<ProsumerSummary> {
  const customer = await db.query<{ id: string; name: string }>(
    "SELECT id, name FROM customer WHERE id = $1",
    [scope.customerId],
  );
  const c = customer.rows[0];
  if (!c) throw new AppError("not_found", "customer not found");
  const wallets = await db.query<{ address: string }>(
    'SELECT address FROM wallet WHERE customer_id = $1 ORDER BY "primary" DESC, created_at, address',
    [scope.customerId],
  );
  const [sites, amount] = await Promise.all([
    getTodayEnergy(db, scope, now),
    getTokenBalance(db, scope, chain),
  ]);
  return {
    customer: { id: c.id, name: c.name },
    wallets: wallets.rows.map((w) => getAddress(w.address)),
    sites,
    balance: { chainId: chain.chainId, token: chain.tokenAddress, amount },
    asOf: now.toISOString(),
  };
}

export type RewardEntry = {
  batchId: string;
  periodStart: string;
  periodEnd: string;
  policyVersion: string;
  /** Merkle root of the batch's rewarded readings (as minted). */
  readingsRoot: string;
  /** Exported energy of the customer's wallets rewarded in this batch (Wh). */
  exportWh: number;
  /** Tokens minted to the customer's wallets in this batch (base units, string). */
  amount: string;
  txHash: string;
  blockNumber: string;
  blockTime: string;
};

type RewardRow = {
  batch_id: string;
  period_start: Date;
  period_end: Date;
  policy_version: string;
  readings_root: string;
  export_wh: string;
  amount: string;
  tx_hash: string;
  block_number: string;
  block_time: Date;
};

/**
 * The customer's minted rewards, newest period first: batches confirmed on chain (mirrored
 * RewardBatchMinted events) joined with the customer's allocations in them.
 */
export async function getRewardHistory(
  db: Queryable,
  scope: CustomerScope,
  chain: Pick<ChainScope, "chainId">,
  limit = 50,
): Promise<RewardEntry[]> {
  const { rows } = await db.query<RewardRow>(
    `SELECT b.id AS batch_id, b.period_start, b.period_end, b.policy_version, m.readings_root,
            sum(a.export_wh)::text AS export_wh, sum(a.amount)::numeric(78, 0)::text AS amount,
            m.tx_hash, m.block_number::text AS block_number, m.block_time
     FROM reward_allocation a
     JOIN reward_batch b ON b.id = a.batch_id
     JOIN reward_batch_minted m ON m.chain_id = $2 AND lower(m.batch_id) = lower(b.id)
     WHERE lower(a.wallet) IN (SELECT lower(w.address) FROM wallet w WHERE w.customer_id = $1)
     GROUP BY b.id, b.period_start, b.period_end, b.policy_version, m.readings_root, m.tx_hash, m.log_index, m.block_number, m.block_time
     ORDER BY b.period_start DESC, m.block_number DESC
     LIMIT $3`,
    [scope.customerId, chain.chainId, limit],
  );
  return rows.map((r) => ({
    batchId: r.batch_id,
    periodStart: r.period_start.toISOString(),
    periodEnd: r.period_end.toISOString(),
    policyVersion: r.policy_version,
    readingsRoot: r.readings_root,
    exportWh: Number(r.export_wh),
    amount: r.amount,
    txHash: r.tx_hash,
    blockNumber: r.block_number,
    blockTime: r.block_time.toISOString(),
  }));
}

/** The summary a session may see: its own customer's, whatever the request asked for. */
export async function summaryForSession(
  db: Queryable,
  session: Session | null,
  chain: ChainScope,
  now: Date = new Date(),
): Promise<ProsumerSummary> {
  return getProsumerSummary(db, requireCustomer(session), chain, now);
}

/** The reward history a session may see (its own customer's). */
export async function rewardsForSession(
  db: Queryable,
  session: Session | null,
  chain: Pick<ChainScope, "chainId">,
): Promise<RewardEntry[]> {
  return getRewardHistory(db, requireCustomer(session), chain);
}
