/**
 * `c4e urdb-import`: reads an OpenEI URDB tariff file and maps it with `importUrdbTariff` (pure, in
 * @c4e/domain) to the engine's tariff JSON. See docs/billing.md, "URDB import".
 */
import { readFileSync, writeFileSync } from "node:fs";
import { type UrdbImportResult, importUrdbTariff } from "@c4e/domain";

/** Reads and maps one URDB file; an unreadable file or invalid JSON is a refusal like any other. */
export function importUrdbFile(file: string): UrdbImportResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { ok: false, errors: [{ path: file, message: `cannot read: ${(error as Error).message}` }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ path: file, message: `not JSON: ${(error as Error).message}` }] };
  }
  return importUrdbTariff(json);
}

/**
 * Prints the tariff JSON (or writes it to `out`) and resolves to 0; on refusal prints one
 * `path: message` line per error on stderr and resolves to 1. Notes (what was left out and why) go
 * to stderr.
 */
export function runUrdbImport(file: string, opts: { out?: string } = {}): number {
  const result = importUrdbFile(file);
  if (!result.ok) {
    for (const e of result.errors) console.error(`${e.path}: ${e.message}`);
    console.error(`refused: ${file} (${result.errors.length} error${result.errors.length === 1 ? "" : "s"})`);
    return 1;
  }
  for (const note of result.notes) console.error(`note: ${note}`);
  const json = `${JSON.stringify(result.tariff, null, 2)}\n`;
  if (opts.out !== undefined) {
    writeFileSync(opts.out, json);
    console.error(`wrote ${opts.out}`);
  } else {
    process.stdout.write(json);
  }
  return 0;
}
