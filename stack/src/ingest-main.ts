// Ingest alone in a process of its own (fault cases; a supervised ingest next to a platform): reads
// its settings from the environment, prints "ingest running" once subscribed, stops on SIGTERM/SIGINT.
//   DATABASE_URL, MQTT_URL (required); MQTT_TOPIC_ROOT (c4e/v1); INGEST_CLIENT_ID (c4e-ingest);
//   RPC_URL, CHAIN_ID, REWARD_MINTER_ADDRESS, MINTER_PRIVATE_KEY: all four to mint, none to store only;
//   SETTLEMENT_PERIOD_MINUTES (15), SETTLEMENT_MAX_WAIT_SECONDS (3600), REWARD_CONFIRMATIONS (12).
// Usage: node --import tsx stack/src/ingest-main.ts
import { createIngest } from "@c4e/ingest";
import { createLog } from "./log.ts";

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) {
    console.error(`ingest: ${name} is required`);
    process.exit(2);
  }
  return value;
};
const chainVars = ["RPC_URL", "CHAIN_ID", "REWARD_MINTER_ADDRESS", "MINTER_PRIVATE_KEY"] as const;
const withChain = chainVars.every((v) => env[v]);
if (!withChain && chainVars.some((v) => env[v])) {
  console.error(`ingest: set all of ${chainVars.join(", ")} to mint, or none`);
  process.exit(2);
}
const log = createLog("ingest");
const ingest = createIngest({
  databaseUrl: required("DATABASE_URL"),
  mqttUrl: required("MQTT_URL"),
  topicRoot: env.MQTT_TOPIC_ROOT ?? "c4e/v1",
  clientId: env.INGEST_CLIENT_ID ?? "c4e-ingest",
  chain: withChain
    ? {
        rpcUrl: required("RPC_URL"),
        chainId: Number(required("CHAIN_ID")),
        rewardMinter: required("REWARD_MINTER_ADDRESS") as `0x${string}`,
        minterPrivateKey: required("MINTER_PRIVATE_KEY") as `0x${string}`,
      }
    : null,
  settlementPeriodMinutes: Number(env.SETTLEMENT_PERIOD_MINUTES ?? 15),
  settlementMaxWaitSeconds: Number(env.SETTLEMENT_MAX_WAIT_SECONDS ?? 3600),
  clockSkewSeconds: 120,
  rewardConfirmations: Number(env.REWARD_CONFIRMATIONS ?? 12),
  batch: { maxMessages: 500, maxWaitMs: 200 },
  settleIntervalMs: withChain ? 2000 : 3_600_000,
  log,
});
await ingest.start();
console.log("ingest running");
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void ingest.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
