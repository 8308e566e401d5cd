// c4e-test: needs no machine services (npm run test:integration skips this file)
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ownerOf, tableOwners, type Workspace } from "../src/ownership.ts";
import { dynamicTable, findWriteTargets, prismaDelegates } from "../src/write-targets.ts";

// One writer per table (DESIGN.md "Ownership and long work", issue 10): scans every workspace's
// non-test source for SQL and Prisma writes and fails when a workspace writes a table it does not own
// (prisma/src/ownership.ts) or a table the map does not know. No database needed.

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Writes that name their table by interpolation, with every table the interpolation can be. */
const dynamicTargets: Record<string, string[]> = {
  // COPY ${table}: the new-readings fast path (writeReadings)
  "ingest/src/store-readings.ts": ["reading", "reading_interval"],
  // ALTER TABLE ${table} DETACH PARTITION: month partitions leave for the archive
  "ingest/src/partitions.ts": ["reading", "reading_interval"],
  // DELETE FROM "${table}" over PERK_TABLE_NAMES on a reorg, and over the whole mirror on a reset
  "indexer/src/mirror-store.ts": [
    "perk_created",
    "perk_ended",
    "perk_redeemed",
    "coupon_consumed",
    "coupon_transfer",
    "certificates_issued",
    "certificates_claimed",
    "certificate_transfer",
    "token_transfer",
    "reward_batch_minted",
    "chain_block",
    "chain_checkpoint",
    "chain_finality",
  ],
  // INSERT INTO "${table}" per perk/certificate event table
  "indexer/src/perk-tables.ts": [
    "perk_created",
    "perk_ended",
    "perk_redeemed",
    "coupon_consumed",
    "coupon_transfer",
    "certificates_issued",
    "certificates_claimed",
    "certificate_transfer",
  ],
};

/**
 * Demo seeders that still write another workspace's tables. `npm start` seeds staff accounts
 * (web_user) with a plain INSERT; stack does not depend on web, so it cannot call web's function.
 * The rest of the demo (billing/src/seed-demo.ts, the fleet through @c4e/billing/seed-demo-customers
 * and @c4e/ingest/seed-demo-meters, the reading report) is seeded by the owners. Each entry names the
 * file and its tables, so any other foreign write still fails.
 */
const demoSeeders: Record<string, string[]> = {
  "stack/src/demo/staff.ts": ["web_user"],
};

type SourceFile = { path: string; workspace: Workspace; source: string };
type Allowlists = {
  dynamicTargets: Record<string, string[]>;
  demoSeeders: Record<string, string[]>;
};

function schemaText(): string {
  const dir = join(root, "prisma/schema");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".prisma"))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

const delegates = prismaDelegates(schemaText());

/** Every table and view the migrations create in the public schema. */
function migratedTables(): Set<string> {
  const dir = join(root, "prisma/migrations");
  const names = new Set<string>();
  for (const migration of readdirSync(dir)) {
    const file = join(dir, migration, "migration.sql");
    if (!existsSync(file)) continue;
    const sql = readFileSync(file, "utf8");
    for (const m of sql.matchAll(
      /CREATE\s+(?:TABLE|(?:OR\s+REPLACE\s+)?VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?\s/gi,
    ))
      if (m[1] && m[1] !== "c4e_partitions") names.add(m[1]);
  }
  return names;
}

const workspaces = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] }
).workspaces
  .concat("retail")
  .filter((w, i, all) => all.indexOf(w) === i && existsSync(join(root, w, "package.json"))) as Workspace[];

const skippedDirs = new Set(["node_modules", ".next", "dist", "test", "tests", "e2e", "artifacts", "cache"]);
const isTestFile = (name: string) => /\.(test|spec)\.tsx?$/.test(name) || name.endsWith(".d.ts");

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (!skippedDirs.has(entry)) yield* sourceFiles(path);
    } else if (/\.tsx?$/.test(entry) && !isTestFile(entry)) yield path;
  }
}

