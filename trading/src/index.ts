// @c4e/trading: the wholesale trading book (issue 19) over Postgres. Rules are in
// @c4e/domain/trading; invoices go through @c4e/billing's invoice store. See docs/trading.md.
export * from "./errors.ts";
export * from "./terms.ts";
export * from "./counterparties.ts";
export * from "./contracts.ts";
export * from "./book.ts";
export * from "./prices.ts";
export * from "./profile-import.ts";
export * from "./delivery-notes.ts";
export * from "./invoices.ts";
export * from "./matching.ts";
export * from "./position.ts";
export * from "./nominations.ts";
export * from "./capacity.ts";
export * from "./report.ts";
