import { writeHeartbeat } from "@c4e/prisma/heartbeat";
import type pg from "pg";
import type { Hex } from "viem";
import type { BlockHeader, PerkOrCertificateLog, RewardBatchMintedLog, TransferLog } from "./chain-reader.ts";
import { CheckpointMovedError } from "./errors.ts";
import type { StoredBlock } from "./find-common-ancestor.ts";
import { insertPerkLogs, PERK_TABLE_NAMES } from "./perk-tables.ts";
import { withTransaction } from "@c4e/prisma";

/** Name of the indexer's row in service_heartbeat. */
export const INDEXER_HEARTBEAT_SERVICE = "indexer";

/**
 * First key of the transaction-level advisory lock that serialises writers of one chain's mirror
 * (second key: the chain id). Two indexers, or an indexer and resetChainMirror, never interleave.
 */
const CHAIN_LOCK_CLASS = 0x0c4e1d;

/** Postgres unique_violation. */
const UNIQUE_VIOLATION = "23505";

export type CommitRangeParams = {
  /** The checkpoint the range was read against (null before the first range). */
  expected: StoredBlock | null;
  /** Headers to keep for reorganisation detection. */
  blocks: readonly BlockHeader[];
  /** Time stamp (unix seconds) per block number of every event's block. */
  blockTimes: ReadonlyMap<bigint, bigint>;
  transfers: readonly TransferLog[];
  batches: readonly RewardBatchMintedLog[];
  /** Perk, coupon and certificate events (empty when the deployment has no such contracts). */
  perkLogs?: readonly PerkOrCertificateLog[];
  /** The range's last block: the new checkpoint. */
  checkpoint: StoredBlock;
  head: bigint;
  /** chain_block rows below this number are deleted (outside the reorganisation window). */
  pruneBelow: bigint;
  /** Last confirmed block (≤ checkpoint): rows above it are unconfirmed (chain_finality). */
  confirmed?: bigint;
  /** The confirmation depth it was computed with. */
  confirmations?: number;
};

export type RollbackParams = {
  expected: StoredBlock;
  /** The common ancestor, or null to drop the whole mirror of the chain (re-index from the deployment). */
  ancestor: StoredBlock | null;
  head: bigint;
  /** The confirmation depth: the confirmed block becomes at most min(ancestor, head − confirmations). */
  confirmations?: number;
};

/** The indexer's tables of one chain (a port over pg). */
export type MirrorStore = {
  checkpoint(): Promise<StoredBlock | null>;
  /** Stored block hashes at or below `upTo`, newest first. */
  recentBlocks(upTo: bigint): Promise<StoredBlock[]>;
  /** Stores a range's blocks and events and moves the checkpoint, in one transaction. */
  commitRange(params: CommitRangeParams): Promise<void>;
  /**
   * Deletes everything above the ancestor and moves the checkpoint back to it, in one transaction;
   * the confirmed block before (null: none recorded), so a rollback of confirmed blocks can be reported.
   */
  rollback(params: RollbackParams): Promise<{ confirmedBefore: bigint | null }>;
  heartbeat(detail: Record<string, unknown>): Promise<void>;
};

