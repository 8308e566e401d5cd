// c4e-test: needs no machine services (npm run test:integration skips this file)
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Issue 10: one database port. `Queryable` and `withTransaction` are defined once, in
// prisma/src/db.ts; no workspace keeps its own copy of the type or of a BEGIN/COMMIT/ROLLBACK helper.

const ROOT = join(import.meta.dirname, "..", "..");
const WORKSPACES = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).workspaces as string[];
const HOME = "prisma/src/db.ts";

/** A hand-written transaction helper: BEGIN, then COMMIT and ROLLBACK in the same function body. */
const DEFINITIONS: { what: string; pattern: RegExp }[] = [
  {
    what: "Queryable type",
    pattern: /^\s*(?:export\s+)?(?:type\s+Queryable\s*(?:<[^>]*>)?\s*=|interface\s+Queryable\b)/m,
  },
  { what: "withTransaction function", pattern: /\bfunction\s+withTransaction\b/ },
  {
    what: "re-export of the port (import it from @c4e/prisma)",
    pattern: /export\s+(?:type\s+)?\{[^}]*\b(?:Queryable|withTransaction|inTransaction)\b[^}]*\}\s*from/,
  },
  {
    what: "hand-written transaction (BEGIN … ROLLBACK)",
    pattern: /query\(\s*["'`]BEGIN[\s\S]{0,2000}?["'`]ROLLBACK["'`]/,
  },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "generated", "artifacts", "cache"].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

export function copiesOfThePort(files: { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    // The port's own workspace: migrate.ts runs migrations on a single pg.Client, not a pool.
    if (path.startsWith("prisma/src/")) continue;
    for (const { what, pattern } of DEFINITIONS) {
      const m = pattern.exec(text);
      if (m) found.push(`${path}:${text.slice(0, m.index).split("\n").length}: ${what}`);
    }
  }
  return found;
}

describe("one database port", () => {
  it("finds a copy when there is one (the scanner can fail)", () => {
    const copy = `export type Queryable = Pick<pg.Pool, "query">;
      async function tx(pool) { const c = await pool.connect(); try { await c.query("BEGIN"); }
      catch (e) { await c.query("ROLLBACK"); throw e; } }`;
    expect(copiesOfThePort([{ path: "web/src/x.ts", text: copy }])).toEqual([
      "web/src/x.ts:1: Queryable type",
      "web/src/x.ts:2: hand-written transaction (BEGIN … ROLLBACK)",
    ]);
    expect(copiesOfThePort([{ path: HOME, text: copy }])).toEqual([]);
    expect(
      copiesOfThePort([
        { path: "billing/src/db.ts", text: 'export { withTransaction } from "@c4e/prisma";' },
      ]),
    ).toEqual(["billing/src/db.ts:1: re-export of the port (import it from @c4e/prisma)"]);
  });

  it("Queryable and withTransaction exist once, in prisma/src/db.ts, in every workspace's source", () => {
    const files = WORKSPACES.flatMap((ws) => sourceFiles(join(ROOT, ws, "src"))).map((path) => ({
      path: relative(ROOT, path),
      text: readFileSync(path, "utf8"),
    }));
    expect(files.length).toBeGreaterThan(100);
    expect(copiesOfThePort(files)).toEqual([]);
  });
});
