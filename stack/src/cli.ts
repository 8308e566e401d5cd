// The `c4e` command line: `start` runs the whole platform, `simulate` runs only the meter simulator.
import { parseArgs } from "node:util";
import { BILLING_COMMANDS, runBillingCommand } from "@c4e/billing/commands";
import { createPool } from "@c4e/prisma";
import { getAddress } from "viem";
import { demoFleet, seedFleet } from "./demo/fleet.ts";
import { DEV_ACCOUNT_INDEX, devAccount } from "./dev-accounts.ts";
import { PortInUseError } from "./embedded/ports.ts";
import { type Config, ConfigError, loadConfig } from "./env.ts";
import { createLog } from "./log.ts";
import { capacityMintCap, syncMintCap } from "./mint-cap.ts";
import { startPlatform } from "./platform.ts";
import { checkChain } from "./services.ts";
import { createSimulator } from "./simulator/simulator.ts";

const log = createLog("c4e");

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    for (const issue of err.issues) console.error(`C4E cannot start: ${issue.variable}: ${issue.message}`);
  } else if (err instanceof PortInUseError) {
    console.error(`C4E cannot start: ${err.message}`);
  } else {
    console.error(`C4E failed: ${(err as Error).stack ?? err}`);
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
async function start(config: Config, args: string[] = []): Promise<void> {
  const t0 = Date.now();
  const stopping = new AbortController();
  const signalled = untilSignal();
  void signalled.then(() => stopping.abort());
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform(config, { signal: stopping.signal, web: !args.includes("--no-web") });
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

/** `npm run simulate -- --gateways N --meters M --speed X [--backfill-hours H]` against a running platform. */
async function simulate(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      gateways: { type: "string", default: String(config.simulator.gateways) },
      meters: { type: "string", default: String(config.simulator.meters) },
      speed: { type: "string", default: String(config.simulator.speed) },
      "backfill-hours": { type: "string", default: String(config.simulator.backfillHours) },
    },
    strict: true,
  });
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
    SIM_GATEWAYS: values.gateways,
    SIM_METERS: values.meters,
    SIM_SPEED: values.speed,
    SIM_BACKFILL_HOURS: values["backfill-hours"],
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

async function main(): Promise<void> {
  const [command = "start", ...rest] = process.argv.slice(2);
  if ((BILLING_COMMANDS as readonly string[]).includes(command)) {
    process.exit(await runBillingCommand(process.argv.slice(2)));
  }
  const config = loadConfig();
  if (command === "start") await start(config, rest);
  else if (command === "simulate") await simulate(config, rest);
  else throw new Error(`unknown command ${command}: use start or simulate`);
}

main().catch(fail);
