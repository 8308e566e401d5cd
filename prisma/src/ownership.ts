// One writer per table (DESIGN.md "Ownership and long work"): every table is written by exactly one
// workspace, through its use-case functions; the others read it or call those functions. The
// one-writer test (prisma/test/one-writer.test.ts) scans every workspace's source for writes and
// fails on a write by a non-owner or to a table missing here. docs/ownership.md explains the map.

export type Workspace =
  | "contracts"
  | "domain"
  | "prisma"
  | "billing"
  | "ingest"
  | "indexer"
  | "retail"
  | "property"
  | "trading"
  | "stack"
  | "web";

/**
 * Every table of prisma/schema and prisma/migrations → the workspace that alone writes it. Views
 * (never written) are listed too, so a write to one shows up as a wrong writer, not as unknown.
 */
export const tableOwners = {
  // ingest: metering infrastructure, readings and the reward batches it mints.
  // Gateways, sites and meters are registered by staff on the admin pages, but ingest verifies every
  // batch against them (gateway key, meter ↔ gateway), so ingest keeps their one write path.
  gateway: "ingest",
  site: "ingest",
  meter: "ingest",
  reading: "ingest",
  reading_interval: "ingest",
  meter_reward_baseline: "ingest",
  ingest_message: "ingest",
  rejected_input: "ingest",
  reward_batch: "ingest",
  reward_allocation: "ingest",
  reward_leaf: "ingest",

  // indexer: the chain mirror, reorg-safe (one transaction per block range).
  chain_block: "indexer",
  chain_checkpoint: "indexer",
  chain_finality: "indexer",
  token_transfer: "indexer",
  reward_batch_minted: "indexer",
  perk_created: "indexer",
  perk_ended: "indexer",
  perk_redeemed: "indexer",
  coupon_consumed: "indexer",
  coupon_transfer: "indexer",
  certificates_issued: "indexer",
  certificates_claimed: "indexer",
  certificate_transfer: "indexer",
  token_balance: "indexer", // view over token_transfer
  coupon_balance: "indexer", // view over coupon_transfer
  certificate_balance: "indexer", // view over certificate_transfer

  // billing: the one invoicing service and the master data it bills from.
  retailer: "billing", // the tenant: billing numbers, dates and seeds it; the admin page calls billing/src/retailers.ts
  customer: "billing", // the billed party; created when a switch is activated, through billing
  wallet: "billing", // the customer's reward address, created with the customer (ingest only reads it)
  product: "billing",
  product_version: "billing",
  contract: "billing",
  pod: "billing",
  billing_item: "billing",
  billing_item_price: "billing",
  monthly_parameter: "billing",
  market_price: "billing",
  network_tariff: "billing",
  // market partners: only billing reads and seeds them today (a distribution workspace may take them over)
  distributor: "billing",
  trader: "billing",
  balance_group: "billing",
  profile_type: "billing",
  invoice_series: "billing",
  invoice: "billing",
  invoice_line: "billing",
  bill_run: "billing",
  bill_run_item: "billing",
  bill_run_chunk: "billing",
  interval_day: "billing", // compacted from reading_interval by billing/src/compact-intervals.ts
  settlement_reading: "billing",
  // A prosumer's own meter reading is a proposal for a settlement reading: staff approve it into
  // settlement_reading in the same transaction, so both tables have the same owner.
  meter_reading_report: "billing",

  // retail: the retailer's back office, CRM and supplier switch.
  crm_lead: "retail",
  crm_activity: "retail",
  switch_request: "retail",
  switch_event: "retail",
  distributor_message: "retail",

  // trading: the wholesale book (issue 19); its invoices are billing's (invoice store and numbering).
  trading_counterparty: "trading",
  trading_contract: "trading",
  trading_contract_version: "trading",
  trading_delivery: "trading",
  trading_delivery_note: "trading",
  trading_match: "trading",
  trading_capacity_right: "trading",
  trading_incoming_invoice: "trading",

  // property: self-consumption communities (issue 16); their bills are billing's invoices.
  community: "property",
  community_unit: "property",
  community_meter: "property",
  community_tenancy: "property",
  community_run: "property",
  community_run_item: "property",
  community_ev_interval: "property",

  // web: sign-in, sessions, staff accounts and the audit trail of admin actions.
  web_user: "web",
  session: "web",
  siwe_nonce: "web",
  siwe_nonce_request: "web",
  audit_log: "web",

  // stack: which contracts the platform deployed on which chain (written when it deploys them).
  chain_deployment: "stack",
  // prisma: every service stamps its own row (service = its name) through @c4e/prisma/heartbeat.
  service_heartbeat: "prisma",
} as const satisfies Record<string, Workspace>;

export type Table = keyof typeof tableOwners;

/**
 * Month partitions of `reading` and `reading_interval` live in schema c4e_partitions
 * (`reading_y2026m01`, `reading_interval_default`, …; ingest/src/partitions.ts): a partition is
 * written by its parent's owner.
 */
const partition = /^c4e_partitions\.(reading|reading_interval)_(?:y\d{4}m\d{2}|default)$/;

/** The workspace that owns `table` (a name as SQL writes it, schema-qualified or not), or undefined. */
export function ownerOf(table: string): Workspace | undefined {
  const name = table.replace(/^public\./, "");
  const parent = partition.exec(name)?.[1];
  const key = parent ?? name;
  return Object.hasOwn(tableOwners, key) ? tableOwners[key as Table] : undefined;
}
