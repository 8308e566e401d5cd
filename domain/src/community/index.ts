/**
 * Self-consumption communities (`@c4e/domain/community`): the per-quarter-hour solar split, the
 * period's totals per unit and occupant, the internal solar price under the legal cap, and the
 * resident's invoice. Pure: no I/O, no clock.
 */
export * from "./errors.ts";
export * from "./setup.ts";
export * from "./split-interval.ts";
export * from "./period-grid.ts";
export * from "./compute-period.ts";
export * from "./occupancy.ts";
export * from "./solar-price.ts";
export * from "./resident-invoice.ts";