function workspaceSources(): SourceFile[] {
  return workspaces.flatMap((workspace) =>
    [...sourceFiles(join(root, workspace))].map((file) => ({
      path: relative(root, file),
      workspace,
      source: readFileSync(file, "utf8"),
    })),
  );
}

/** One line per foreign or unknown write, `file:line table: written by X, owned by Y`. */
function findViolations(files: SourceFile[], allow: Allowlists): string[] {
  const violations: string[] = [];
  const isKnownTable = (table: string) => ownerOf(table) !== undefined;
  for (const file of files) {
    for (const target of findWriteTargets({ source: file.source, delegates, isKnownTable })) {
      const at = `${file.path}:${target.line}`;
      const tables = target.table === dynamicTable ? allow.dynamicTargets[file.path] : [target.table];
      if (tables === undefined) {
        violations.push(
          `${at} ${target.excerpt}: the table is interpolated; list what it can be in dynamicTargets`,
        );
        continue;
      }
      for (const table of tables) {
        const owner = ownerOf(table);
        if (owner === undefined) {
          violations.push(
            `${at} ${table}: written by ${file.workspace}, missing from prisma/src/ownership.ts`,
          );
          continue;
        }
        if (owner === file.workspace) continue;
        if (allow.demoSeeders[file.path]?.includes(table)) continue;
        violations.push(
          `${at} ${table}: written by ${file.workspace} (${target.excerpt}), owned by ${owner}`,
        );
      }
    }
  }
  return violations;
}

const noAllowlists: Allowlists = { dynamicTargets: {}, demoSeeders: {} };

describe("one writer per table", () => {
  const files = workspaceSources();

  it("scans every workspace", () => {
    expect(workspaces).toEqual(expect.arrayContaining(["billing", "ingest", "indexer", "stack", "web"]));
    expect(files.length).toBeGreaterThan(200);
  });

  it("maps every table of the schema and the migrations to its owner, and no other", () => {
    const known = new Set([...delegates.values(), ...migratedTables()]);
    expect([...known].filter((t) => ownerOf(t) === undefined).sort()).toEqual([]);
    expect(Object.keys(tableOwners).filter((t) => !known.has(t))).toEqual([]);
  });

  it("lets only the owner write a table", () => {
    expect(findViolations(files, { dynamicTargets, demoSeeders })).toEqual([]);
  });

  it("keeps no stale demo or dynamic allowlist entry", () => {
    const isKnownTable = (table: string) => ownerOf(table) !== undefined;
    const stale: string[] = [];
    for (const [path, tables] of Object.entries(demoSeeders)) {
      const file = files.find((f) => f.path === path);
      const written = new Set(
        file ? findWriteTargets({ source: file.source, delegates, isKnownTable }).map((t) => t.table) : [],
      );
      stale.push(...tables.filter((t) => !written.has(t)).map((t) => `${path} no longer writes ${t}`));
    }
    for (const path of Object.keys(dynamicTargets)) {
      const file = files.find((f) => f.path === path);
      const targets = file ? findWriteTargets({ source: file.source, delegates, isKnownTable }) : [];
      if (!targets.some((t) => t.table === dynamicTable))
        stale.push(`${path} has no interpolated write target`);
    }
    expect(stale).toEqual([]);
  });

  it("fails when a workspace writes another's table, naming file, line, table, writer and owner", () => {
    const web: SourceFile = {
      path: "web/src/server/admin/sneaky.ts",
      workspace: "web",
      source: [
        `export async function renameProduct(db: Queryable, id: string, name: string) {`,
        `  await db.query(`,
        '    `UPDATE ONLY public."product"',
        "        SET name = $2 WHERE id = $1`,",
        `    [id, name],`,
        `  );`,
        `  await prisma.gateway.update({ where: { id }, data: { status: "disabled" } });`,
        `  await db.query("INSERT INTO audit_log (action) VALUES ('product.rename')");`,
        `  await db.query("DELETE FROM ghost_table WHERE id = $1", [id]);`,
        `}`,
      ].join("\n"),
    };
    expect(findViolations([web], noAllowlists)).toEqual([
      `web/src/server/admin/sneaky.ts:3 product: written by web (UPDATE ONLY public."product" SET), owned by billing`,
      `web/src/server/admin/sneaky.ts:7 gateway: written by web (.gateway.update(), owned by ingest`,
      `web/src/server/admin/sneaky.ts:9 ghost_table: written by web, missing from prisma/src/ownership.ts`,
    ]);
  });
});

