export * from "./contract-document.ts";
export * from "./pod-identifier.ts";
export * from "./switch-status.ts";
export * from "./switch-typed-data.ts";
export * from "./withdrawal-deadline.ts";
export * from "./monthly-forecast.ts";
export * from "./signer-name.ts";
export * from "./switch-reference.ts";
