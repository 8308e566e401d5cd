/** Anything that runs a query: a pool, or a client inside a caller's transaction. */
import type { Queryable } from "@c4e/prisma";

/**
 * Balance of `address` in `token` on chain `chainId` as mirrored by the indexer (token_balance view:
 * the sum of incoming minus outgoing transfers up to the checkpoint). 0n for an unknown address.
 * @example await balanceOf(pool, 31337, deployment.token, wallet) // 1500000000000000000n
 */
export async function balanceOf(
  db: Queryable,
  chainId: number,
  token: string,
  address: string,
): Promise<bigint> {
  const { rows } = await db.query<{ balance: string }>(
    `SELECT "balance"::text AS "balance" FROM "token_balance" WHERE "chain_id" = $1 AND "token" = $2 AND "address" = $3`,
    [chainId, token.toLowerCase(), address.toLowerCase()],
  );
  const row = rows[0];
  return row === undefined ? 0n : BigInt(row.balance);
}

/**
 * Every holder of `token` on chain `chainId` with a non-zero mirrored balance, largest first
 * (ties by address). Addresses lower-case; the zero address (mint/burn side) is never listed.
 */
export async function balances(
  db: Queryable,
  chainId: number,
  token: string,
): Promise<{ address: string; balance: bigint }[]> {
  const { rows } = await db.query<{ address: string; balance: string }>(
    `SELECT "address", "balance"::text AS "balance" FROM "token_balance"
     WHERE "chain_id" = $1 AND "token" = $2 AND "balance" <> 0
     ORDER BY "balance" DESC, "address"`,
    [chainId, token.toLowerCase()],
  );
  return rows.map((r) => ({ address: r.address, balance: BigInt(r.balance) }));
}

export type MirrorFinality = {
  /** Last mirrored block (the checkpoint); null before the first range. */
  indexed: bigint | null;
  /** The chain's head when the checkpoint was written. */
  head: bigint | null;
  /** Last confirmed block: rows at or below it have `confirmations` blocks on top; newer ones may still be rolled back. */
  confirmed: bigint | null;
  confirmations: number;
};

/**
 * How far the mirror of chain `chainId` is indexed and confirmed (chain_checkpoint, chain_finality).
 * A row with `block_number <= confirmed` is final by the configured confirmation depth.
 * @example const { confirmed } = await mirrorFinality(pool, 31337); // 1234n
 */
export async function mirrorFinality(db: Queryable, chainId: number): Promise<MirrorFinality> {
  const { rows } = await db.query<{
    indexed: string | null;
    head: string | null;
    confirmed: string | null;
    confirmations: number | null;
  }>(
    `SELECT c."block_number"::text AS "indexed", c."head_number"::text AS "head",
            f."confirmed_number"::text AS "confirmed", f."confirmations"
     FROM (SELECT $1::int AS "chain_id") k
     LEFT JOIN "chain_checkpoint" c ON c."chain_id" = k."chain_id"
     LEFT JOIN "chain_finality" f ON f."chain_id" = k."chain_id"`,
    [chainId],
  );
  const row = rows[0];
  const big = (v: string | null | undefined) => (v === null || v === undefined ? null : BigInt(v));
  return {
    indexed: big(row?.indexed),
    head: big(row?.head),
    confirmed: big(row?.confirmed),
    confirmations: row?.confirmations ?? 0,
  };
}

/**
 * The confirmed balance of `address`: the sum of its transfers in blocks at or below the mirror's
 * confirmed block (mirrorFinality), so a transfer not yet `confirmations` deep is not counted.
 * 0n for an unknown address or before anything is confirmed.
 */
export async function confirmedBalanceOf(
  db: Queryable,
  chainId: number,
  token: string,
  address: string,
): Promise<bigint> {
  const { rows } = await db.query<{ balance: string }>(
    `WITH f AS (SELECT "confirmed_number" FROM "chain_finality" WHERE "chain_id" = $1)
     SELECT (COALESCE((SELECT sum("value") FROM "token_transfer" WHERE "chain_id" = $1 AND "token" = $2
                         AND "to_address" = $3 AND "block_number" <= (SELECT "confirmed_number" FROM f)), 0)
           - COALESCE((SELECT sum("value") FROM "token_transfer" WHERE "chain_id" = $1 AND "token" = $2
                         AND "from_address" = $3 AND "block_number" <= (SELECT "confirmed_number" FROM f)), 0))::text AS "balance"`,
    [chainId, token.toLowerCase(), address.toLowerCase()],
  );
  return BigInt(rows[0]?.balance ?? "0");
}
