import type pg from "pg";
import { sqlState } from "./sql.ts";
import { type Queryable, withTransaction } from "@c4e/prisma";

/**
 * Monthly partitions of the tables ingest owns (docs/ingest.md, "Partitions and retention"): `reading`
 * by `at` and `reading_interval` by `start_at`, one partition per UTC month in the schema
 * `c4e_partitions` (named `{table}_yYYYYmMM`), and a DEFAULT partition for anything no month covers.
 */
export const PARTITIONED_TABLES = ["reading", "reading_interval"] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** `YYYY-MM` of the UTC month `months` after the month of `at`. */
export function monthOf(at: Date, months = 0): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The partition's name for `month` (`YYYY-MM`); throws on anything else. */
export function partitionName(table: PartitionedTable, month: string): string {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (m === null) throw new Error(`month ${JSON.stringify(month)} is not YYYY-MM`);
  return `${table}_y${m[1]}m${m[2]}`;
}

/**
 * Creates the month partitions from the month of `at` through `monthsAhead` months later, for every
 * partitioned table (rows of a new month already in the DEFAULT partition are moved into it). Returns
 * the partitions created. Idempotent; safe to run from several ingest processes.
 */
export async function ensureMonthPartitions(db: Queryable, at: Date, monthsAhead = 2): Promise<string[]> {
  const created: string[] = [];
  for (const table of PARTITIONED_TABLES) {
    const { rows } = await db.query<{ name: string }>(
      "SELECT c4e_ensure_month_partitions($1::regclass, $2::date, $3::date) AS name",
      [table, `${monthOf(at)}-01`, `${monthOf(at, monthsAhead)}-01`],
    );
    created.push(...rows.map((r) => r.name));
  }
  return created;
}

export type PartitionInfo = {
  table: PartitionedTable;
  partition: string;
  /** null for the DEFAULT partition */
  month: string | null;
  rows: number;
};

/** The partitions of every partitioned table with their (estimated for large tables) row counts. */
export async function listPartitions(db: Queryable): Promise<PartitionInfo[]> {
  const { rows } = await db.query<{ parent: PartitionedTable; partition: string; rows: string }>(
    `SELECT p.relname AS parent, c.relname AS partition,
            greatest(c.reltuples, 0)::bigint::text AS rows
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = ANY($1::text[]) AND p.relnamespace = 'public'::regnamespace
      ORDER BY p.relname, c.relname`,
    [[...PARTITIONED_TABLES]],
  );
  return rows.map((r) => {
    const m = /_y(\d{4})m(\d{2})$/.exec(r.partition);
    return {
      table: r.parent,
      partition: r.partition,
      month: m === null ? null : `${m[1]}-${m[2]}`,
      rows: Number(r.rows),
    };
  });
}

/**
 * Detaches the partitions of `month` from `reading` and `reading_interval`. The detached tables stay in
 * `c4e_partitions` with their rows, to be archived (pg_dump -t) and dropped.
 *
 * Postgres refuses `DETACH … CONCURRENTLY` while a DEFAULT partition exists, and the DEFAULT partition
 * is what keeps a back-dated reading from being refused; so this is a plain DETACH, a catalogue change
 * that scans nothing but needs an ACCESS EXCLUSIVE lock on the parent for a moment. It waits at most
 * `lockTimeoutMs` for running transactions (ingest's are short) and is retried, so writers pause for
 * at most that long, never for the size of the month. Returns the tables detached; a month without
 * partitions is skipped.
 */
export async function detachMonth(
  pool: pg.Pool,
  month: string,
  { lockTimeoutMs = 2_000, attempts = 10 }: { lockTimeoutMs?: number; attempts?: number } = {},
): Promise<string[]> {
  const detached: string[] = [];
  for (const table of PARTITIONED_TABLES) {
    const name = partitionName(table, month);
    const { rows } = await pool.query<{ attached: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1) AND inhparent = $2::regclass) AS attached`,
      [`c4e_partitions.${name}`, table],
    );
    if (rows[0]?.attached !== true) continue;
    for (let attempt = 1; ; attempt++) {
      try {
        await withTransaction(pool, async (client) => {
          await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
          await client.query(`ALTER TABLE ${table} DETACH PARTITION c4e_partitions.${name}`);
        });
        break;
      } catch (error) {
        // 55P03 lock_not_available: a long transaction held the table; try again.
        if (sqlState(error) !== "55P03" || attempt >= attempts) throw error;
      }
    }
    detached.push(`c4e_partitions.${name}`);
  }
  return detached;
}
