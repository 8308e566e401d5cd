export type { Prisma } from "./client.ts";
export { createPrisma, PrismaClient } from "./client.ts";
export { createPool, poolConfigFromUrl } from "./connection.ts";
export { applyMigrations, createDatabase, dropDatabase, migrationFiles } from "./migrate.ts";
export { inTransaction, type Queryable, withTransaction } from "./db.ts";
