/**
 * Finds the tables a TypeScript source file writes: SQL in its string and template literals
 * (INSERT INTO, UPDATE [ONLY] … SET, DELETE FROM, MERGE INTO, TRUNCATE, COPY … FROM, and run-time
 * ALTER TABLE / DROP TABLE) and Prisma
 * client writes (`.product.create(…)`, `.productVersion.updateMany(…)`, …). Pure: text in, targets out.
 * The one-writer test (prisma/test/one-writer.test.ts) runs it over every workspace.
 */

/** One write found in a source file. `table` is "${…}" when the SQL names its table by interpolation. */
export type WriteTarget = {
  table: string;
  /** 1-based line of the statement's keyword (or of the Prisma delegate). */
  line: number;
  via: "sql" | "prisma";
  /** The matched words, e.g. "UPDATE ONLY product_version SET" or ".product.create(". */
  excerpt: string;
};

export type FindWriteTargetsParameters = {
  source: string;
  /** Prisma delegate name (`productVersion`) → table (`product_version`), from the schema's models. */
  delegates: ReadonlyMap<string, string>;
  /**
   * Tables the caller knows. A match in lower or mixed case ("Delete from your list") counts only when
   * it names a known table, so prose in messages is not taken for SQL; upper-case SQL always counts.
   */
  isKnownTable: (table: string) => boolean;
};

export const dynamicTable = "${…}";

const name = String.raw`(?:"[^"\n]+"|[A-Za-z_][\w$]*)`;
const ident = String.raw`(?:\$\{|${name}(?:\s*\.\s*${name})?)`;
const sqlWrites: readonly RegExp[] = [
  new RegExp(String.raw`\b(INSERT\s+INTO)\s+(${ident})`, "gi"),
  new RegExp(
    String.raw`\b(UPDATE(?:\s+ONLY)?)\s+(${ident})(?:\s*\*)?(?:\s+(?:AS\s+)?(?!SET\b)[A-Za-z_]\w*)?\s+SET\b`,
    "gi",
  ),
  new RegExp(String.raw`\b(DELETE\s+FROM(?:\s+ONLY)?)\s+(${ident})`, "gi"),
  new RegExp(String.raw`\b(MERGE\s+INTO(?:\s+ONLY)?)\s+(${ident})`, "gi"),
  new RegExp(String.raw`\b(COPY)\s+(${ident})\s*(?:\([^)]*\))?\s*FROM\b`, "gi"),
  // DDL on a table at run time (partition maintenance) is a write by whoever runs it
  new RegExp(String.raw`\b(ALTER\s+TABLE(?:\s+IF\s+EXISTS)?(?:\s+ONLY)?)\s+(${ident})`, "gi"),
  new RegExp(String.raw`\b(DROP\s+TABLE(?:\s+IF\s+EXISTS)?)\s+(${ident}(?:\s*,\s*${ident})*)`, "gi"),
  new RegExp(
    String.raw`\b(TRUNCATE(?:\s+TABLE)?)\s+((?:ONLY\s+)?${ident}(?:\s*\*)?(?:\s*,\s*(?:ONLY\s+)?${ident}(?:\s*\*)?)*)`,
    "gi",
  ),
];
const prismaWriteMethods = [
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
];

/**
 * Every table `source` writes, in source order.
 * @example findWriteTargets({ source: 'db.query("DELETE FROM public.session WHERE id = $1")', … })
 *   // → [{ table: "session", line: 1, via: "sql", excerpt: "DELETE FROM public.session" }]
 */
export function findWriteTargets({
  source,
  delegates,
  isKnownTable,
}: FindWriteTargetsParameters): WriteTarget[] {
  const { code, text } = splitLiterals(source);
  const lineAt = lineIndex(source);
  const found: { index: number; target: WriteTarget }[] = [];

  for (const pattern of sqlWrites) {
    for (const match of text.matchAll(pattern)) {
      const keyword = match[1] ?? "";
      const tables = splitTableList(match[2] ?? "").map(normaliseTable);
      const upperCase = keyword === keyword.toUpperCase();
      for (const table of tables) {
        if (table.toLowerCase() === "set") continue;
        if (!upperCase && !isKnownTable(table)) continue; // prose such as "Delete from your list"
        found.push({
          index: match.index,
          target: { table, line: lineAt(match.index), via: "sql", excerpt: squash(match[0]) },
        });
      }
    }
  }

  const delegate = new RegExp(
    String.raw`\.\s*([A-Za-z_]\w*)\s*\.\s*(${prismaWriteMethods.join("|")})\s*[(<]`,
    "g",
  );
  for (const match of code.matchAll(delegate)) {
    const table = delegates.get(match[1] ?? "");
    if (table === undefined) continue;
    found.push({
      index: match.index,
      target: { table, line: lineAt(match.index), via: "prisma", excerpt: squash(match[0]) },
    });
  }

  return found.sort((a, b) => a.index - b.index).map((f) => f.target);
}

