import type { RejectReason } from "@c4e/domain";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { ViewEntry } from "./meter-view.ts";
import { bigintText, safeText } from "./sql.ts";
import type { Queryable } from "@c4e/prisma";

/**
 * Bulk SQL of the readings path: one statement per table and batch (`INSERT … SELECT FROM unnest`),
 * idempotent on natural keys (`ON CONFLICT DO NOTHING`). New reading rows go in by `COPY` (below).
 */

export type MeterRow = { id: string; gatewayId: string; ratedPowerW: number };

/** The registered meters among `ids`. */
export async function loadMeters(db: Queryable, ids: readonly string[]): Promise<Map<string, MeterRow>> {
  const meters = new Map<string, MeterRow>();
  if (ids.length === 0) return meters;
  const { rows } = await db.query<{ id: string; gateway_id: string; rated_power_w: number }>(
    "SELECT id, gateway_id, rated_power_w FROM meter WHERE id = ANY($1::text[])",
    [ids],
  );
  for (const r of rows) meters.set(r.id, { id: r.id, gatewayId: r.gateway_id, ratedPowerW: r.rated_power_w });
  return meters;
}

/**
 * The reward baselines of `ids` (docs/reward-policy.md, "Baselines"): the stored one, or for a meter
 * with readings from before baselines were kept, its earliest reading. Meters without either are absent.
 */
export async function loadBaselines(db: Queryable, ids: readonly string[]): Promise<Map<string, Date>> {
  const baselines = new Map<string, Date>();
  if (ids.length === 0) return baselines;
  const { rows } = await db.query<{ meter_id: string; baseline_at: Date | null }>(
    `SELECT k.meter_id,
            coalesce(b.baseline_at, (SELECT min(r.at) FROM reading r WHERE r.meter_id = k.meter_id)) AS baseline_at
       FROM unnest($1::text[]) AS k(meter_id)
       LEFT JOIN meter_reward_baseline b ON b.meter_id = k.meter_id`,
    [ids],
  );
  for (const r of rows) if (r.baseline_at !== null) baselines.set(r.meter_id, r.baseline_at);
  return baselines;
}

