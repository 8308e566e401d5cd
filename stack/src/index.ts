export { demoFleet, type Fleet, type Household, seedFleet } from "./demo/fleet.ts";
export { demoGatewayKeyPair } from "./demo/keys.ts";
export { DEV_ACCOUNT_INDEX, devAccount, devPrivateKey } from "./dev-accounts.ts";
export { type Config, ConfigError, loadConfig } from "./env.ts";
export { type Platform, startPlatform } from "./platform.ts";
export { encodeGatewayMessage } from "./simulator/gateway-message.ts";
export { createSimulator } from "./simulator/simulator.ts";
