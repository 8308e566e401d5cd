import type pg from "pg";

/** A client or pool that can run a query (the store functions accept either). */
export type Queryable = Pick<pg.PoolClient, "query">;

/** Runs `fn` in one transaction on a client of `pool`; rolls back on any error. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** "19.00" → "19", "0.250000" → "0.25": numeric columns come back padded to their scale. */
export function trimDecimal(text: string): string {
  if (!text.includes(".")) return text;
  const trimmed = text.replace(/0+$/, "").replace(/\.$/, "");
  return trimmed === "-0" ? "0" : trimmed;
}

/** A JS Date of a Postgres `date` column read as text (YYYY-MM-DD). */
export function isoDate(value: string | Date): string {
  if (typeof value === "string") return value.slice(0, 10);
  return value.toISOString().slice(0, 10);
}
