import type pg from "pg";

/** Anything that runs a query: a pool, or a client inside a caller's transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

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
