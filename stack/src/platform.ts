import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { seedBillingDemo } from "@c4e/billing/seed-demo";
import { seedTradingDemo } from "@c4e/trading/seed-demo";
import { createIndexer } from "@c4e/indexer";
import { createIngest } from "@c4e/ingest";
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { privateKeyToAccount } from "viem/accounts";
import { demoFleet, seedFleet } from "./demo/fleet.ts";
import { seedDemoPerks } from "./demo/perks.ts";
import { seedDemoReadingReport } from "./demo/reading-reports.ts";
import { seedDemoStaff } from "./demo/staff.ts";
import { ensureDeployment, type StackDeployment } from "./deployment.ts";
import { DEV_ACCOUNT_INDEX, devAccount, LOCAL_CHAIN_ID } from "./dev-accounts.ts";
import { startEmbeddedBroker } from "./embedded/broker.ts";
import { startLocalChain } from "./embedded/chain.ts";
import { assertPortFree } from "./embedded/ports.ts";
import { startEmbeddedPostgres, stopLeftoverServer } from "./embedded/postgres.ts";
import { type Config, ConfigError } from "./env.ts";
import { createLog, type Log, redactUrl } from "./log.ts";
import { capacityMintCap, checkMintCap, syncMintCap } from "./mint-cap.ts";
import { checkBroker, checkChain, checkDatabase, migrateDatabase } from "./services.ts";
import { createSimulator } from "./simulator/simulator.ts";
import { buildWeb, startWeb } from "./web.ts";
import { startWorkerProcess } from "./worker/process.ts";

export type Platform = {
  databaseUrl: string;
  mqttUrl: string;
  rpcUrl: string;
  chainId: number;
  webUrl: string | null;
  deployment: StackDeployment;
  pool: pg.Pool;
  ingest: ReturnType<typeof createIngest>;
  indexer: ReturnType<typeof createIndexer>;
  simulator: ReturnType<typeof createSimulator> | null;
  /** stops ingest without acknowledging what it has not committed, then starts a new one (tests) */
  restartIngest: () => Promise<void>;
  summary: string[];
  stop: () => Promise<void>;
};

/** Postgres logs every checkpoint; show only what needs attention. */
function quietPostgresLog(log: (line: string) => void): (line: string) => void {
  return (line) => {
    if (
      /\b(WARNING|ERROR|FATAL|PANIC):/.test(line) &&
      !/terminating connection due to administrator/.test(line)
    )
      log(line);
  };
}

export type StartOptions = {
  web?: boolean;
  /** the job worker process (default: with the web app) */
  worker?: boolean;
  /** aborts a start in progress (Ctrl-C during start): what has started is stopped again */
  signal?: AbortSignal;
};

/**
 * Every embedded service's port, checked before anything starts, so a clash stops the start at once.
 * The embedded PostgreSQL an earlier, killed start left running on our data directory is stopped
 * first (it holds the port but is ours).
 */
async function checkPortsFirst(config: Config, options: StartOptions, log: Log): Promise<void> {
  if ("embedded" in config.database) {
    await stopLeftoverServer(config.database.embedded.dir, log);
    await assertPortFree(config.database.embedded.port, "PostgreSQL", "DATABASE_URL");
  }
  if ("embedded" in config.mqtt) await assertPortFree(config.mqtt.embedded.port, "MQTT broker", "MQTT_URL");
  if ("embedded" in config.chain)
    await assertPortFree(config.chain.embedded.port, "Hardhat chain", "RPC_URL");
  if (options.web !== false) await assertPortFree(config.web.port, "web app", "WEB_PORT");
}

/**
 * Composition root: starts (or connects to) Postgres, the broker and the chain, migrates, deploys,
 * seeds the demo, then runs ingest, indexer, web and the simulator. Everything started is stopped
 * again, in reverse order, by `stop()` or when a later step fails.
 */
