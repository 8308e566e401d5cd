export * from "./gateway-message.ts";
export * from "./iso-instant.ts";
export * from "./load-model.ts";
export * from "./plausibility.ts";
export * from "./reward-policy.ts";
export * from "./billing/index.ts";
export * from "./switch/index.ts";
export * from "./readings/index.ts";
