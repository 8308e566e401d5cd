import type { Queryable } from "./db.ts";

/**
 * A sliding-window limit counted in Postgres from the rows a request leaves behind (a switch draft, an
 * issued nonce), so it holds across web processes and restarts and needs no store of its own.
 */
export type SlidingWindow = {
  /** the bucket, e.g. `switch-draft-ip:203.0.113.7`: requests of one bucket are counted under one lock */
  bucket: string;
  /**
   * SQL selecting the creation time of each of the bucket's rows; its parameters in `params` are `$3`,
   * `$4` … (`$1` and `$2` are taken: the window in seconds and the limit)
   */
  events: string;
  params: readonly unknown[];
  /** the most rows allowed within the window */
  max: number;
  windowSeconds: number;
};

/**
 * Takes a transaction-scoped advisory lock on the bucket (two requests of one bucket, from any web
 * process, cannot both take the last slot), then counts the bucket's rows created within the window.
 * Returns null below the limit, else the whole seconds until enough of them have left the window to
 * admit one more (for Retry-After). Call in the transaction that then stores the new row; lock
 * buckets of one request always in the same order.
 */
export async function slidingWindowExceeded(
  db: Queryable,
  window: SlidingWindow,
): Promise<{ retryAfterSeconds: number } | null> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [window.bucket]);
  const { rows } = await db.query<{ n: number; retry_after: number | null }>(
    `SELECT count(*)::int AS n,
            ceil(extract(epoch FROM (array_agg(at ORDER BY at))[greatest(count(*)::int - $2 + 1, 1)]
                 + make_interval(secs => $1) - now()))::int AS retry_after
       FROM (${window.events}) AS e(at)
      WHERE at > now() - make_interval(secs => $1)`,
    [window.windowSeconds, window.max, ...window.params],
  );
  const row = rows[0];
  if (!row || row.n < window.max) return null;
  return { retryAfterSeconds: Math.max(1, row.retry_after ?? window.windowSeconds) };
}