export async function startPlatform(
  config: Config,
  options: StartOptions = { web: true },
): Promise<Platform> {
  const log = createLog("c4e");
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) {
      await s.stop().catch((err: Error) => log(`stopping ${s.name} failed: ${err.message}`));
    }
    stops.length = 0;
  };
  const summary: string[] = [];
  try {
    mkdirSync(config.dataDir, { recursive: true });
    // the embedded Postgres runs as the OS user postgres when we are root: it must reach its folder
    if (process.getuid?.() === 0) chmodSync(config.dataDir, 0o755);
    const step = () => options.signal?.throwIfAborted();
    await checkPortsFirst(config, options, log);
    const webBuild = options.web !== false ? buildWeb(createLog("web"), options.signal) : Promise.resolve();
    webBuild.catch(() => {}); // awaited below; avoids an unhandled rejection while other steps run

    // Postgres
    let databaseUrl: string;
    if ("url" in config.database) {
      await checkDatabase(config.database.url);
      databaseUrl = config.database.url;
      summary.push(`postgres   ${redactUrl(databaseUrl)}`);
    } else {
      const pg = await startEmbeddedPostgres({
        dataDir: config.database.embedded.dir,
        port: config.database.embedded.port,
        database: "c4e",
        log: quietPostgresLog(createLog("postgres")),
      });
      stops.push({ name: "postgres", stop: pg.stop });
      step();
      databaseUrl = pg.url;
      summary.push(
        `postgres   ${redactUrl(databaseUrl)}  (embedded, data in ${config.database.embedded.dir})`,
      );
    }
    await migrateDatabase(databaseUrl, createLog("postgres"));
    step();
    const pool = createPool({ url: databaseUrl, max: 10, applicationName: "c4e-stack" });
    stops.push({ name: "database pool", stop: () => pool.end() });

    // MQTT
    let mqttUrl: string;
    if ("url" in config.mqtt) {
      await checkBroker(config.mqtt.url);
      mqttUrl = config.mqtt.url;
      summary.push(`mqtt       ${redactUrl(mqttUrl)}`);
    } else {
      // its own process, sessions and queued messages on disk: what a gateway saw acknowledged
      // survives a kill -9 of this process (docs/broker.md)
      const broker = await startEmbeddedBroker({
        port: config.mqtt.embedded.port,
        dataDir: join(config.dataDir, "mqtt"),
        log: createLog("mqtt"),
      });
      stops.push({ name: "broker", stop: broker.stop });
      step();
      mqttUrl = broker.url;
      summary.push(`mqtt       ${mqttUrl}  (embedded aedes, data in ${broker.dataDir})`);
    }

    // Chain
    let rpcUrl: string;
    let minterKey: `0x${string}`;
    let deployer: ReturnType<typeof privateKeyToAccount> | ReturnType<typeof devAccount> | undefined;
    if ("rpcUrl" in config.chain) {
      rpcUrl = config.chain.rpcUrl;
      minterKey = config.chain.minterPrivateKey;
      deployer = config.chain.deployerPrivateKey
        ? privateKeyToAccount(config.chain.deployerPrivateKey)
        : undefined;
    } else {
      const chain = await startLocalChain({ port: config.chain.embedded.port });
      stops.push({ name: "chain", stop: chain.stop });
      step();
      rpcUrl = chain.url;
      const minter = devAccount(DEV_ACCOUNT_INDEX.minter).getHdKey().privateKey;
      if (!minter) throw new Error("dev minter key unavailable");
      minterKey = `0x${Buffer.from(minter).toString("hex")}`;
      deployer = devAccount(DEV_ACCOUNT_INDEX.deployer);
    }
    const chainId = await checkChain(rpcUrl);
    step();
    if ("rpcUrl" in config.chain && chainId === LOCAL_CHAIN_ID && !config.chain.allowDevChain) {
      throw new ConfigError([
        {
          variable: "RPC_URL",
          message: `answers with chain id ${LOCAL_CHAIN_ID}, a development chain where anyone holds the well-known keys: set ALLOW_DEV_CHAIN=1 to use it anyway (still without demo data)`,
        },
      ]);
    }
    // The demo, the simulator and the development wallet only ever run on the local chain the stack
    // started itself (loadConfig refuses SEED_DEMO and SIMULATOR with RPC_URL; this holds for any Config)
    const localDevChain = "embedded" in config.chain && chainId === LOCAL_CHAIN_ID;
    if (!localDevChain && (config.seedDemo || config.simulator.enabled)) {
      throw new ConfigError([
        {
          variable: config.seedDemo ? "SEED_DEMO" : "SIMULATOR",
          message: "must be off: the demo runs only on the local chain the stack starts itself",
        },
      ]);
    }
    summary.push(
      `chain      ${redactUrl(rpcUrl)}  (chain id ${chainId}${"embedded" in config.chain ? ", local hardhat node" : ""})`,
    );
    const minterAddress = privateKeyToAccount(minterKey).address;
    const periodSeconds = config.settlement.periodMinutes * 60;
    const fleetMintCap = () =>
      capacityMintCap(pool, config.settlement.periodMinutes, config.rewards.maxGapMinutes);
    const deployMintCap = await fleetMintCap();
    const deployment = await ensureDeployment({
      pool,
      rpcUrl,
      chainId,
      deployer,
      minter: minterAddress,
      periodSeconds,
      periodMintCap: deployMintCap,
      log: createLog("chain"),
    });
    summary.push(
      `contracts  C4EToken ${deployment.token}  RewardMinter ${deployment.rewardMinter}  GreenCertificates ${deployment.greenCertificates}  C4EPerks ${deployment.perks}`,
    );

    // Demo data (each seed function also refuses a chain other than 31337)
    const fleet = demoFleet({ gateways: config.simulator.gateways, meters: config.simulator.meters });
    if (config.seedDemo) {
      await seedFleet(pool, fleet, { chainId });
      await seedDemoStaff(pool, fleet.retailer.id, { chainId });
      await seedBillingDemo(pool);
      await seedTradingDemo(pool, fleet.retailer.id, { chainId });
      await seedDemoReadingReport(pool, fleet.retailer.id, { chainId });
      await seedDemoPerks({
        rpcUrl,
        chainId,
        perks: deployment.perks,
        retailer: devAccount(DEV_ACCOUNT_INDEX.deployer),
        log: createLog("chain"),
      });
    }
    if (localDevChain) {
      // The fleet's capacity is known now (after the seed): the local chain's admin (the deployer, dev
      // account 0 unless DEPLOYER_PRIVATE_KEY says otherwise; CAP_MANAGER_ROLE) sets the period and cap.
      // Not on any other chain, an external 31337 one included: no development key signs there.
      await syncMintCap({
        rpcUrl,
        chainId,
        rewardMinter: deployment.rewardMinter,
        admin: deployer ?? devAccount(DEV_ACCOUNT_INDEX.deployer),
        cap: config.seedDemo ? await fleetMintCap() : deployMintCap,
        periodSeconds,
        log: createLog("chain"),
      });
    } else {
      // No seed here: the fleet's capacity is the one the deployment was given.
      await checkMintCap({
        rpcUrl,
        chainId,
        rewardMinter: deployment.rewardMinter,
        capacityCap: deployMintCap,
        periodSeconds,
        log: createLog("chain"),
      });
    }
    step();

    // Indexer
    const indexer = createIndexer({
      databaseUrl,
      rpcUrl,
      chainId,
      deployment,
      ...config.indexer,
      log: createLog("indexer"),
    });
    await indexer.start();
    step();
    stops.push({ name: "indexer", stop: () => indexer.stop() });

    // Ingest
    const ingestConfig = {
      databaseUrl,
      mqttUrl,
      topicRoot: config.topicRoot,
      clientId: config.ingest.clientId ?? `c4e-ingest-${chainId}`,
      ...(config.ingest.sharedGroup === undefined ? {} : { sharedGroup: config.ingest.sharedGroup }),
      chain: { rpcUrl, chainId, rewardMinter: deployment.rewardMinter, minterPrivateKey: minterKey },
      settlementPeriodMinutes: config.settlement.periodMinutes,
      settlementMaxWaitSeconds: config.settlement.maxWaitSeconds,
      clockSkewSeconds: config.settlement.clockSkewSeconds,
      rewardMaxGapMinutes: config.rewards.maxGapMinutes,
      rewardBatchGasBudget: config.rewards.batchGasBudget,
      rewardConfirmations: config.rewards.confirmations ?? (localDevChain ? 0 : 12),
      rejectedRetentionDays: config.rejectedRetentionDays,
      batch: { maxMessages: 500, maxWaitMs: 200 },
      settleIntervalMs: 2000,
      log: createLog("ingest"),
    };
    let ingest = createIngest(ingestConfig);
    await ingest.start();
    step();
    const ingestStop = { name: "ingest", stop: () => ingest.stop() };
    stops.push(ingestStop);

    const webEnv = {
      DATABASE_URL: databaseUrl,
      RPC_URL: rpcUrl,
      CHAIN_ID: String(chainId),
      TOKEN_ADDRESS: deployment.token,
      REWARD_MINTER_ADDRESS: deployment.rewardMinter,
      PERKS_ADDRESS: deployment.perks,
      GREEN_CERTIFICATES_ADDRESS: deployment.greenCertificates,
      MQTT_URL: mqttUrl,
      WEB_ORIGIN: config.web.origin,
      // the development wallet signs with the local node's well-known accounts: local chain only
      DEV_WALLET: localDevChain ? "1" : "0",
    };

    // Job worker (bill runs, imports, switch activation: docs/jobs.md), beside the web app; the
    // switch activation runs there and no longer in the web process
    const withWorker = options.worker ?? options.web !== false;
    if (withWorker) {
      const worker = await startWorkerProcess({
        env: { DATABASE_URL: databaseUrl },
        log: createLog("worker"),
      });
      stops.push({ name: "worker", stop: worker.stop });
      step();
      summary.push(`worker     job queue in Postgres (schema pgboss), one worker process`);
    }

    // Web
    let webUrl: string | null = null;
    if (options.web !== false) {
      await webBuild;
      step();
      const web = await startWeb({
        port: config.web.port,
        log: createLog("web"),
        env: withWorker ? { ...webEnv, SWITCH_ACTIVATION_MINUTES: "0" } : webEnv,
      });
      stops.push({ name: "web", stop: web.stop });
      webUrl = config.web.origin;
      summary.push(`web        ${webUrl}/prosumer  (health: ${webUrl}/api/health)`);
    }

    // Simulator
    let simulator: ReturnType<typeof createSimulator> | null = null;
    if (config.simulator.enabled) {
      simulator = createSimulator({
        mqttUrl,
        topicRoot: config.topicRoot,
        fleet,
        speed: config.simulator.speed,
        backfillHours: config.simulator.backfillHours,
        pool,
        log: createLog("simulator"),
      });
      await simulator.start();
      const sim = simulator;
      stops.push({ name: "simulator", stop: () => sim.stop() });
      summary.push(
        `simulator  ${config.simulator.gateways} gateways × ${config.simulator.meters} households, ${config.simulator.speed}× until now, backfill ${config.simulator.backfillHours} h`,
      );
    }

    return {
      databaseUrl,
      mqttUrl,
      rpcUrl,
      chainId,
      webUrl,
      deployment,
      pool,
      get ingest() {
        return ingest;
      },
      indexer,
      simulator,
      summary,
      restartIngest: async () => {
        await ingest.stop();
        ingest = createIngest(ingestConfig);
        await ingest.start();
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
