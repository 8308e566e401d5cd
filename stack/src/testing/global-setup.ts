import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../embedded/ports.ts";
import { startEmbeddedPostgres } from "../embedded/postgres.ts";
import "./provided-context.ts";

/**
 * One Postgres server per test run: the machine's own when TEST_DATABASE_URL is set (CI's second run),
 * otherwise an embedded one in a temporary folder.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide("pgServerUrl", external);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "c4e-pg-"));
  chmodSync(dir, 0o755); // the server runs as the OS user postgres when we are root
  const pg = await startEmbeddedPostgres({
    dataDir: join(dir, "data"),
    port: await freePort(),
    database: "postgres",
  });
  project.provide("pgServerUrl", pg.serverUrl);
  return async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
