// Prisma CLI config: the JS schema engine over adapter-pg, so generate/migrate need no engine download.
import "./src/unref-timers.ts";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";
import { poolConfigFromUrl } from "./src/connection.ts";
import { CatalogSafeClient } from "./src/pg-client.ts";

// The datasource url must always resolve, or `generate` falls back to downloading an engine.
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:15432/c4e";
const url = process.env.DATABASE_URL;

type ScriptAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * adapter-pg runs a migration script by splitting it on every `;`, which breaks `;` inside comments,
 * strings and `$$` function bodies (triggers). Postgres runs a multi-statement script itself, in one
 * implicit transaction, so hand it the whole script.
 */
function runScriptsWhole<T extends ScriptAdapter>(adapter: T): T {
  adapter.executeScript = async (script: string) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      (adapter as unknown as { onError(e: unknown): never }).onError(error);
    }
  };
  return adapter;
}

/**
 * The adapter of the migration engine: whole scripts (above), and the shadow database's pool closed
 * before the database is dropped (the stock adapter drops first).
 */
class MigrationAdapter extends PrismaPg {
  override async connect() {
    return runScriptsWhole(await super.connect());
  }

  override async connectToShadowDb() {
    const base = poolConfigFromUrl(url);
    const admin = new pg.Client(base);
    await admin.connect();
    const database = `prisma_shadow_${crypto.randomUUID().replaceAll("-", "")}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const pool = new pg.Pool({ ...base, database, allowExitOnIdle: true, Client: CatalogSafeClient });
    const adapter = runScriptsWhole(await new PrismaPg(pool).connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await pool.end().catch(() => {});
      const drop = new pg.Client(base);
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await drop.end();
    };
    return adapter;
  }
}

export default defineConfig({
  schema: "schema",
  migrations: { path: "migrations" },
  engine: "js",
  experimental: { adapter: true },
  adapter: async () =>
    new MigrationAdapter(
      new pg.Pool({ ...poolConfigFromUrl(url), allowExitOnIdle: true, Client: CatalogSafeClient }),
    ),
});
