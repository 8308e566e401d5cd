// Distribution operators' rules (issue 18): meter exchanges, DataHub-style wholesale and energy
// calculation, gas volume conversion.
export * from "./errors.ts";
export * from "./meter-exchange.ts";