describe("findWriteTargets", () => {
  const isKnownTable = (table: string) => ownerOf(table) !== undefined;
  const tablesIn = (source: string) =>
    findWriteTargets({ source, delegates, isKnownTable }).map((t) => `${t.line} ${t.table}`);

  it("finds every kind of SQL write (and run-time DDL), however spelled", () => {
    const source = [
      "const a = `INSERT INTO pod (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id`;", // 1
      "const b = `update contract c", // 2
      "  set status = 'ended'`;",
      `const c = "DELETE FROM ONLY c4e_partitions.reading_y2026m01 WHERE at < $1";`, // 4
      "const d = `COPY reading_interval (meter_id,", // 5
      "  start_at) FROM STDIN`;",
      `const e = "TRUNCATE TABLE invoice_line, ONLY invoice, bill_run CASCADE";`, // 7
      `const f = 'MERGE INTO "market_price" m USING src ON true';`, // 8
      "const g = `INSERT INTO ${table} SELECT 1`;", // 9
      "const h = `WITH moved AS (UPDATE reward_batch AS b SET status = 'pending' RETURNING *) SELECT 1`;", // 10
      "const i = `ALTER TABLE reading DETACH PARTITION c4e_partitions.reading_y2026m01`;", // 11
      'const j = "DROP TABLE IF EXISTS c4e_partitions.reading_y2025m01, c4e_partitions.reading_y2025m02";', // 12
    ].join("\n");
    expect(tablesIn(source)).toEqual([
      "1 pod",
      "2 contract",
      "4 c4e_partitions.reading_y2026m01",
      "5 reading_interval",
      "7 invoice_line",
      "7 invoice",
      "7 bill_run",
      "8 market_price",
      `9 ${dynamicTable}`,
      "10 reward_batch",
      "11 reading",
      "12 c4e_partitions.reading_y2025m01",
      "12 c4e_partitions.reading_y2025m02",
    ]);
    expect(ownerOf("c4e_partitions.reading_y2026m01")).toBe("ingest");
  });

  it("finds Prisma client writes on any client, across lines", () => {
    const source = [
      "await tx.productVersion.create({ data });",
      "await prisma.invoice",
      "  .updateMany({ where, data });",
      "await prisma.invoice.findMany({ where });",
      "await prisma.notAModel.delete({ where });",
    ].join("\n");
    expect(tablesIn(source)).toEqual(["1 product_version", "2 invoice"]);
  });

  it("ignores reads, comments and prose", () => {
    const source = [
      "// INSERT INTO pod happens in billing",
      "/* UPDATE contract SET x = 1 */",
      `const m = { "admin.products.update": "Update the product", del: "Delete from your list", ins: "insert into the form" };`,
      "const q = `SELECT * FROM contract FOR UPDATE`;",
      "const r = `SELECT 1 FROM pod FOR UPDATE SKIP LOCKED`;",
      "const s = /['\"`]/; const t = 'update pod'; // a regex with quotes does not open a string",
      "const copyOut = `COPY (SELECT * FROM invoice) TO STDOUT`;",
      `<p>Don't update the contract set by staff</p>`,
    ].join("\n");
    expect(tablesIn(source)).toEqual([]);
  });

  it("reads table names off the Prisma schema's models", () => {
    expect(
      prismaDelegates(
        `model ProductVersion {\n  id Int\n  @@map("product_version")\n}\nmodel Foo {\n  id Int\n}`,
      ),
    ).toEqual(
      new Map([
        ["productVersion", "product_version"],
        ["foo", "Foo"],
      ]),
    );
  });
});
