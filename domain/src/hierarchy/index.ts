// Meter hierarchies, virtual meters and losses: one model for grid operators and landlords.
export * from "./errors.ts";
export * from "./validity.ts";
export * from "./hierarchy.ts";
export * from "./virtual-meter.ts";
export * from "./losses.ts";
export * from "./allocate-losses.ts";
export * from "./meter-collection.ts";
