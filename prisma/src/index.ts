export { createPool, poolConfigFromUrl } from "./connection.ts";
export { createPrisma, PrismaClient } from "./client.ts";
export type { Prisma } from "./client.ts";
export { applyMigrations, createDatabase, dropDatabase, migrationFiles } from "./migrate.ts";
