import type pg from "pg";
import { mnemonicToAccount } from "viem/accounts";

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const account = (index: number) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });

export const CHAIN_ID = 31337;
export const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const;
export const ZERO = "0x0000000000000000000000000000000000000000";

/** Customer A (wallet = dev account 2) and B (dev account 3); account 4 has no customer (guest). */
export const A = { customer: "cust-a", wallet: account(2).address.toLowerCase(), site: "site-a" };
export const B = { customer: "cust-b", wallet: account(3).address.toLowerCase(), site: "site-b" };

/** Retailer, two customers with one wallet, site, gateway and meters each. */
export async function seedCustomers(db: pg.Pool): Promise<void> {
  await db.query(`INSERT INTO retailer (id, name) VALUES ('ret-1', 'Green Retail')`);
  await db.query(`INSERT INTO gateway (id, retailer_id, public_key) VALUES ('gw-1', 'ret-1', 'pk')`);
  await db.query(
    `INSERT INTO customer (id, retailer_id, name) VALUES ($1, 'ret-1', 'Alice Sun'), ($2, 'ret-1', 'Bob Wind')`,
    [A.customer, B.customer],
  );
  await db.query(`INSERT INTO wallet (address, customer_id) VALUES ($1, $2), ($3, $4)`, [
    A.wallet,
    A.customer,
    B.wallet,
    B.customer,
  ]);
  await db.query(
    `INSERT INTO site (id, customer_id, name, address, pod_id, time_zone) VALUES
       ($1, $2, 'Home A', 'Street 1', 'POD-A', 'Europe/Berlin'),
       ($3, $4, 'Home B', 'Street 2', 'POD-B', 'Europe/Berlin')`,
    [A.site, A.customer, B.site, B.customer],
  );
  await db.query(
    `INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w) VALUES
       ('m-a-grid', $1, 'gw-1', 'grid', 20000), ('m-a-pv', $1, 'gw-1', 'pv', 10000),
       ('m-b-grid', $2, 'gw-1', 'grid', 20000), ('m-b-pv', $2, 'gw-1', 'pv', 10000)`,
    [A.site, B.site],
  );
}

let messageSeq = 0;

/** Inserts one reading (value_wh is irrelevant to the dashboard; delta_wh is what counts). */
export async function reading(
  db: pg.Pool,
  meterId: string,
  at: string,
  register: "import" | "export",
  deltaWh: number | null,
): Promise<void> {
  messageSeq += 1;
  await db.query(
    `INSERT INTO reading (meter_id, at, register, value_wh, delta_wh, gateway_id, message_id, received_at)
     VALUES ($1, $2, $3, 0, $4, 'gw-1', $5, $2)`,
    [meterId, at, register, deltaWh, `msg-${messageSeq}`],
  );
}

let logIndex = 0;

export async function transfer(
  db: pg.Pool,
  from: string,
  to: string,
  value: bigint,
  opts: { chainId?: number; token?: string } = {},
): Promise<void> {
  logIndex += 1;
  await db.query(
    `INSERT INTO token_transfer (chain_id, block_number, block_hash, tx_hash, log_index, token, from_address, to_address, value, block_time)
     VALUES ($1, 10, '0xblock', $2, $3, $4, $5, $6, $7, now())`,
    [opts.chainId ?? CHAIN_ID, `0xtx${logIndex}`, logIndex, opts.token ?? TOKEN, from, to, value.toString()],
  );
}

/** A reward batch with allocations; `minted` adds the mirrored RewardBatchMinted event. */
export async function rewardBatch(
  db: pg.Pool,
  params: {
    id: string;
    periodStart: string;
    periodEnd: string;
    allocations: { wallet: string; customerId: string; exportWh: number; amount: bigint }[];
    minted?: { txHash: string; blockNumber: number };
  },
): Promise<void> {
  const exportWh = params.allocations.reduce((s, a) => s + a.exportWh, 0);
  const total = params.allocations.reduce((s, a) => s + a.amount, 0n);
  await db.query(
    `INSERT INTO reward_batch (id, period_start, period_end, policy_version, readings_root, export_wh, total_amount, status)
     VALUES ($1, $2, $3, 'v1', '0xroot', $4, $5, $6)`,
    [
      params.id,
      params.periodStart,
      params.periodEnd,
      exportWh,
      total.toString(),
      params.minted ? "minted" : "pending",
    ],
  );
  for (const a of params.allocations) {
    await db.query(
      `INSERT INTO reward_allocation (batch_id, wallet, customer_id, export_wh, amount) VALUES ($1, $2, $3, $4, $5)`,
      [params.id, a.wallet, a.customerId, a.exportWh, a.amount.toString()],
    );
  }
  if (params.minted) {
    await db.query(
      `INSERT INTO reward_batch_minted (chain_id, block_number, block_hash, tx_hash, log_index, batch_id, readings_root, count, total, block_time)
       VALUES ($1, $2, '0xblock', $3, 0, $4, '0xroot', $5, $6, now())`,
      [
        CHAIN_ID,
        params.minted.blockNumber,
        params.minted.txHash,
        params.id,
        params.allocations.length,
        total.toString(),
      ],
    );
  }
}
