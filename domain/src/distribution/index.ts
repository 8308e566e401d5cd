// Distribution operators' rules (issue 18): meter exchanges, the DataHub wholesale and energy
// calculation, gas volume conversion.
export * from "./errors.ts";
export * from "./meter-exchange.ts";
export * from "./datahub-input.ts";
export * from "./datahub-series.ts";
export * from "./datahub-energy.ts";
export * from "./datahub-wholesale.ts";
export * from "./gas-volume-to-energy.ts";
export * from "./edifact.ts";
export * from "./mscons.ts";
export * from "./mscons-intervals.ts";
export * from "./obis.ts";
export * from "./meter-data-csv.ts";
