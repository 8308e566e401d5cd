// c4e-test: needs no machine services (npm run test:integration skips this file)
import { describe, expect, it } from "vitest";
import { DEV_ACCOUNT_INDEX, devPrivateKey } from "../src/dev-accounts.ts";
import { ConfigError, loadConfig } from "../src/env.ts";

function refusalOf(env: Record<string, string>): ConfigError["issues"] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.variable);
    throw err;
  }
  return [];
}

describe("loadConfig", () => {
  it("defaults to embedded services on ports that do not clash with the machine's", () => {
    const c = loadConfig({});
    expect(c.database).toMatchObject({ embedded: { port: 15432 } });
    expect(c.mqtt).toEqual({ embedded: { port: 11883 } });
    expect(c.chain).toEqual({ embedded: { port: 18545 } });
    expect(c.web).toEqual({ port: 3000, origin: "http://localhost:3000" });
    expect(c.settlement.periodMinutes).toBe(15);
  });

  it("switches each part to a real service through one variable", () => {
    const c = loadConfig({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/test",
      MQTT_URL: "mqtt://127.0.0.1:1883",
      RPC_URL: "http://127.0.0.1:8545",
      MINTER_PRIVATE_KEY: `0x${"11".repeat(32)}`,
    });
    expect(c.database).toEqual({ url: "postgresql://postgres@127.0.0.1:5432/test" });
    expect(c.mqtt).toEqual({ url: "mqtt://127.0.0.1:1883" });
    expect(c.chain).toMatchObject({ rpcUrl: "http://127.0.0.1:8545" });
  });

  it("names every wrong variable", () => {
    expect(issuesOf({ DATABASE_URL: "mysql://x" })).toEqual(["DATABASE_URL"]);
    expect(issuesOf({ MQTT_URL: "not a url" })).toEqual(["MQTT_URL"]);
    expect(issuesOf({ RPC_URL: "http://127.0.0.1:8545" })).toEqual(["MINTER_PRIVATE_KEY"]);
    expect(issuesOf({ RPC_URL: "http://x", MINTER_PRIVATE_KEY: "0x1234" })).toEqual(["MINTER_PRIVATE_KEY"]);
    expect(issuesOf({ PG_PORT: "70000", WEB_PORT: "abc" }).sort()).toEqual(["PG_PORT", "WEB_PORT"]);
    expect(issuesOf({ SETTLEMENT_PERIOD_MINUTES: "7" })).toEqual(["SETTLEMENT_PERIOD_MINUTES"]);
    expect(issuesOf({ MQTT_TOPIC_ROOT: "c4e/#" })).toEqual(["MQTT_TOPIC_ROOT"]);
    expect(issuesOf({ REWARD_BATCH_GAS_BUDGET: "20000000" })).toEqual(["REWARD_BATCH_GAS_BUDGET"]);
    expect(issuesOf({ REWARD_MAX_GAP_MINUTES: "0" })).toEqual(["REWARD_MAX_GAP_MINUTES"]);
    expect(issuesOf({ REJECTED_RETENTION_DAYS: "-1" })).toEqual(["REJECTED_RETENTION_DAYS"]);
    expect(issuesOf({ INDEXER_MAX_RESPONSE_BYTES: "100" })).toEqual(["INDEXER_MAX_RESPONSE_BYTES"]);
    expect(issuesOf({ INDEXER_MAX_BLOCK_RANGE: "0" })).toEqual(["INDEXER_MAX_BLOCK_RANGE"]);
  });

  it("takes the reward settings, with defaults", () => {
    expect(loadConfig({})).toMatchObject({
      rewards: { maxGapMinutes: 60, batchGasBudget: 8_000_000n, confirmations: undefined },
      rejectedRetentionDays: 30,
    });
    expect(
      loadConfig({
        REWARD_MAX_GAP_MINUTES: "90",
        REWARD_BATCH_GAS_BUDGET: "4000000",
        REWARD_CONFIRMATIONS: "32",
      }),
    ).toMatchObject({ rewards: { maxGapMinutes: 90, batchGasBudget: 4_000_000n, confirmations: 32 } });
  });

  it("takes the ingest client id and shared group, and refuses a group on the embedded broker", () => {
    expect(loadConfig({}).ingest).toEqual({});
    expect(
      loadConfig({
        MQTT_URL: "mqtt://127.0.0.1:1883",
        INGEST_CLIENT_ID: "ingest-2",
        INGEST_SHARED_GROUP: "c4e",
      }).ingest,
    ).toEqual({ clientId: "ingest-2", sharedGroup: "c4e" });
    expect(issuesOf({ INGEST_SHARED_GROUP: "c4e" })).toEqual(["INGEST_SHARED_GROUP"]);
    expect(issuesOf({ MQTT_URL: "mqtt://127.0.0.1:1883", INGEST_SHARED_GROUP: "a/#" })).toEqual([
      "INGEST_SHARED_GROUP",
    ]);
    expect(issuesOf({ INGEST_CLIENT_ID: "bad id" })).toEqual(["INGEST_CLIENT_ID"]);
  });

  it("puts the variable name first in the message", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/^DATABASE_URL: must be a URL/);
  });

  it("runs the demo and the simulator on the local chain by default", () => {
    const c = loadConfig({});
    expect(c.seedDemo).toBe(true);
    expect(c.simulator.enabled).toBe(true);
    expect(loadConfig({ SEED_DEMO: "0", SIMULATOR: "0" })).toMatchObject({
      seedDemo: false,
      simulator: { enabled: false },
    });
  });
});

