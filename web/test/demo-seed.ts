import { buildRewardTree } from "@c4e/contracts";
import type pg from "pg";
import { getAddress } from "viem";
import { A, account, B, CHAIN_ID, seedCustomers, TOKEN, transfer, ZERO } from "./fixtures.ts";

/** The demo staff of retailer `ret-1` (dev accounts 0, 6, 7, 5), as the platform seed should write them. */
export async function seedStaff(db: pg.Pool): Promise<void> {
  await db.query(
    `INSERT INTO web_user (address, retailer_id, role, name) VALUES
       ($1, 'ret-1', 'retailer_admin', 'Ada Admin'), ($2, 'ret-1', 'retailer_agent', 'Aga Agent'),
       ($3, 'ret-1', 'property_manager', 'Mo Manager'), ($4, 'ret-1', 'partner', 'Pia Partner')`,
    [0, 6, 7, 5].map((i) => account(i).address.toLowerCase()),
  );
}

/**
 * A year and a month of hourly readings for customers A and B (a PV bell curve by local hour and
 * season, a household load), reward batches for the last hours (minted but the newest) with real
 * Merkle roots and leaves, transfers, a few rejected messages and CRM leads: enough for every page.
 */
export async function seedDemo(db: pg.Pool, now = new Date()): Promise<void> {
  await seedCustomers(db);
  await seedStaff(db);
  // Hourly PV export, grid import/export; energy in Wh; delta of the hour ending at `at`.
  await db.query(
    `WITH hours AS (
       SELECT h AS at, extract(hour FROM (h - interval '30 minutes') AT TIME ZONE 'Europe/Berlin') AS hod,
              extract(doy FROM h) AS doy
       FROM generate_series(date_trunc('hour', $1::timestamptz) - interval '400 days', date_trunc('hour', $1::timestamptz), interval '1 hour') AS h
     ),
     model AS (
       SELECT at, m.meter, m.scale,
              round(greatest(0, sin(pi() * (hod - 5.5) / 14)) * (0.55 + 0.45 * cos(2 * pi() * (doy - 172) / 365)) * 2600 * m.scale) AS pv,
              round((280 + 220 * (hod BETWEEN 6 AND 8)::int + 420 * (hod BETWEEN 17 AND 21)::int) * m.scale) AS load
       FROM hours, (VALUES ('a', 1.0), ('b', 0.7)) AS m(meter, scale)
     )
     INSERT INTO reading (meter_id, at, register, value_wh, delta_wh, gateway_id, message_id, received_at)
     SELECT 'm-' || meter || '-pv', at, 'export', 0, pv, 'gw-1', 'demo', at FROM model
     UNION ALL SELECT 'm-' || meter || '-grid', at, 'export', 0, greatest(0, pv - load), 'gw-1', 'demo', at FROM model
     UNION ALL SELECT 'm-' || meter || '-grid', at, 'import', 0, greatest(0, load - pv), 'gw-1', 'demo', at FROM model`,
    [now],
  );
  await db.query(
    `INSERT INTO ingest_message (gateway_id, message_id, received_at, sent_at, accepted, duplicates, rejected)
     SELECT 'gw-1', 'msg-' || i, $1::timestamptz - i * interval '15 minutes', $1::timestamptz - i * interval '15 minutes', 6, 0, (i % 17 = 0)::int
     FROM generate_series(0, 95) AS i`,
    [now],
  );
  await db.query(
    `INSERT INTO rejected_input (received_at, topic, gateway_id, message_id, meter_id, reading_at, reason, detail, payload) VALUES
       ($1::timestamptz - interval '2 hours', 'c4e/v1/gateways/gw-1/readings', 'gw-1', 'msg-17', 'm-a-grid', $1::timestamptz - interval '2 hours', 'non_monotonic', 'export register went down from 20500 to 20100 Wh', '{}'),
       ($1::timestamptz - interval '5 hours', 'c4e/v1/gateways/gw-1/readings', 'gw-1', 'msg-x', NULL, NULL, 'bad_signature', 'signature does not verify with the registered key', '{}')`,
    [now],
  );
  await db.query(
    `INSERT INTO service_heartbeat (service, last_seen_at, last_message_at) VALUES ('ingest', $1, $1)
     ON CONFLICT (service) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at`,
    [now],
  );

  // Reward batches for the last 6 hours (1 C4E per kWh of grid export); the newest not yet minted.
  const hour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  for (let k = 6; k >= 1; k--) {
    const start = new Date(hour - k * 3_600_000);
    const id = `0x${(0xc4e0 + k).toString(16).padStart(64, "0")}`;
    const wh = { a: 900 + 137 * k, b: 600 + 71 * k };
    const leaves = [
      { meterId: "m-a-grid", wallet: A.wallet, exportWh: wh.a },
      { meterId: "m-b-grid", wallet: B.wallet, exportWh: wh.b },
    ].map((l) => ({
      gatewayId: "gw-1",
      meterId: l.meterId,
      periodStart: BigInt(start.getTime() / 1000),
      exportWh: BigInt(l.exportWh),
      recipient: getAddress(l.wallet),
    }));
    const tree = buildRewardTree(leaves);
    const total = (wh.a + wh.b) * 1e15;
    const minted = k > 1;
    await db.query(
      `INSERT INTO reward_batch (id, period_start, period_end, policy_version, readings_root, export_wh, total_amount, status)
       VALUES ($1, $2, $3, 'v1', $4, $5, $6, $7)`,
      [
        id,
        start,
        new Date(start.getTime() + 3_600_000),
        tree.root,
        wh.a + wh.b,
        BigInt(total).toString(),
        minted ? "minted" : "pending",
      ],
    );
    for (const [wallet, customer, e] of [
      [A.wallet, A.customer, wh.a],
      [B.wallet, B.customer, wh.b],
    ] as const) {
      await db.query(
        `INSERT INTO reward_allocation (batch_id, wallet, customer_id, export_wh, amount) VALUES ($1, $2, $3, $4, $5)`,
        [id, wallet, customer, e, (BigInt(e) * 10n ** 15n).toString()],
      );
    }
    for (const l of leaves)
      await db.query(
        `INSERT INTO reward_leaf (batch_id, gateway_id, meter_id, export_wh, recipient) VALUES ($1, $2, $3, $4, $5)`,
        [id, l.gatewayId, l.meterId, l.exportWh.toString(), l.recipient.toLowerCase()],
      );
    if (minted) {
      await db.query(
        `INSERT INTO reward_batch_minted (chain_id, block_number, block_hash, tx_hash, log_index, batch_id, readings_root, count, total, block_time)
         VALUES ($1, $2, '0xblock', $3, 0, $4, $5, 2, $6, $7)`,
        [
          CHAIN_ID,
          100 - k,
          `0x${(0xabc0 + k).toString(16).padStart(64, "0")}`,
          id,
          tree.root,
          BigInt(total).toString(),
          new Date(start.getTime() + 3_700_000),
        ],
      );
      await transfer(db, ZERO, A.wallet, BigInt(wh.a) * 10n ** 15n);
      await transfer(db, ZERO, B.wallet, BigInt(wh.b) * 10n ** 15n);
    }
  }
  await transfer(db, A.wallet, B.wallet, 5n * 10n ** 17n);
  await db.query(
    `INSERT INTO crm_lead (retailer_id, name, email, phone, kind, stage) VALUES
       ('ret-1', 'Lena Lead', 'lena@example.org', '+49 30 1234567', 'retail', 'qualified'),
       ('ret-1', 'Solar Bakery GmbH', 'info@solar-bakery.example', NULL, 'b2b', 'offer_sent'),
       ('ret-1', 'Tom Tenant', NULL, NULL, 'retail', 'new')`,
  );
  void TOKEN;
}
