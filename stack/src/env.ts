import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { devKeyIndex } from "./dev-accounts.ts";
import { REPO_ROOT } from "./embedded/chain.ts";

/** One clear message per wrong variable; the start stops before anything runs. */
export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(issues.map((i) => `${i.variable}: ${i.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

const url = (schemes: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return schemes.includes(new URL(v).protocol.replace(/:$/, ""));
        } catch {
          return false;
        }
      },
      `must be a URL with scheme ${schemes.join(" or ")}`,
    );

const port = z.coerce.number().int().min(1).max(65535);
const privateKey = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key");
const flag = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");

const schema = z
  .object({
    DATABASE_URL: url(["postgres", "postgresql"]).optional(),
    MQTT_URL: url(["mqtt", "mqtts", "tcp", "ws", "wss"]).optional(),
    RPC_URL: url(["http", "https"]).optional(),
    MINTER_PRIVATE_KEY: privateKey.optional(),
    DEPLOYER_PRIVATE_KEY: privateKey.optional(),
    C4E_DATA_DIR: z.string().trim().min(1).default(".c4e"),
    PG_PORT: port.default(15432),
    MQTT_PORT: port.default(11883),
    CHAIN_PORT: port.default(18545),
    WEB_PORT: port.default(3000),
    WEB_ORIGIN: url(["http", "https"]).optional(),
    MQTT_TOPIC_ROOT: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, "must be topic levels without wildcards, e.g. c4e/v1")
      .default("c4e/v1"),
    INGEST_CLIENT_ID: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1–64 letters, digits, '.', '_' or '-'")
      .optional(),
    INGEST_SHARED_GROUP: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1–64 letters, digits, '.', '_' or '-'")
      .optional(),
    SETTLEMENT_PERIOD_MINUTES: z.coerce
      .number()
      .int()
      .refine((m) => m > 0 && 1440 % m === 0, "must divide a day (e.g. 15, 60, 1440)")
      .default(15),
    SETTLEMENT_MAX_WAIT_SECONDS: z.coerce.number().int().min(0).default(3600),
    CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
    INDEXER_POLL_MS: z.coerce.number().int().min(100).default(1000),
    INDEXER_MAX_BLOCK_RANGE: z.coerce.number().int().min(1).max(1_000_000).default(2000),
    INDEXER_MAX_RESPONSE_BYTES: z.coerce
      .number()
      .int()
      .min(16_384, "must hold a block header (≥ 16384)")
      .default(10_485_760),
    INDEXER_INITIAL_BLOCK_RANGE: z.coerce.number().int().min(1).max(1_000_000).default(16),
    INDEXER_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
    INDEXER_RETRIES: z.coerce.number().int().min(0).max(20).default(2),
    INDEXER_REORG_WINDOW: z.coerce.number().int().min(1).max(100_000).default(256),
    INDEXER_CONFIRMATIONS: z.coerce.number().int().min(0).max(99_999).default(0),
    INDEXER_READ_AHEAD: z.coerce.number().int().min(1).max(16).default(2),
    REWARD_MAX_GAP_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
    REWARD_BATCH_GAS_BUDGET: z.coerce
      .number()
      .int()
      .min(500_000, "must leave room for at least a few recipients (≥ 500000)")
      .max(16_000_000, "must stay under the 16,777,216 per-transaction gas cap (EIP-7825)")
      .default(8_000_000),
    REWARD_CONFIRMATIONS: z.coerce.number().int().min(0).max(1000).optional(),
    REJECTED_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    // on by default on the local chain, off with RPC_URL (and refused there: see below)
    SEED_DEMO: flag.optional(),
    SIMULATOR: flag.optional(),
    ALLOW_DEV_CHAIN: flag.default(false),
    SIM_GATEWAYS: z.coerce.number().int().min(1).max(10_000).default(3),
    SIM_METERS: z.coerce.number().int().min(1).max(1000).default(1),
    SIM_SPEED: z.coerce.number().min(1).max(1_000_000).default(3600),
    SIM_BACKFILL_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 60)
      .default(24),
  })
  .superRefine((v, ctx) => {
    const issue = (variable: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [variable], message });
    if (v.RPC_URL && !v.MINTER_PRIVATE_KEY) issue("MINTER_PRIVATE_KEY", "is required when RPC_URL is set");
    // Production mode (RPC_URL): nothing of the demo, which hands out keys anyone knows.
    if (v.RPC_URL && v.SEED_DEMO)
      issue(
        "SEED_DEMO",
        "must be off with RPC_URL: the demo makes public development accounts staff and customer wallets and registers gateways whose keys anyone can derive (local chain only)",
      );
    if (v.RPC_URL && v.SIMULATOR)
      issue(
        "SIMULATOR",
        "must be off with RPC_URL: the simulator signs readings with demo gateway keys anyone can derive, and they earn real rewards (local chain only)",
      );
    if (v.INGEST_SHARED_GROUP && !v.MQTT_URL)
      issue(
        "INGEST_SHARED_GROUP",
        "needs MQTT_URL: the embedded broker has no shared subscriptions; run Mosquitto or EMQX (docs/broker.md)",
      );
    if (v.INDEXER_CONFIRMATIONS >= v.INDEXER_REORG_WINDOW)
      issue(
        "INDEXER_CONFIRMATIONS",
        `must be below INDEXER_REORG_WINDOW (${v.INDEXER_REORG_WINDOW}): unconfirmed blocks must stay within the blocks whose hashes are kept`,
      );
    for (const variable of ["MINTER_PRIVATE_KEY", "DEPLOYER_PRIVATE_KEY"] as const) {
      const key = v[variable];
      const index = key === undefined ? null : devKeyIndex(key);
      if (index !== null)
        issue(
          variable,
          `is account ${index} of the public Hardhat development mnemonic: anyone can sign with it; use a key of your own`,
        );
    }
  });

export type Env = z.output<typeof schema>;

export type Config = {
  dataDir: string;
  database: { url: string } | { embedded: { port: number; dir: string } };
  mqtt: { url: string } | { embedded: { port: number } };
  chain:
    | {
        rpcUrl: string;
        minterPrivateKey: `0x${string}`;
        deployerPrivateKey?: `0x${string}`;
        /** ALLOW_DEV_CHAIN=1: RPC_URL may answer with the development chain id 31337 (still no demo) */
        allowDevChain: boolean;
      }
    | { embedded: { port: number } };
  topicRoot: string;
  /** INGEST_CLIENT_ID (default c4e-ingest-{chainId}) and INGEST_SHARED_GROUP (docs/ingest.md, "Scale-out") */
  ingest: { clientId?: string; sharedGroup?: string };
  web: { port: number; origin: string };
  settlement: { periodMinutes: number; maxWaitSeconds: number; clockSkewSeconds: number };
  indexer: {
    pollIntervalMs: number;
    maxBlockRange: number;
    maxResponseBytes: number;
    initialBlockRange: number;
    requestTimeoutMs: number;
    retries: number;
    reorgWindow: number;
    confirmations: number;
    readAhead: number;
  };
  rewards: {
    /** longest rewardable span between two readings (docs/reward-policy.md, "Baselines") */
    maxGapMinutes: number;
    /** gas budget of one mint transaction; a period is split into batches that fit it */
    batchGasBudget: bigint;
    /** blocks on top of a mint before it is reconciled; undefined: 0 on the local chain, else 12 */
    confirmations: number | undefined;
  };
  /** rejected input is purged after this many days */
  rejectedRetentionDays: number;
  /** the demo data (fleet, staff, billing, perks); only ever on the local chain the stack starts */
  seedDemo: boolean;
  simulator: { enabled: boolean; gateways: number; meters: number; speed: number; backfillHours: number };
};

/** Validates the environment once; throws ConfigError naming every wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? "environment"), message: i.message })),
    );
  }
  const e = parsed.data;
  const dataDir = isAbsolute(e.C4E_DATA_DIR) ? e.C4E_DATA_DIR : join(REPO_ROOT, e.C4E_DATA_DIR);
  return {
    dataDir,
    database: e.DATABASE_URL
      ? { url: e.DATABASE_URL }
      : { embedded: { port: e.PG_PORT, dir: join(dataDir, "postgres") } },
    mqtt: e.MQTT_URL ? { url: e.MQTT_URL } : { embedded: { port: e.MQTT_PORT } },
    chain: e.RPC_URL
      ? {
          rpcUrl: e.RPC_URL,
          minterPrivateKey: e.MINTER_PRIVATE_KEY as `0x${string}`,
          deployerPrivateKey: e.DEPLOYER_PRIVATE_KEY as `0x${string}` | undefined,
          allowDevChain: e.ALLOW_DEV_CHAIN,
        }
      : { embedded: { port: e.CHAIN_PORT } },
    topicRoot: e.MQTT_TOPIC_ROOT,
    ingest: {
      ...(e.INGEST_CLIENT_ID === undefined ? {} : { clientId: e.INGEST_CLIENT_ID }),
      ...(e.INGEST_SHARED_GROUP === undefined ? {} : { sharedGroup: e.INGEST_SHARED_GROUP }),
    },
    web: { port: e.WEB_PORT, origin: e.WEB_ORIGIN ?? `http://localhost:${e.WEB_PORT}` },
    settlement: {
      periodMinutes: e.SETTLEMENT_PERIOD_MINUTES,
      maxWaitSeconds: e.SETTLEMENT_MAX_WAIT_SECONDS,
      clockSkewSeconds: e.CLOCK_SKEW_SECONDS,
    },
    indexer: {
      pollIntervalMs: e.INDEXER_POLL_MS,
      maxBlockRange: e.INDEXER_MAX_BLOCK_RANGE,
      maxResponseBytes: e.INDEXER_MAX_RESPONSE_BYTES,
      initialBlockRange: e.INDEXER_INITIAL_BLOCK_RANGE,
      requestTimeoutMs: e.INDEXER_REQUEST_TIMEOUT_MS,
      retries: e.INDEXER_RETRIES,
      reorgWindow: e.INDEXER_REORG_WINDOW,
      confirmations: e.INDEXER_CONFIRMATIONS,
      readAhead: e.INDEXER_READ_AHEAD,
    },
    rewards: {
      maxGapMinutes: e.REWARD_MAX_GAP_MINUTES,
      batchGasBudget: BigInt(e.REWARD_BATCH_GAS_BUDGET),
      confirmations: e.REWARD_CONFIRMATIONS,
    },
    rejectedRetentionDays: e.REJECTED_RETENTION_DAYS,
    seedDemo: e.SEED_DEMO ?? !e.RPC_URL,
    simulator: {
      enabled: e.SIMULATOR ?? !e.RPC_URL,
      gateways: e.SIM_GATEWAYS,
      meters: e.SIM_METERS,
      speed: e.SIM_SPEED,
      backfillHours: e.SIM_BACKFILL_HOURS,
    },
  };
}
