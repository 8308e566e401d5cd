#!/usr/bin/env node
// Runs one npm script (`test`, `test:integration`) in every workspace that has it, two at a time
// (C4E_WORKSPACE_JOBS), so that `npm test` on two cores is not one long queue. Each workspace's
// tests start their own embedded Postgres, broker and chain on free ports, and name their databases
// and topics at random, so two suites never share state. The web is built once first (`next build`)
// because the stack's and the web's tests both serve it and would otherwise build it side by side
// into the same folder. A workspace's output is printed when it ends, under its name; the exit code
// is non-zero when any workspace failed, and every workspace runs to the end either way.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const script = process.argv[2];
if (!script) {
  console.error("usage: node --import tsx scripts/workspaces.mjs <npm script>");
  process.exit(2);
}
const jobs = Math.max(1, Number(process.env.C4E_WORKSPACE_JOBS ?? 2) || 2);
const root = join(import.meta.dirname, "..");
const readJson = (file) => JSON.parse(readFileSync(join(root, file), "utf8"));

/** Longest suites first, so the short ones fill the gaps (measured on the CI machine). */
const PRIORITY = ["stack", "web", "billing", "ingest", "indexer", "property", "trading", "retail"];
const NEEDS_WEB_BUILD = new Set(["stack", "web"]);

const workspaces = readJson("package.json").workspaces.filter(
  (w) => readJson(join(w, "package.json")).scripts?.[script] !== undefined,
);
const rank = (w) => (PRIORITY.includes(w) ? PRIORITY.indexOf(w) : PRIORITY.length);

// The stack's own rule (`npm start` rebuilds by it too): no build, or the web or domain/src newer.
// Loaded through tsx (the npm scripts run this file with `node --import tsx`).
const { webBuildIsStale } = await import("../stack/src/web.ts");

/** A task: its label, the npm arguments, and what it waits for. */
const tasks = [];
const needsBuild =
  script.startsWith("test") && workspaces.some((w) => NEEDS_WEB_BUILD.has(w)) && webBuildIsStale();
if (needsBuild) tasks.push({ label: "web build", args: ["run", "build", "-w", "web"], after: null });
for (const w of [...workspaces].sort((a, b) => rank(a) - rank(b))) {
  tasks.push({
    label: `${w} ${script}`,
    args: ["run", script, "-w", w],
    after: needsBuild && NEEDS_WEB_BUILD.has(w) ? "web build" : null,
  });
}

const done = new Map(); // label → ok
const failed = [];
const started = Date.now();
const seconds = (from) => ((Date.now() - from) / 1000).toFixed(0);

function run(task) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    console.log(`--- ${task.label}: started (${seconds(started)} s)`);
    const child = spawn("npm", task.args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    const out = [];
    child.stdout.on("data", (c) => out.push(c));
    child.stderr.on("data", (c) => out.push(c));
    child.on("close", (code, signal) => {
      const ok = code === 0;
      console.log(`\n=== ${task.label}: ${ok ? "ok" : `FAILED (${signal ?? code})`} in ${seconds(t0)} s`);
      process.stdout.write(Buffer.concat(out));
      done.set(task.label, ok);
      if (!ok) failed.push(task.label);
      resolve();
    });
  });
}

const pending = [...tasks];
const running = new Set();
await new Promise((resolveAll) => {
  const next = () => {
    if (pending.length === 0 && running.size === 0) return resolveAll();
    while (running.size < jobs) {
      const i = pending.findIndex((t) => t.after === null || done.has(t.after));
      if (i < 0) break;
      const [task] = pending.splice(i, 1);
      if (task.after !== null && done.get(task.after) === false) {
        console.log(`=== ${task.label}: not run (${task.after} failed)`);
        failed.push(task.label);
        continue;
      }
      const p = run(task).then(() => {
        running.delete(p);
        next();
      });
      running.add(p);
    }
  };
  next();
});

console.log(
  `\n${script}: ${tasks.length - failed.length} of ${tasks.length} passed in ${seconds(started)} s` +
    (failed.length > 0 ? `; failed: ${failed.join(", ")}` : ""),
);
process.exit(failed.length > 0 ? 1 : 0);
