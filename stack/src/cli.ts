// The `c4e` command line over every workspace's commands, with one argument parser (commander) and
// `--help` for each: `start` runs the whole platform, `simulate` the meter simulator, `redeem-perk` a
// demo redemption, `faults` the fault suite; ingest adds `partitions …`, billing its bill-run,
// bill-case, imports and exports (billing/src/commands.ts). `npm run c4e -- <command> --help`.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { registerBillingCommands } from "@c4e/billing/commands";
import { RefusedInputError } from "@c4e/domain";
import { registerIngestCommands } from "@c4e/ingest/commands";
import { registerCommunityCommands } from "@c4e/property/community/commands";
import { registerTradingCommands } from "@c4e/trading/commands";
import { createPool } from "@c4e/prisma";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { getAddress } from "viem";
import { demoFleet, seedFleet } from "./demo/fleet.ts";
import { DEV_ACCOUNT_INDEX, devAccount } from "./dev-accounts.ts";
import { PortInUseError } from "./embedded/ports.ts";
import { type Config, ConfigError, loadConfig } from "./env.ts";
import { createLog } from "./log.ts";
import { capacityMintCap, syncMintCap } from "./mint-cap.ts";
import { startPlatform } from "./platform.ts";
import { redeemPerk } from "./scripts/redeem-perk.ts";
import { checkChain } from "./services.ts";
import { createSimulator } from "./simulator/simulator.ts";

const log = createLog("c4e");

/**
 * Every failure as `c4e <command>: message` lines, exit 1 (a usage error: 2, printed by commander).
 * No stack trace unless C4E_DEBUG=1: the message says what is wrong and where.
 */
function fail(command: string, err: unknown): never {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  if (err instanceof ConfigError) {
    for (const issue of err.issues) console.error(`C4E cannot start: ${issue.variable}: ${issue.message}`);
  } else if (err instanceof RefusedInputError) {
    // a refusal is the input's fault: the reasons, one `path: message` line each, never a stack trace
    console.error(`c4e ${command}: ${err.message}`);
    for (const e of err.errors) console.error(`${e.path}: ${e.message}`);
  } else if (err instanceof PortInUseError) {
    console.error(`C4E cannot start: ${err.message}`);
  } else {
    const e = err as Error;
    console.error(`c4e ${command}: ${e?.message ?? String(err)}`);
    if (process.env.C4E_DEBUG === "1" && e?.stack) console.error(e.stack);
  }
  process.exit(1);
}

/**
 * Resolves on the first Ctrl-C / SIGTERM. Later ones are ignored: in a terminal the same Ctrl-C also
 * arrives relayed through npm and tsx, and the shutdown has its own time limit instead.
 */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.on("SIGINT", () => resolve("SIGINT"));
    process.on("SIGTERM", () => resolve("SIGTERM"));
  });
}

const SHUTDOWN_LIMIT_MS = 30_000;

