// A process that starts owned children and then ends in the way the test asks (owned-child.test.ts).
// Usage: tsx owned-child.fixture.ts <chain|tree> <exit|wait>
//   chain: a local Hardhat chain (startLocalChain); tree: node that starts a grandchild of its own
//   exit: process.exit(3) once the children run; wait: run until a signal arrives
// Prints "child <pid>" (and "grandchild <pid>" for tree) then "ready".
import { startLocalChain } from "./chain.ts";
import { spawnOwned } from "./owned-child.ts";
import { freePort } from "./ports.ts";

const [kind, end] = process.argv.slice(2);
if (kind === "chain") {
  const chain = await startLocalChain({ port: await freePort() });
  console.log(`child ${chain.pid}`);
} else {
  const script = `const c = require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
console.log("grandchild " + c.pid); setInterval(() => {}, 1000);`;
  const tree = spawnOwned(process.execPath, ["-e", script], { stdio: "inherit" });
  console.log(`child ${await tree.pid}`);
  await new Promise((r) => setTimeout(r, 300)); // usually the grandchild line comes first (the test waits for it)
}
console.log("ready");
if (end === "exit") process.exit(3);
setInterval(() => {}, 1000);
