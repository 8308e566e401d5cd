import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { poolConfigFromUrl } from "./connection.ts";
import { CatalogSafeClient } from "./pg-client.ts";

export type { Prisma } from "@prisma/client";
export { PrismaClient };

/** A Prisma client over the JS engine and adapter-pg (no engine binaries needed). */
export function createPrisma({ url, max = 5 }: { url: string; max?: number }): PrismaClient {
  const pool = new pg.Pool({
    ...poolConfigFromUrl(url),
    max,
    allowExitOnIdle: true,
    Client: CatalogSafeClient,
  });
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}