/** Stores baselines set by this batch (first reading of a meter); an existing one is never moved. */
export async function insertBaselines(
  db: Queryable,
  rows: readonly { meterId: string; baselineAt: Date }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO meter_reward_baseline (meter_id, baseline_at)
     SELECT * FROM unnest($1::text[], $2::timestamptz[])
     ON CONFLICT (meter_id) DO NOTHING`,
    [rows.map((r) => r.meterId), rows.map((r) => r.baselineAt.toISOString())],
  );
}

/**
 * Advisory locks of the readings path: class `INGEST_LOCK_CLASS` (the two-key form, a key space of its
 * own), second key a bucket in `[0, LOCK_BUCKETS)`.
 */
export const INGEST_LOCK_CLASS = 0x0c4e16;
/**
 * Meter and message keys are hashed into this many buckets, so a transaction holds at most this many
 * advisory locks whatever the batch size. Postgres' lock table is shared by all sessions and holds
 * `max_locks_per_transaction × (max_connections + max_prepared_transactions)` locks (6,400 by
 * default); one lock per key overflowed it ("out of shared memory") from about 16,000 meters a batch.
 */
export const LOCK_BUCKETS = 256;

/** The lock bucket of a key (FNV-1a over its UTF-16 code units, mod `LOCK_BUCKETS`). */
export function lockBucket(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % LOCK_BUCKETS;
}

/**
 * Serialises concurrent consumers (shared subscriptions) on the same meters and message ids until the
 * transaction ends, so the references each one loads are the ones it writes against. The keys are
 * hashed into at most `LOCK_BUCKETS` buckets (two batches on the same meter or message always share a
 * bucket; unrelated keys may share one too, which only serialises more than needed). Buckets are locked
 * in ascending order, which rules out deadlocks between batches. Returns the buckets locked.
 */
export async function lockKeys(db: Queryable, keys: readonly string[]): Promise<number[]> {
  const buckets = [...new Set(keys.map(lockBucket))].sort((x, y) => x - y);
  if (buckets.length === 0) return buckets;
  // unnest is scanned in array order: the locks are taken in ascending bucket order.
  await db.query("SELECT pg_advisory_xact_lock($1::int, b) FROM unnest($2::int[]) AS b", [
    INGEST_LOCK_CLASS,
    buckets,
  ]);
  return buckets;
}

/**
 * The (gatewayId, messageId) pairs among `keys` that were already stored, as `gatewayId\nmessageId`,
 * with the SHA-256 of the stored body (null for messages stored before it was kept).
 */
export async function loadStoredMessageKeys(
  db: Queryable,
  keys: readonly { gatewayId: string; messageId: string }[],
): Promise<Map<string, Buffer | null>> {
  const stored = new Map<string, Buffer | null>();
  if (keys.length === 0) return stored;
  const { rows } = await db.query<{ gateway_id: string; message_id: string; body_sha256: Buffer | null }>(
    `SELECT m.gateway_id, m.message_id, m.body_sha256
       FROM ingest_message m
       JOIN unnest($1::text[], $2::text[]) AS k(gateway_id, message_id)
         ON m.gateway_id = k.gateway_id AND m.message_id = k.message_id`,
    [keys.map((k) => k.gatewayId), keys.map((k) => k.messageId)],
  );
  for (const r of rows) stored.set(messageKey(r.gateway_id, r.message_id), r.body_sha256);
  return stored;
}

/**
 * Counts redelivered copies of stored messages (same gateway, message id and body) on their
 * `ingest_message` row: `redeliveries` and `last_redelivered_at`. Nothing else is written for them.
 */
export async function countRedeliveries(
  db: Queryable,
  copies: readonly { gatewayId: string; messageId: string; receivedAt: Date }[],
): Promise<void> {
  if (copies.length === 0) return;
  await db.query(
    `UPDATE ingest_message m
        SET redeliveries = m.redeliveries + c.n,
            last_redelivered_at = greatest(m.last_redelivered_at, c.at)
       FROM (SELECT gateway_id, message_id, count(*)::int AS n, max(at) AS at
               FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u(gateway_id, message_id, at)
              GROUP BY gateway_id, message_id) c
      WHERE m.gateway_id = c.gateway_id AND m.message_id = c.message_id`,
    [
      copies.map((c) => c.gatewayId),
      copies.map((c) => c.messageId),
      copies.map((c) => c.receivedAt.toISOString()),
    ],
  );
}

export function messageKey(gatewayId: string, messageId: string): string {
  return `${gatewayId}\n${messageId}`;
}

export type MeterSpan = { meterId: string; minAt: Date; maxAt: Date };

/**
 * For every meter: the stored readings in [minAt, maxAt], the latest one before and the earliest one
 * after, in one query for the whole batch (import and export rows paired per instant).
 */
export async function loadStoredReadings(
  db: Queryable,
  spans: readonly MeterSpan[],
): Promise<Map<string, ViewEntry[]>> {
  const byMeter = new Map<string, ViewEntry[]>();
  if (spans.length === 0) return byMeter;
  const { rows } = await db.query<{
    meter_id: string;
    at: Date;
    import_wh: string | null;
    export_wh: string | null;
    import_delta_wh: string | null;
    export_delta_wh: string | null;
    export_reward_batch_id: string | null;
    export_reward_eligible: boolean | null;
  }>(
    `WITH span AS (
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS s(meter_id, min_at, max_at)
     ),
     instants AS (
       -- The reading before: first among the last 32 days (run-time partition pruning leaves one or two
       -- month partitions to probe), only then in every older partition (COALESCE stops at the first).
       SELECT s.meter_id, p.at FROM span s CROSS JOIN LATERAL (
         SELECT coalesce(
           (SELECT r.at FROM reading r
             WHERE r.meter_id = s.meter_id AND r.at < s.min_at AND r.at >= s.min_at - interval '32 days'
             ORDER BY r.at DESC LIMIT 1),
           (SELECT r.at FROM reading r
             WHERE r.meter_id = s.meter_id AND r.at < s.min_at - interval '32 days'
             ORDER BY r.at DESC LIMIT 1)) AS at
       ) p
       WHERE p.at IS NOT NULL
       UNION
       SELECT s.meter_id, n.at FROM span s CROSS JOIN LATERAL (
         SELECT r.at FROM reading r WHERE r.meter_id = s.meter_id AND r.at > s.max_at ORDER BY r.at LIMIT 1
       ) n
       UNION
       SELECT r.meter_id, r.at FROM span s
         JOIN reading r ON r.meter_id = s.meter_id AND r.at >= s.min_at AND r.at <= s.max_at
     )
     SELECT i.meter_id, i.at, v.*
       FROM instants i
       -- LATERAL with an aggregate: one primary-key lookup per instant. A plain join grouped afterwards
       -- let the planner hash-join a sequential scan of the whole reading table for every batch.
       CROSS JOIN LATERAL (
         SELECT max(r.value_wh) FILTER (WHERE r.register = 'import')::text AS import_wh,
                max(r.value_wh) FILTER (WHERE r.register = 'export')::text AS export_wh,
                max(r.delta_wh) FILTER (WHERE r.register = 'import')::text AS import_delta_wh,
                max(r.delta_wh) FILTER (WHERE r.register = 'export')::text AS export_delta_wh,
                max(r.reward_batch_id) FILTER (WHERE r.register = 'export') AS export_reward_batch_id,
                bool_or(r.reward_eligible) FILTER (WHERE r.register = 'export') AS export_reward_eligible
           FROM reading r
          WHERE r.meter_id = i.meter_id AND r.at = i.at
       ) v
      ORDER BY i.meter_id, i.at`,
    [
      spans.map((s) => s.meterId),
      spans.map((s) => s.minAt.toISOString()),
      spans.map((s) => s.maxAt.toISOString()),
    ],
  );
  for (const r of rows) {
    if (r.import_wh === null || r.export_wh === null) continue; // half a reading: not a usable reference
    const list = byMeter.get(r.meter_id) ?? [];
    list.push({
      at: r.at,
      importWh: BigInt(r.import_wh),
      exportWh: BigInt(r.export_wh),
      importDeltaWh: r.import_delta_wh === null ? null : BigInt(r.import_delta_wh),
      exportDeltaWh: r.export_delta_wh === null ? null : BigInt(r.export_delta_wh),
      exportRewardBatchId: r.export_reward_batch_id,
      exportRewardEligible: r.export_reward_eligible === true,
      origin: "stored",
      deltaChanged: false,
    });
    byMeter.set(r.meter_id, list);
  }
  return byMeter;
}

/** A value in COPY's text format: `\N` for null; backslash, tab, newline and carriage return escaped. */
function copyField(value: string | null): string {
  if (value === null) return "\\N";
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) =>
        c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
      )
    : value;
}

/** Rows per chunk handed to the COPY stream (bounded memory for any batch size). */
const COPY_CHUNK_ROWS = 5_000;

/**
 * Writes rows with `COPY … FROM STDIN` (text format). COPY has no `ON CONFLICT`: a row that exists
 * fails the whole statement with a unique violation (23505), which `writeReadings`' callers answer by
 * storing the batch again with `INSERT … ON CONFLICT DO NOTHING` (process-batch.ts).
 */
async function copyRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rowCount: number,
  field: (row: number, column: number) => string | null,
): Promise<void> {
  if (rowCount === 0) return;
  function* lines(): Generator<string> {
    let chunk = "";
    for (let r = 0; r < rowCount; r++) {
      let line = "";
      for (let c = 0; c < columns.length; c++) line += (c === 0 ? "" : "\t") + copyField(field(r, c));
      chunk += line + "\n";
      if ((r + 1) % COPY_CHUNK_ROWS === 0) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk !== "") yield chunk;
  }
  const stream = (db as pg.PoolClient).query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
  await pipeline(Readable.from(lines()), stream);
}

export type WriteReadingsOptions = {
  /**
   * New reading rows by `COPY` (default) instead of `INSERT … ON CONFLICT DO NOTHING`. The batch's meter
   * views list only readings the database does not hold (under the batch's locks), so COPY meets no
   * conflict; should it meet one (e.g. half a reading stored by an older version), it fails with 23505
   * and the batch is stored again with `copy: false`.
   */
  copy?: boolean;
};

/**
 * Writes a batch's view changes: new readings as two rows each (import, export) with their deltas,
 * their intervals, and re-based deltas of stored readings. Returns the number of readings inserted.
 */
export async function writeReadings(
  db: Queryable,
  views: ReadonlyMap<string, readonly ViewEntry[]>,
  options: WriteReadingsOptions = {},
): Promise<number> {
  const ins = {
    meter: [] as string[],
    at: [] as string[],
    register: [] as string[],
    value: [] as string[],
    delta: [] as (string | null)[],
    gateway: [] as string[],
    message: [] as string[],
    receivedAt: [] as string[],
    reward: [] as (string | null)[],
    eligible: [] as boolean[],
  };
  const upd = {
    meter: [] as string[],
    at: [] as string[],
    register: [] as string[],
    delta: [] as (string | null)[],
    eligible: [] as boolean[],
  };
  const iv = {
    meter: [] as string[],
    register: [] as string[],
    start: [] as string[],
    end: [] as string[],
    wh: [] as string[],
  };
  let inserted = 0;
  for (const [meterId, entries] of views) {
    for (const e of entries) {
      const at = e.at.toISOString();
      if (e.origin === "stored") {
        if (!e.deltaChanged) continue;
        upd.meter.push(meterId, meterId);
        upd.at.push(at, at);
        upd.register.push("import", "export");
        upd.delta.push(bigintText(e.importDeltaWh), bigintText(e.exportDeltaWh));
        upd.eligible.push(false, e.exportRewardEligible);
        continue;
      }
      inserted++;
      const { gatewayId, messageId, receivedAt, intervals } = e.source;
      for (const [register, value, delta, reward, eligible] of [
        ["import", e.importWh, e.importDeltaWh, null, false],
        ["export", e.exportWh, e.exportDeltaWh, e.exportRewardBatchId, e.exportRewardEligible],
      ] as const) {
        ins.meter.push(meterId);
        ins.at.push(at);
        ins.register.push(register);
        ins.value.push(value.toString());
        ins.delta.push(bigintText(delta));
        ins.gateway.push(gatewayId);
        ins.message.push(messageId);
        ins.receivedAt.push(receivedAt.toISOString());
        ins.reward.push(reward);
        ins.eligible.push(eligible);
      }
      for (const interval of intervals) {
        for (const [register, wh] of [
          ["import", interval.importWh],
          ["export", interval.exportWh],
        ] as const) {
          iv.meter.push(meterId);
          iv.register.push(register);
          iv.start.push(interval.start.toISOString());
          iv.end.push(interval.end.toISOString());
          iv.wh.push(wh.toString());
        }
      }
    }
  }
  // The reading columns in READING_COLUMNS' order, for COPY or for INSERT … unnest.
  const values = [
    ins.meter,
    ins.at,
    ins.register,
    ins.value,
    ins.delta,
    ins.gateway,
    ins.message,
    ins.receivedAt,
    ins.reward,
    ins.eligible,
  ];
  if (ins.meter.length > 0 && options.copy !== false) {
    await copyRows(db, "reading", READING_COLUMNS, ins.meter.length, (row, column) => {
      const value = (values[column] as readonly (string | boolean | null)[])[row] ?? null;
      return typeof value === "boolean" ? (value ? "t" : "f") : value;
    });
  } else if (ins.meter.length > 0) {
    await db.query(
      `INSERT INTO reading (${READING_COLUMNS.join(", ")})
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::bigint[], $5::bigint[], $6::text[],
                            $7::text[], $8::timestamptz[], $9::text[], $10::boolean[])
       ON CONFLICT DO NOTHING`,
      values,
    );
  }
  if (upd.meter.length > 0) {
    await db.query(
      `UPDATE reading r SET delta_wh = u.delta_wh, reward_eligible = u.eligible
         FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::bigint[], $5::boolean[])
              AS u(meter_id, at, register, delta_wh, eligible)
        WHERE r.meter_id = u.meter_id AND r.at = u.at AND r.register = u.register`,
      [upd.meter, upd.at, upd.register, upd.delta, upd.eligible],
    );
  }
  if (iv.meter.length > 0) {
    await db.query(
      `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[])
       ON CONFLICT DO NOTHING`,
      [iv.meter, iv.register, iv.start, iv.end, iv.wh],
    );
  }
  return inserted;
}

const READING_COLUMNS = [
  "meter_id",
  "at",
  "register",
  "value_wh",
  "delta_wh",
  "gateway_id",
  "message_id",
  "received_at",
  "reward_batch_id",
  "reward_eligible",
];

export type IngestMessageRow = {
  gatewayId: string;
  messageId: string;
  receivedAt: Date;
  sentAt: Date;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** SHA-256 of the signed body: tells a redelivered copy from a different message under a reused id. */
  bodySha256: Buffer;
};

export async function insertIngestMessages(db: Queryable, rows: readonly IngestMessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO ingest_message (gateway_id, message_id, received_at, sent_at, accepted, duplicates, rejected, body_sha256)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::int[], $6::int[], $7::int[],
                          $8::bytea[])
     ON CONFLICT DO NOTHING`,
    [
      rows.map((r) => r.gatewayId),
      rows.map((r) => r.messageId),
      rows.map((r) => r.receivedAt.toISOString()),
      rows.map((r) => r.sentAt.toISOString()),
      rows.map((r) => r.accepted),
      rows.map((r) => r.duplicates),
      rows.map((r) => r.rejected),
      rows.map((r) => r.bodySha256),
    ],
  );
}

