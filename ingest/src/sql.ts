import type pg from "pg";

/** Runs `work` in one transaction on one pooled connection; rolls back and rethrows on error. */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Postgres `text` cannot hold U+0000; untrusted text (payloads, details) gets U+FFFD in its place,
 * so storing a rejection can never fail on what was rejected.
 */
export function safeText(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
}

/** Text or null for SQL arrays (bigints cross as decimal strings). */
export function bigintText(value: bigint | null): string | null {
  return value === null ? null : value.toString();
}

/**
 * SQLSTATE classes 22 (data exception) and 23 (integrity violation): the statement can never succeed
 * with this input, unlike a lost connection, which is worth retrying.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}