/** Prisma delegates from schema text: `model ProductVersion { … @@map("product_version") }` → productVersion → product_version. */
export function prismaDelegates(schema: string): Map<string, string> {
  const delegates = new Map<string, string>();
  for (const model of schema.matchAll(/^\s*model\s+(\w+)\s*\{([\s\S]*?)^\s*\}/gm)) {
    const modelName = model[1] ?? "";
    const mapped = /@@map\(\s*"([^"]+)"\s*\)/.exec(model[2] ?? "")?.[1] ?? modelName;
    delegates.set(modelName.charAt(0).toLowerCase() + modelName.slice(1), mapped);
  }
  return delegates;
}

function splitTableList(list: string): string[] {
  return list
    .split(",")
    .map((t) =>
      t
        .trim()
        .replace(/^ONLY\s+/i, "")
        .replace(/\s*\*$/, ""),
    )
    .filter((t) => t !== "");
}

/** `"public"."Product"` → `Product`, `public.product` → `product`, `c4e_partitions.reading_2026_01` stays qualified. */
function normaliseTable(raw: string): string {
  if (raw.includes("${")) return dynamicTable;
  const parts = raw.split(/\s*\.\s*/).map((p) => (p.startsWith('"') ? p.slice(1, -1) : p.toLowerCase()));
  if (parts.length === 2 && parts[0] === "public") parts.shift();
  return parts.join(".");
}

function squash(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

function lineIndex(source: string): (index: number) => number {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") starts.push(i + 1);
  return (index) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/**
 * Two views of `source`, both the same length (so indexes map to lines): `code` with comments and
 * literals blanked, `text` with only the contents of string and template literals. In `text`, each
 * literal is fenced by \u0001 so a pattern never runs from one literal into the next, and a template
 * interpolation starts with "${" so a table named by interpolation shows as such.
 */
export function splitLiterals(source: string): { code: string; text: string } {
  const code: string[] = [];
  const text: string[] = [];
  const blank = (c: string) => (c === "\n" ? "\n" : " ");
  const put = (asCode: string, asText: string) => {
    code.push(asCode);
    text.push(asText);
  };
  // Each entry: the brace depth at which an interpolation `${` was opened inside a template.
  const templates: number[] = [];
  let depth = 0;
  let lastCode = ""; // the last non-blank code character, to tell a regex literal from a division
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i] ?? "";
    const next = source[i + 1] ?? "";
    if (c === "/" && next === "/") {
      for (; i < n && source[i] !== "\n"; i++) put(" ", " ");
      continue;
    }
    if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      for (const stop = end < 0 ? n : end + 2; i < stop; i++)
        put(blank(source[i] ?? ""), blank(source[i] ?? ""));
      continue;
    }
    if (c === "/" && (lastCode === "" || "(,=:[!&|?{};+-*%<>~^".includes(lastCode))) {
      // A regex literal: skip it so the quotes in /["'`]/ open no string.
      let inClass = false;
      put(" ", " ");
      for (i++; i < n && source[i] !== "\n"; i++) {
        const r = source[i];
        put(" ", " ");
        if (r === "\\") {
          i++;
          if (i < n) put(" ", " ");
        } else if (r === "[") inClass = true;
        else if (r === "]") inClass = false;
        else if (r === "/" && !inClass) break;
      }
      i++;
      lastCode = "/";
      continue;
    }
    if (c === '"' || c === "'") {
      put(" ", "\u0001");
      for (i++; i < n && source[i] !== c && source[i] !== "\n"; i++) {
        if (source[i] === "\\") {
          put(" ", " ");
          i++;
        }
        put(" ", source[i] === "\n" ? "\n" : (source[i] ?? " "));
      }
      if (i < n) {
        put(blank(source[i] ?? ""), source[i] === "\n" ? "\n" : "\u0001");
        i++;
      }
      lastCode = c;
      continue;
    }
    if (c === "`" || (c === "}" && templates.length > 0 && templates[templates.length - 1] === depth)) {
      // The start of a template, or the end of an interpolation: template text up to ` or ${.
      if (c === "}") templates.pop();
      put(" ", c === "`" ? "\u0001" : " ");
      for (i++; i < n && source[i] !== "`" && !(source[i] === "$" && source[i + 1] === "{"); i++) {
        if (source[i] === "\\") {
          put(" ", " ");
          i++;
        }
        put(blank(source[i] ?? ""), source[i] ?? " ");
      }
      if (source[i] === "`") {
        put(" ", "\u0001");
        i++;
        lastCode = "`";
      } else if (i < n) {
        put(" ", "$");
        put(" ", "{");
        i += 2;
        templates.push(depth);
        lastCode = "{";
      }
      continue;
    }
    if (c === "{") depth++;
    if (c === "}") depth--;
    put(c, blank(c));
    if (!/\s/.test(c)) lastCode = /[\w$]/.test(c) ? "a" : c;
    i++;
  }
  return { code: code.join(""), text: text.join("") };
}
