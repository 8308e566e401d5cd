// The faults suite (issue 15): runs every bench/faults/<n>-*.ts in order, each a standalone script that
// prints JSON of what it found and exits 1 on a failure (0 with a "skipped" field when it cannot run
// here: reported as skipped, not passed). Arguments are passed on (`--small` for the CI-sized run).
// Usage: npm run faults [-- --small] [-- --only 1,3]
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";

const dir = import.meta.dirname;
const args = process.argv.slice(2);
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? "").split(",")) : null;
const passOn = onlyAt >= 0 ? args.filter((_, i) => i !== onlyAt && i !== onlyAt + 1) : args;
const cases = readdirSync(dir)
  .filter((f) => /^\d+-.+\.ts$/.test(f))
  .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b))
  .filter((f) => !only || only.has(String(Number.parseInt(f, 10))));

type Outcome = { case: string; status: "passed" | "failed" | "skipped"; seconds: number; note?: string };
const outcomes: Outcome[] = [];
for (const file of cases) {
  const started = Date.now();
  console.log(`\n--- ${file} ${passOn.join(" ")} (load average ${loadavg()[0]?.toFixed(2)})`);
  let out = "";
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(dir, file), ...passOn], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      process.stdout.write(c);
    });
    child.once("exit", (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  const seconds = +((Date.now() - started) / 1000).toFixed(1);
  const skipped = /"skipped"\s*:\s*"([^"]*)"/.exec(out);
  if (code === 0 && skipped) outcomes.push({ case: file, status: "skipped", seconds, note: skipped[1] });
  else
    outcomes.push({
      case: file,
      status: code === 0 ? "passed" : "failed",
      seconds,
      note: code ? `exit ${code}` : undefined,
    });
}

console.log("\n--- faults");
for (const o of outcomes)
  console.log(`${o.status.padEnd(7)} ${o.case} (${o.seconds} s)${o.note ? `: ${o.note}` : ""}`);
const count = (s: Outcome["status"]) => outcomes.filter((o) => o.status === s).length;
if (outcomes.length === 0) console.log("no fault case found");
console.log(`faults: ${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped`);
process.exit(count("failed") > 0 || outcomes.length === 0 ? 1 : 0);
