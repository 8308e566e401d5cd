// Wholesale trading rules (issue 19): exact MWh, products and their shapes, prices, delivery notes,
// invoice consolidation, hourly matching, open position, capacity and the statistical return.
// Pure: no I/O, no clock, no environment. See docs/trading.md.
export * from "./errors.ts";
export * from "./mwh.ts";
export * from "./price.ts";
export * from "./delivery-grid.ts";
export * from "./tenor.ts";
export * from "./product.ts";
export * from "./pricing.ts";
export * from "./delivery-notes.ts";
export * from "./invoicing.ts";
export * from "./matching.ts";
export * from "./position.ts";
export * from "./capacity.ts";
export * from "./statistics.ts";
export * from "./nominations.ts";
export * from "./match-deals.ts";
