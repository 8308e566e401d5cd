import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { getServerConfig } from "@/env.ts";

const holder = globalThis as typeof globalThis & { __c4eWebPool?: pg.Pool };

/**
 * The process's one pg pool. Kept on globalThis so that dev-mode module reloads reuse it instead of
 * opening a new pool per reload.
 */
export function getPool(): pg.Pool {
  if (!holder.__c4eWebPool) {
    const pool = createPool({
      url: getServerConfig().databaseUrl,
      max: 10,
      applicationName: "c4e-web",
      onIdleError: (err) => console.error("[web] idle database client error:", err.message),
    });
    holder.__c4eWebPool = pool;
  }
  return holder.__c4eWebPool;
}