export function createMirrorStore({ pool, chainId }: { pool: pg.Pool; chainId: number }): MirrorStore {
  /**
   * One range in one transaction. The token transfers go in without `ON CONFLICT` (a range above the
   * checkpoint has no stored rows: rollbacks delete everything above their ancestor) unless
   * `conflicts`; the other tables always skip stored rows.
   */
  async function commitRangeOnce(p: CommitRangeParams, conflicts: boolean): Promise<void> {
    await withChainLock(pool, chainId, async (client) => {
      await expectCheckpoint(client, chainId, p.expected);
      if (p.blocks.length > 0) {
        await client.query(
          `INSERT INTO "chain_block" ("chain_id", "number", "hash", "parent_hash")
             SELECT $1::int, t.n, t.h, t.p FROM unnest($2::bigint[], $3::text[], $4::text[]) AS t(n, h, p)
             ON CONFLICT ("chain_id", "number") DO UPDATE SET "hash" = EXCLUDED."hash", "parent_hash" = EXCLUDED."parent_hash"`,
          [
            chainId,
            p.blocks.map((b) => b.number.toString()),
            p.blocks.map((b) => b.hash),
            p.blocks.map((b) => b.parentHash),
          ],
        );
      }
      if (p.transfers.length > 0) {
        // each column crosses as one array literal (built by join: no per-element quoting, as the
        // values are hex, digits and ISO times) and is unnested in Postgres
        const times = new Map<bigint, string>();
        const time = (n: bigint) => {
          let t = times.get(n);
          if (t === undefined) {
            t = blockTime(p.blockTimes, n);
            times.set(n, t);
          }
          return t;
        };
        const literal = (f: (t: TransferLog) => string | number | bigint) => {
          const out: (string | number | bigint)[] = new Array(p.transfers.length);
          for (let i = 0; i < p.transfers.length; i++) out[i] = f(p.transfers[i] as TransferLog);
          return `{${out.join(",")}}`;
        };
        await client.query(
          `INSERT INTO "token_transfer"
               ("chain_id", "block_number", "block_hash", "tx_hash", "log_index", "token", "from_address", "to_address", "value", "block_time")
             SELECT $1::int, t.* FROM unnest(
               $2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::timestamptz[]
             ) AS t${conflicts ? ` ON CONFLICT ("chain_id", "tx_hash", "log_index") DO NOTHING` : ""}`,
          [
            chainId,
            literal((t) => t.blockNumber),
            literal((t) => t.blockHash),
            literal((t) => t.txHash),
            literal((t) => t.logIndex),
            literal((t) => t.token),
            literal((t) => t.from),
            literal((t) => t.to),
            literal((t) => t.value),
            literal((t) => `"${time(t.blockNumber)}"`),
          ],
        );
      }
      if (p.batches.length > 0) {
        await client.query(
          `INSERT INTO "reward_batch_minted"
               ("chain_id", "block_number", "block_hash", "tx_hash", "log_index", "batch_id", "readings_root", "count", "total", "block_time")
             SELECT $1::int, t.* FROM unnest(
               $2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::int[], $9::numeric[], $10::timestamptz[]
             ) AS t
             ON CONFLICT ("chain_id", "tx_hash", "log_index") DO NOTHING`,
          [
            chainId,
            p.batches.map((b) => b.blockNumber.toString()),
            p.batches.map((b) => b.blockHash),
            p.batches.map((b) => b.txHash),
            p.batches.map((b) => b.logIndex),
            p.batches.map((b) => b.batchId),
            p.batches.map((b) => b.readingsRoot),
            p.batches.map((b) => b.count.toString()),
            p.batches.map((b) => b.total.toString()),
            p.batches.map((b) => blockTime(p.blockTimes, b.blockNumber)),
          ],
        );
      }
      if (p.perkLogs !== undefined && p.perkLogs.length > 0) {
        await insertPerkLogs(client, chainId, p.perkLogs, (n) => blockTime(p.blockTimes, n));
      }
      await client.query(
        `INSERT INTO "chain_checkpoint" ("chain_id", "block_number", "block_hash", "head_number", "updated_at")
           VALUES ($1, $2, $3, $4, now())
           ON CONFLICT ("chain_id") DO UPDATE SET "block_number" = EXCLUDED."block_number",
             "block_hash" = EXCLUDED."block_hash", "head_number" = EXCLUDED."head_number", "updated_at" = now()`,
        [chainId, p.checkpoint.number.toString(), p.checkpoint.hash, p.head.toString()],
      );
      await client.query(`DELETE FROM "chain_block" WHERE "chain_id" = $1 AND "number" < $2`, [
        chainId,
        p.pruneBelow.toString(),
      ]);
      const confirmed = p.confirmed ?? p.checkpoint.number;
      await client.query(
        `INSERT INTO "chain_finality" ("chain_id", "confirmed_number", "confirmations", "updated_at")
           VALUES ($1, $2, $3, now())
           ON CONFLICT ("chain_id") DO UPDATE SET "confirmed_number" = EXCLUDED."confirmed_number",
             "confirmations" = EXCLUDED."confirmations", "updated_at" = now()`,
        [chainId, confirmed.toString(), p.confirmations ?? 0],
      );
    });
  }

  return {
    async checkpoint() {
      return await readCheckpoint(pool, chainId, false);
    },

    async recentBlocks(upTo) {
      const { rows } = await pool.query<{ number: string; hash: Hex }>(
        `SELECT "number", "hash" FROM "chain_block" WHERE "chain_id" = $1 AND "number" <= $2 ORDER BY "number" DESC`,
        [chainId, upTo.toString()],
      );
      return rows.map((r) => ({ number: BigInt(r.number), hash: r.hash }));
    },

    async commitRange(p) {
      try {
        await commitRangeOnce(p, false);
      } catch (err) {
        // a row of the range is already stored (never after a clean rollback; e.g. rows written by
        // hand): the same range again, skipping the stored rows
        if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
        await commitRangeOnce(p, true);
      }
    },

    async rollback({ expected, ancestor, head, confirmations = 0 }) {
      return await withChainLock(pool, chainId, async (client) => {
        await expectCheckpoint(client, chainId, expected);
        const { rows } = await client.query<{ confirmed_number: string }>(
          `SELECT "confirmed_number" FROM "chain_finality" WHERE "chain_id" = $1`,
          [chainId],
        );
        const confirmedBefore = rows[0] === undefined ? null : BigInt(rows[0].confirmed_number);
        if (ancestor === null) {
          await deleteChainRows(client, chainId);
          return { confirmedBefore };
        }
        const above = ancestor.number.toString();
        await client.query(`DELETE FROM "token_transfer" WHERE "chain_id" = $1 AND "block_number" > $2`, [
          chainId,
          above,
        ]);
        await client.query(
          `DELETE FROM "reward_batch_minted" WHERE "chain_id" = $1 AND "block_number" > $2`,
          [chainId, above],
        );
        for (const table of PERK_TABLE_NAMES) {
          await client.query(`DELETE FROM "${table}" WHERE "chain_id" = $1 AND "block_number" > $2`, [
            chainId,
            above,
          ]);
        }
        await client.query(`DELETE FROM "chain_block" WHERE "chain_id" = $1 AND "number" > $2`, [
          chainId,
          above,
        ]);
        await client.query(
          `UPDATE "chain_checkpoint" SET "block_number" = $2, "block_hash" = $3, "head_number" = $4, "updated_at" = now()
           WHERE "chain_id" = $1`,
          [chainId, above, ancestor.hash, head.toString()],
        );
        const confirmedNow =
          head - BigInt(confirmations) < ancestor.number ? head - BigInt(confirmations) : ancestor.number;
        await client.query(
          `UPDATE "chain_finality" SET "confirmed_number" = LEAST("confirmed_number", $2::bigint), "updated_at" = now()
           WHERE "chain_id" = $1`,
          [chainId, confirmedNow.toString()],
        );
        return { confirmedBefore };
      });
    },

    async heartbeat(detail) {
      await writeHeartbeat(pool, { service: INDEXER_HEARTBEAT_SERVICE, lastMessageAt: null, detail });
    },
  };
}