/** Stops everything; exits non-zero when something does not stop in time. */
async function shutDown(stop: () => Promise<void>): Promise<never> {
  const limit = setTimeout(() => {
    console.error(`C4E did not stop within ${SHUTDOWN_LIMIT_MS / 1000} s: exiting`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  limit.unref();
  await stop();
  log("stopped");
  process.exit(0);
}

/** `start [--no-web]`: without the web app (fault cases, headless servers). */
async function start(config: Config, { web }: { web: boolean }): Promise<void> {
  const t0 = Date.now();
  const stopping = new AbortController();
  const signalled = untilSignal();
  void signalled.then(() => stopping.abort());
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform(config, { signal: stopping.signal, web });
  } catch (err) {
    if (!stopping.signal.aborted) throw err;
    log("stopped during start");
    process.exit(0);
  }
  log(`C4E is running (started in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  for (const line of platform.summary) log(`  ${line}`);
  log("Ctrl-C stops everything.");
  const signal = await signalled;
  log(`${signal}: stopping…`);
  await shutDown(platform.stop);
}

type SimulateOptions = { gateways?: string; meters?: string; speed?: string; backfillHours?: string };

/** `npm run simulate -- --gateways N --meters M --speed X [--backfill-hours H]` against a running platform. */
async function simulate(config: Config, values: SimulateOptions): Promise<void> {
  if ("rpcUrl" in config.chain) {
    throw new ConfigError([
      {
        variable: "RPC_URL",
        message:
          "npm run simulate signs readings with demo gateway keys anyone can derive: only against the local chain npm start runs",
      },
    ]);
  }
  const overrides = loadConfig({
    ...process.env,
    SIM_GATEWAYS: values.gateways ?? String(config.simulator.gateways),
    SIM_METERS: values.meters ?? String(config.simulator.meters),
    SIM_SPEED: values.speed ?? String(config.simulator.speed),
    SIM_BACKFILL_HOURS: values.backfillHours ?? String(config.simulator.backfillHours),
  });
  const databaseUrl =
    "url" in overrides.database
      ? overrides.database.url
      : `postgresql://postgres:postgres@127.0.0.1:${overrides.database.embedded.port}/c4e`;
  const mqttUrl =
    "url" in overrides.mqtt ? overrides.mqtt.url : `mqtt://127.0.0.1:${overrides.mqtt.embedded.port}`;
  const pool = createPool({ url: databaseUrl, max: 2, applicationName: "c4e-simulator" });
  const fleet = demoFleet({ gateways: overrides.simulator.gateways, meters: overrides.simulator.meters });
  const chainId = await checkChain(`http://127.0.0.1:${config.chain.embedded.port}`);
  await seedFleet(pool, fleet, { chainId }); // registers the simulated gateways' public keys and meters
  // More meters, more capacity: raise the local chain's per-period mint cap with them (the local admin
  // is dev account 0), or the larger fleet's periods would exceed it.
  const chainUrl = `http://127.0.0.1:${config.chain.embedded.port}`;
  const { rows } = await pool.query<{ reward_minter: string }>(
    "SELECT reward_minter FROM chain_deployment WHERE chain_id = $1",
    [chainId],
  );
  if (rows[0]) {
    await syncMintCap({
      rpcUrl: chainUrl,
      chainId,
      rewardMinter: getAddress(rows[0].reward_minter),
      admin: devAccount(DEV_ACCOUNT_INDEX.deployer),
      cap: await capacityMintCap(pool, overrides.settlement.periodMinutes, overrides.rewards.maxGapMinutes),
      periodSeconds: overrides.settlement.periodMinutes * 60,
      log: createLog("chain"),
    });
  }
  const sim = createSimulator({
    mqttUrl,
    topicRoot: overrides.topicRoot,
    fleet,
    speed: overrides.simulator.speed,
    backfillHours: overrides.simulator.backfillHours,
    pool,
    log: createLog("simulator"),
  });
  await sim.start();
  const timer = setInterval(
    () => log(`published ${sim.published()} messages, simulated until ${sim.simulatedUntil().toISOString()}`),
    5000,
  );
  await untilSignal();
  clearInterval(timer);
  await sim.stop();
  await pool.end();
  process.exit(0);
}

const REPO_ROOT = join(import.meta.dirname, "..", "..");

function wholeNumber(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError("a whole number");
  return Number(value);
}

/** The program; `exit` receives the exit code of a command that returns instead of running on. */
export function c4eProgram(exit: (code: number) => void): Command {
  const program = new Command("c4e")
    .description("C4E: the platform and its commands (docs/architecture.md)")
    .exitOverride()
    .showHelpAfterError("(add --help for usage)");
  program
    .command("start", { isDefault: true })
    .description("start the whole platform on embedded defaults (or the services the environment names)")
    .option("--no-web", "without the web app (fault cases, headless servers)")
    .action(async (o: { web: boolean }) => start(loadConfig(), { web: o.web }));
  program
    .command("simulate")
    .description("run the meter simulator against a running platform (local chain only)")
    .option("--gateways <n>", "simulated gateways")
    .option("--meters <n>", "meters per gateway")
    .option("--speed <x>", "simulated seconds per second")
    .option("--backfill-hours <h>", "hours of history to publish first")
    .action(async (o: SimulateOptions) => simulate(loadConfig(), o));
  program
    .command("redeem-perk")
    .description("a demo prosumer redeems a perk (permit + redeem) and waits for the coupon in the mirror")
    .option("--prosumer <index>", "dev account of the prosumer (2 Alice, 3 Bob, 4 Carol)", wholeNumber)
    .option("--perk <id>", "perk id (default: the cheapest active perk the prosumer can afford)")
    .option("--wait-seconds <s>", "how long to wait for the indexer", wholeNumber, 30)
    .action(async (o: { prosumer?: number; perk?: string; waitSeconds: number }) => {
      if (o.perk !== undefined && !/^\d{1,9}$/.test(o.perk))
        throw new InvalidArgumentError(`--perk: not a perk id: ${o.perk}`);
      await redeemPerk({
        prosumer: o.prosumer ?? DEV_ACCOUNT_INDEX.prosumers[0],
        perk: o.perk === undefined ? undefined : BigInt(o.perk),
        waitSeconds: o.waitSeconds,
      });
      exit(0);
    });
  program
    .command("faults")
    .description("the faults suite (bench/faults): kill -9, restarts, RPC cuts, reorgs")
    .option("--small", "the CI-sized run")
    .option("--only <cases>", "comma-separated case numbers, e.g. 1,3")
    .action(async (o: { small?: boolean; only?: string }) => {
      const args = [join(REPO_ROOT, "bench", "faults", "run.ts")];
      if (o.small) args.push("--small");
      if (o.only) args.push("--only", o.only);
      const child = spawn(join(REPO_ROOT, "node_modules", ".bin", "tsx"), args, {
        cwd: REPO_ROOT,
        stdio: "inherit",
      });
      exit(await new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1))));
    });
  registerIngestCommands(program, exit);
  registerBillingCommands(program, exit);
  registerCommunityCommands(program, exit);
  registerTradingCommands(program, exit);
  return program;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const command = argv.find((a) => !a.startsWith("-")) ?? "start";
  let code: number | undefined;
  try {
    await c4eProgram((c) => {
      code = c;
    }).parseAsync(argv, { from: "user" });
  } catch (err) {
    fail(command, err);
  }
  // start and simulate run until a signal and exit themselves; the other commands end here
  if (code !== undefined) process.exit(code);
}

main();
