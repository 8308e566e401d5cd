import pg from "pg";
import { parse } from "pg-connection-string";
import { CatalogSafeClient } from "./pg-client.ts";

/** Discrete pool fields from a postgres URL (the shadow database of `migrate dev` overrides `database`). */
export function poolConfigFromUrl(url: string): pg.PoolConfig {
  const c = parse(url);
  return {
    host: c.host ?? "127.0.0.1",
    port: c.port ? Number(c.port) : 5432,
    user: c.user ?? "postgres",
    password: c.password ?? undefined,
    database: c.database ?? "postgres",
    ssl: c.ssl ? { rejectUnauthorized: false } : undefined,
  };
}

export type CreatePoolParams = {
  url: string;
  max?: number;
  applicationName?: string;
  /** an idle client lost its connection (server restart or shutdown); the pool has already discarded it */
  onIdleError?: (err: Error) => void;
};

/**
 * A pg pool for the bulk paths and raw SQL. An idle client's connection error never crashes the
 * process (pg emits it on the pool; unhandled, Node would throw): the pool drops that client and the
 * next query reports any lasting problem.
 */
export function createPool({
  url,
  max = 10,
  applicationName = "c4e",
  onIdleError,
}: CreatePoolParams): pg.Pool {
  const pool = new pg.Pool({
    ...poolConfigFromUrl(url),
    max,
    application_name: applicationName,
    allowExitOnIdle: true,
    Client: CatalogSafeClient,
  });
  pool.on("error", (err) => onIdleError?.(err));
  return pool;
}