/** One row of `rejected_input`: a refused message or reading, kept with its reason. */
export type RejectedInputRow = {
  receivedAt: Date;
  topic: string;
  gatewayId: string | null;
  messageId: string | null;
  meterId: string | null;
  readingAt: Date | null;
  reason: RejectReason;
  detail: string;
  /** The raw message (message-level) or the reading's JSON (reading-level). */
  payload: string;
};

export async function insertRejectedInputs(db: Queryable, rows: readonly RejectedInputRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO rejected_input (received_at, topic, gateway_id, message_id, meter_id, reading_at, reason, detail, payload)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                          $7::text[], $8::text[], $9::text[])`,
    [
      rows.map((r) => r.receivedAt.toISOString()),
      rows.map((r) => safeText(r.topic)),
      rows.map((r) => (r.gatewayId === null ? null : safeText(r.gatewayId))),
      rows.map((r) => (r.messageId === null ? null : safeText(r.messageId))),
      rows.map((r) => (r.meterId === null ? null : safeText(r.meterId))),
      rows.map((r) =>
        r.readingAt === null || Number.isNaN(r.readingAt.getTime()) ? null : r.readingAt.toISOString(),
      ),
      rows.map((r) => r.reason),
      rows.map((r) => safeText(r.detail)),
      rows.map((r) => safeText(r.payload)),
    ],
  );
}

/**
 * Deletes `rejected_input` rows received before `before`, in chunks of `chunk` rows (short
 * transactions, no long lock). Returns the number of rows deleted.
 */
export async function purgeRejectedInputs(
  db: Queryable,
  params: { before: Date; chunk?: number },
): Promise<number> {
  const chunk = params.chunk ?? 10_000;
  let total = 0;
  for (;;) {
    const result = await db.query(
      `DELETE FROM rejected_input WHERE id IN (
         SELECT id FROM rejected_input WHERE received_at < $1 ORDER BY received_at LIMIT $2)`,
      [params.before.toISOString(), chunk],
    );
    const deleted = result.rowCount ?? 0;
    total += deleted;
    if (deleted < chunk) return total;
  }
}
