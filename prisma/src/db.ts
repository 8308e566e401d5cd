import type pg from "pg";

/**
 * The one database port every workspace writes its use cases against: anything that can run a query —
 * a pool, a pooled client, or a client inside a transaction. Functions that must run in one transaction
 * with their caller take a `Queryable` and leave BEGIN/COMMIT to the caller's `withTransaction`.
 */
export type Queryable = Pick<pg.PoolClient, "query">;

/**
 * Runs `work` in one transaction on one pooled connection; commits, or rolls back and rethrows.
 *
 * A connection that dies while held (Postgres restarted, network cut) emits 'error' on the client;
 * without a listener that would crash the process. The running query rejects anyway, so the error is
 * only remembered, and the broken connection is destroyed on release instead of going back to the pool.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(await pool.connect(), work, { release: true });
}

/**
 * Runs `work` in one transaction on a connection the caller holds (a worker that keeps one session with
 * its own settings across many transactions); `release` hands the connection back to its pool after.
 */
export async function inTransaction<T>(
  client: pg.PoolClient,
  work: (client: pg.PoolClient) => Promise<T>,
  { release = false }: { release?: boolean } = {},
): Promise<T> {
  let broken: Error | null = null;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    if (broken === null) await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.removeListener("error", onError);
    if (release) client.release(broken ?? undefined);
  }
}
