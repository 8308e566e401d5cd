export { demoFleet, seedFleet, type Fleet, type Household } from "./demo/fleet.ts";
export { demoGatewayKeyPair } from "./demo/keys.ts";
export { DEV_ACCOUNT_INDEX, devAccount, devPrivateKey } from "./dev-accounts.ts";
export { ConfigError, type Config, loadConfig } from "./env.ts";
export { startPlatform, type Platform } from "./platform.ts";
export { createSimulator } from "./simulator/simulator.ts";
export { encodeGatewayMessage } from "./simulator/gateway-message.ts";