/** Runs `fn` in a transaction holding the chain's writer lock. */
export async function withChainLock<T>(
  pool: pg.Pool,
  chainId: number,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [CHAIN_LOCK_CLASS, chainId]);
    return fn(client);
  });
}

/** Deletes every mirrored row and the checkpoint of one chain (inside a transaction). */
export async function deleteChainRows(client: pg.PoolClient, chainId: number): Promise<void> {
  for (const table of [
    "token_transfer",
    "reward_batch_minted",
    ...PERK_TABLE_NAMES,
    "chain_block",
    "chain_checkpoint",
    "chain_finality",
  ]) {
    await client.query(`DELETE FROM "${table}" WHERE "chain_id" = $1`, [chainId]);
  }
}

async function readCheckpoint(
  db: pg.Pool | pg.PoolClient,
  chainId: number,
  forUpdate: boolean,
): Promise<StoredBlock | null> {
  const { rows } = await db.query<{ block_number: string; block_hash: Hex }>(
    `SELECT "block_number", "block_hash" FROM "chain_checkpoint" WHERE "chain_id" = $1${forUpdate ? " FOR UPDATE" : ""}`,
    [chainId],
  );
  const row = rows[0];
  return row === undefined ? null : { number: BigInt(row.block_number), hash: row.block_hash };
}

async function expectCheckpoint(
  client: pg.PoolClient,
  chainId: number,
  expected: StoredBlock | null,
): Promise<void> {
  const actual = await readCheckpoint(client, chainId, true);
  const same =
    actual === null || expected === null
      ? actual === expected
      : actual.number === expected.number && actual.hash === expected.hash;
  if (!same) {
    throw new CheckpointMovedError(
      `checkpoint of chain ${chainId} moved from ${describe(expected)} to ${describe(actual)} during the step`,
    );
  }
}

function describe(block: StoredBlock | null): string {
  return block === null ? "none" : `${block.number} (${block.hash})`;
}

function blockTime(times: ReadonlyMap<bigint, bigint>, blockNumber: bigint): string {
  const seconds = times.get(blockNumber);
  if (seconds === undefined) throw new Error(`no time stamp for block ${blockNumber}`);
  return new Date(Number(seconds) * 1000).toISOString();
}
