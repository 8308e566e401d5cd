// The retailer's back office for customers before they are billed: CRM leads and the supplier switch.
// Sole writer of crm_lead, crm_activity, switch_request, switch_event and distributor_message; the
// customer, contract and POD of an activated switch are written by billing (supply-contracts.ts).
export * from "./errors.ts";
export * from "./staff.ts";
export * from "./crm/leads.ts";
export * from "./crm/switch-leads.ts";
export * from "./switch/activate-due.ts";
export * from "./switch/back-office.ts";
export * from "./switch/distributor-adapter.ts";
export * from "./switch/draft.ts";
export * from "./switch/housekeeping.ts";
export * from "./switch/own-requests.ts";
export * from "./switch/queue.ts";
export * from "./switch/sign.ts";
export * from "./switch/store.ts";