describe("production mode (RPC_URL)", () => {
  const ownKey = `0x${"11".repeat(32)}`;
  const production = { RPC_URL: "https://rpc.example.org", MINTER_PRIVATE_KEY: ownKey };

  it("turns the demo and the simulator off by default", () => {
    const c = loadConfig(production);
    expect(c.seedDemo).toBe(false);
    expect(c.simulator.enabled).toBe(false);
    expect(c.chain).toEqual({
      rpcUrl: "https://rpc.example.org",
      minterPrivateKey: ownKey,
      deployerPrivateKey: undefined,
      allowDevChain: false,
    });
  });

  it.each(["SEED_DEMO", "SIMULATOR"])("refuses %s=1 naming the variable", (variable) => {
    for (const on of ["1", "true"]) {
      expect(refusalOf({ ...production, [variable]: on })).toEqual([
        { variable, message: expect.stringMatching(/^must be off with RPC_URL: .*local chain only/) },
      ]);
    }
    expect(refusalOf({ ...production, [variable]: "0" })).toEqual([]);
    expect(() => loadConfig({ ...production, SEED_DEMO: "1", SIMULATOR: "1" })).toThrow(
      /^SEED_DEMO: must be off with RPC_URL.*\nSIMULATOR: must be off with RPC_URL/s,
    );
  });

  it.each(["MINTER_PRIVATE_KEY", "DEPLOYER_PRIVATE_KEY"])(
    "refuses a %s of the Hardhat development mnemonic (accounts 0 to 19 and beyond)",
    (variable) => {
      for (const index of [0, DEV_ACCOUNT_INDEX.minter, 2, 7, 19, 42]) {
        const key = devPrivateKey(index);
        for (const spelled of [key, key.toUpperCase().replace(/^0X/, "0x")]) {
          expect(refusalOf({ ...production, [variable]: spelled })).toEqual([
            {
              variable,
              message: `is account ${index} of the public Hardhat development mnemonic: anyone can sign with it; use a key of your own`,
            },
          ]);
        }
      }
      // also without RPC_URL: such a key never belongs in a configuration
      expect(issuesOf({ [variable]: devPrivateKey(0) })).toEqual([variable]);
      expect(refusalOf({ ...production, [variable]: `0x${"22".repeat(32)}` })).toEqual([]);
    },
  );

  it("takes ALLOW_DEV_CHAIN for an external chain with the id 31337", () => {
    expect(loadConfig({ ...production, ALLOW_DEV_CHAIN: "1" }).chain).toMatchObject({ allowDevChain: true });
    expect(issuesOf({ ...production, ALLOW_DEV_CHAIN: "maybe" })).toEqual(["ALLOW_DEV_CHAIN"]);
  });
});
