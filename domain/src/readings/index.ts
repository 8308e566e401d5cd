export * from "./check-reported-reading.ts";
export * from "./energy-kwh.ts";
export * from "./max-plausible-wh-per-day.ts";
