import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * The marker of a test file that uses no Postgres and no broker of the machine (pure functions, the
 * embedded services themselves, `npm start` on embedded defaults, the command line's help): its
 * first lines carry it. `npm run test:integration` (CI's second pass, against the machine's
 * PostgreSQL and Mosquitto) skips these files, which would only run the same a second time.
 */
export const NO_MACHINE_SERVICES = "c4e-test: needs no machine services";

function testFiles(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(path));
    else if (entry.name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

/**
 * The files under `root` (a workspace) that the integration pass skips, as paths relative to it for
 * vitest's `exclude`; none outside that pass (C4E_TEST_PASS=integration, set by test:integration).
 */
export function integrationPassSkips(root: string): string[] {
  if (process.env.C4E_TEST_PASS !== "integration") return [];
  return testFiles(root)
    .filter((file) => readFileSync(file, "utf8").slice(0, 1500).includes(NO_MACHINE_SERVICES))
    .map((file) => relative(root, file));
}
