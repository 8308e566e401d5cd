/**
 * Prepaid accounts for landlords (`@c4e/domain/prepaid`): the append-only ledger, balance alarms and
 * supply cut-off, usage priced and deducted as it arrives, and the gateway command state machine.
 * Shared costs use `@c4e/domain/allocation` and `@c4e/domain/hierarchy`. See docs/prepaid.md.
 */
export * from "./errors.ts";
export * from "./ledger.ts";
export * from "./alarms.ts";
export * from "./usage.ts";
export * from "./commands.ts";
