// Access matrix: every API route and every server action × every role × another customer's or
// retailer's record. Forbidden combinations are refused (401/403/404) and no response of an allowed
// one contains another party's data. The route and action lists are read from the source tree: a new
// route file or action export without a row below fails the first test.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildRewardTree } from "@c4e/contracts";
import { createDraftInvoice, issueInvoices } from "@c4e/billing/invoice-store";
import type { Invoice } from "@c4e/domain";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { getAddress } from "viem";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@c4e/stack/testing/index";
import { createSession } from "@/server/core/session.ts";
import { previewCommunityRun } from "@c4e/property/community/billing-run";
import { addUnit, assignMeter, createCommunity, moveIn } from "@c4e/property/community/communities";
import {
  A,
  account,
  B,
  CHAIN_ID,
  reading,
  rewardBatch,
  seedCustomers,
  TOKEN,
  transfer,
  ZERO,
} from "./fixtures.ts";
import {
  malo,
  seedSwitchCatalogue,
  seedSwitchRequest,
  signDraftAs,
  SWITCH_DISTRIBUTOR,
  SWITCH_PRODUCT,
} from "./switch-fixtures.ts";

const jar = vi.hoisted(() => ({ token: undefined as string | undefined }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.token ? { name, value: jar.token } : undefined),
    set: () => {},
  }),
  headers: async () => new Headers(),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const APP_DIR = join(import.meta.dirname, "..", "src", "app");
const ORIGIN = "http://localhost:3999";

const ACTORS = [
  "anonymous",
  "guest",
  "prosumerA",
  "prosumerB",
  "adminR1",
  "agentR1",
  "partnerR1",
  "managerR1",
  "adminR2",
] as const;
type Actor = (typeof ACTORS)[number];
const ALL: readonly Actor[] = ACTORS;
const PROSUMERS: readonly Actor[] = ["prosumerA", "prosumerB"];
const STAFF_READ: readonly Actor[] = ["adminR1", "agentR1", "adminR2"];
const ADMINS: readonly Actor[] = ["adminR1", "adminR2"];
/** The community of R1 (seeded in beforeAll): its first run and one of its drafts. */
const COMMUNITY = { runId: "", invoiceId: "" };
const COMMUNITY_STAFF: readonly Actor[] = ["adminR1", "managerR1", "adminR2"];

/** Ids of the other parties' records (customer B's batch, retailer R2's gateway and lead). */
const FOREIGN = {
  batchOfB: "",
  gatewayOfR2: "gw-r2",
  leadOfR2: "",
  leadOfR1: "",
  invoiceOfA: "",
  invoiceOfB: "",
  draftOfA: "",
  draftToIssue: "",
  heldToIssue: "",
  heldNotIssuable: "",
  issuedToVoid: "",
  issuedToCredit: "",
  billRun: "",
};

/**
 * Strings that must never appear in a response to `actor` (other customers' and retailers' data).
 * Prosumer A must see nothing of B (and vice versa); R1 staff nothing of R2 (and vice versa).
 */
function secretsFor(actor: Actor): string[] {
  // energy markers: B's 7777 Wh and A's 4242 Wh as JSON numbers/strings or CSV fields (never inside hex)
  const ofB = [
    B.customer,
    B.wallet,
    getAddress(B.wallet),
    "Bob Wind",
    "m-b-",
    ":7777",
    '"7777',
    ",7777",
    "POD-B",
  ];
  const ofA = [
    A.customer,
    A.wallet,
    getAddress(A.wallet),
    "Alice Sun",
    "m-a-",
    ":4242",
    '"4242',
    ",4242",
    "POD-A",
  ];
  const ofR2 = ["gw-r2", "Zed Other", "cust-c", "bad-sig-r2"];
  const ofR1 = ["gw-1", "Lena Lead", "bad-sig-r1"];
  switch (actor) {
    case "prosumerA":
      return [...ofB, ...ofR2, "Lena Lead"];
    case "prosumerB":
      return [...ofA, ...ofR2, "Lena Lead"];
    case "adminR1":
    case "agentR1":
      return ofR2;
    case "adminR2":
      return ofR1;
    case "partnerR1": {
      // Wallets that redeemed the partner's perks or hold its coupons are public on chain and needed to
      // consume a coupon; everything else of the customers, and other partners' perks, stays hidden.
      const wallets = [A.wallet, getAddress(A.wallet), B.wallet, getAddress(B.wallet)];
      return [...ofA, ...ofB, ...ofR1, ...ofR2, "Foreign Perk Zeta"].filter((x) => !wallets.includes(x));
    }
    default:
      return [...ofA, ...ofB, ...ofR1, ...ofR2];
  }
}

type RouteCase = {
  /** Route folder under src/app, e.g. "api/prosumer/energy". */
  route: string;
  method: "GET" | "POST";
  /** Public routes answer everyone (auth, health, rpc); `allowed` is then the whole list. */
  allowed: readonly Actor[];
  url: (actor: Actor) => string;
  params?: (actor: Actor) => Record<string, string>;
  body?: unknown;
  /** Another party's record: every actor gets 401/403/404 (404 for those allowed the route). */
  foreign?: { url: string; params: Record<string, string> };
  /** Statuses an allowed actor may get (default 200). */
  okStatus?: readonly number[];
  /** Per-actor statuses, e.g. R2's admin asking for an R1 record by id (404). */
  okStatusFor?: Partial<Record<Actor, readonly number[]>>;
};

const ROUTES: RouteCase[] = [
  { route: "api/auth/nonce", method: "POST", allowed: ALL, url: () => "/api/auth/nonce" },
  {
    route: "api/auth/verify",
    method: "POST",
    allowed: ALL,
    url: () => "/api/auth/verify",
    body: { nope: true },
    okStatus: [400],
  },
  { route: "api/auth/session", method: "GET", allowed: ALL, url: () => "/api/auth/session" },
  { route: "api/health", method: "GET", allowed: ALL, url: () => "/api/health", okStatus: [503] },
  {
    route: "api/rpc",
    method: "POST",
    allowed: ALL,
    url: () => "/api/rpc",
    body: { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
  },
  { route: "api/prosumer/summary", method: "GET", allowed: PROSUMERS, url: () => "/api/prosumer/summary" },
  { route: "api/prosumer/rewards", method: "GET", allowed: PROSUMERS, url: () => "/api/prosumer/rewards" },
  {
    route: "api/prosumer/energy",
    method: "GET",
    allowed: PROSUMERS,
    url: () => "/api/prosumer/energy?period=month&date=2026-11-22",
  },
  {
    route: "api/prosumer/transfers",
    method: "GET",
    allowed: PROSUMERS,
    url: () => "/api/prosumer/transfers",
  },
  { route: "api/prosumer/wallet", method: "GET", allowed: PROSUMERS, url: () => "/api/prosumer/wallet" },
  { route: "api/prosumer/invoices", method: "GET", allowed: PROSUMERS, url: () => "/api/prosumer/invoices" },
  {
    route: "api/prosumer/invoices/[invoiceId]/pdf",
    method: "GET",
    allowed: PROSUMERS,
    url: (a) => `/api/prosumer/invoices/${a === "prosumerB" ? FOREIGN.invoiceOfB : FOREIGN.invoiceOfA}/pdf`,
    params: (a) => ({ invoiceId: a === "prosumerB" ? FOREIGN.invoiceOfB : FOREIGN.invoiceOfA }),
    foreign: { url: "", params: {} }, // B's invoice, filled in beforeAll
  },
  {
    route: "api/prosumer/export",
    method: "GET",
    allowed: PROSUMERS,
    url: () => "/api/prosumer/export?format=csv&from=2026-11-01&to=2026-11-30",
  },
  {
    route: "api/prosumer/rewards/[batchId]/proof",
    method: "GET",
    // B is in the shared batch too; the foreign probe below is B-only
    allowed: PROSUMERS,
    url: () => `/api/prosumer/rewards/${SHARED_BATCH}/proof`,
    params: () => ({ batchId: SHARED_BATCH }),
    foreign: { url: "", params: {} }, // filled in beforeAll (B's own batch)
  },
  { route: "api/admin/gateways", method: "GET", allowed: STAFF_READ, url: () => "/api/admin/gateways" },
  {
    route: "api/admin/gateways/[gatewayId]",
    method: "GET",
    allowed: STAFF_READ,
    url: (a) => `/api/admin/gateways/${a === "adminR2" ? "gw-r2" : "gw-1"}`,
    params: (a) => ({ gatewayId: a === "adminR2" ? "gw-r2" : "gw-1" }),
    foreign: { url: "/api/admin/gateways/gw-r2", params: { gatewayId: "gw-r2" } },
  },
  { route: "api/admin/rewards", method: "GET", allowed: STAFF_READ, url: () => "/api/admin/rewards" },
  { route: "api/admin/leads", method: "GET", allowed: STAFF_READ, url: () => "/api/admin/leads?q=e" },
  {
    route: "api/admin/leads/[leadId]",
    method: "GET",
    allowed: STAFF_READ,
    url: (a) => `/api/admin/leads/${a === "adminR2" ? FOREIGN.leadOfR2 : FOREIGN.leadOfR1}`,
    params: (a) => ({ leadId: a === "adminR2" ? FOREIGN.leadOfR2 : FOREIGN.leadOfR1 }),
    foreign: { url: "", params: {} }, // R2's lead, filled in beforeAll
  },
  {
    route: "api/admin/customers/[customerId]",
    method: "GET",
    allowed: STAFF_READ,
    url: (a) => `/api/admin/customers/${a === "adminR2" ? "cust-c" : A.customer}`,
    params: (a) => ({ customerId: a === "adminR2" ? "cust-c" : A.customer }),
    // R2's customer: R1's staff get 404, R2's admin its own record
    foreign: { url: "/api/admin/customers/cust-c", params: { customerId: "cust-c" } },
  },
  {
    route: "api/admin/pods/[podId]",
    method: "GET",
    allowed: STAFF_READ,
    url: (a) => `/api/admin/pods/${a === "adminR2" ? "pod-c" : "pod-a"}`,
    params: (a) => ({ podId: a === "adminR2" ? "pod-c" : "pod-a" }),
    // R2's POD (no contract, R2's trader): R1's staff get 404, R2's admin its own record
    foreign: { url: "/api/admin/pods/pod-c", params: { podId: "pod-c" } },
  },
  { route: "api/admin/audit", method: "GET", allowed: ADMINS, url: () => "/api/admin/audit" },
  { route: "api/partner/perks", method: "GET", allowed: ["partnerR1"], url: () => "/api/partner/perks" },
  { route: "api/admin/billing", method: "GET", allowed: STAFF_READ, url: () => "/api/admin/billing" },
  {
    route: "api/admin/billing/invoices/[invoiceId]/pdf",
    method: "GET",
    allowed: STAFF_READ,
    // R1's invoice: R2's admin asks for it by id and gets 404
    url: () => `/api/admin/billing/invoices/${FOREIGN.invoiceOfA}/pdf`,
    params: () => ({ invoiceId: FOREIGN.invoiceOfA }),
    okStatusFor: { adminR2: [404] },
  },
  {
    route: "api/admin/billing/runs/[runId]/xlsx",
    method: "GET",
    allowed: STAFF_READ,
    // a run that billed no POD: visible to every retailer, reveals nothing
    url: () => `/api/admin/billing/runs/${FOREIGN.billRun}/xlsx`,
    params: () => ({ runId: FOREIGN.billRun }),
  },
  // Self-consumption communities (issue 16): R1's community zev-1; A lives in unit 1, B in unit 2.
  {
    route: "api/community/communities",
    method: "GET",
    allowed: COMMUNITY_STAFF,
    url: () => "/api/community/communities",
  },
  {
    route: "api/community/runs/[runId]/xlsx",
    method: "GET",
    allowed: COMMUNITY_STAFF,
    url: () => `/api/community/runs/${COMMUNITY.runId}/xlsx`,
    params: () => ({ runId: COMMUNITY.runId }),
    okStatusFor: { adminR2: [404] }, // R1's run
  },
  {
    route: "api/community/runs/[runId]/csv",
    method: "GET",
    allowed: COMMUNITY_STAFF,
    url: () => `/api/community/runs/${COMMUNITY.runId}/csv`,
    params: () => ({ runId: COMMUNITY.runId }),
    okStatusFor: { adminR2: [404] },
  },
  {
    route: "api/community/invoices/[invoiceId]/pdf",
    method: "GET",
    allowed: COMMUNITY_STAFF,
    url: () => `/api/community/invoices/${COMMUNITY.invoiceId}/pdf`,
    params: () => ({ invoiceId: COMMUNITY.invoiceId }),
    okStatusFor: { adminR2: [404] },
  },
  {
    route: "api/community/resident/units/[unitId]",
    method: "GET",
    allowed: PROSUMERS,
    url: (a) => `/api/community/resident/units/${a === "prosumerB" ? "zev-1-2" : "zev-1-1"}?month=2026-10`,
    params: (a) => ({ unitId: a === "prosumerB" ? "zev-1-2" : "zev-1-1" }),
    // the vacant unit 3: nobody's, so every resident gets 404 (A and B asking for each other's: below)
    foreign: { url: "/api/community/resident/units/zev-1-3?month=2026-10", params: { unitId: "zev-1-3" } },
  },
  // POST /api/auth/logout last: it revokes the session it is called with (re-created afterwards).
  { route: "api/auth/logout", method: "POST", allowed: ALL, url: () => "/api/auth/logout" },
];

let SHARED_BATCH = "";

const PERKS = "0x00000000000000000000000000000000000000b1";
const CERTIFICATES = "0x00000000000000000000000000000000000000c1";

/** A monthly invoice of `amountMinor` (one line, no VAT). */
function invoiceOf(amountMinor: bigint): Invoice {
  return {
    kind: "monthly",
    currency: "EUR",
    minorUnitDigits: 2,
    period: { start: "2026-10-01", end: "2026-11-01", timeZone: "Europe/Berlin" },
    lines: [
      {
        group: "energy",
        code: "energy.single",
        description: "Energy",
        quantity: "1",
        unit: "kWh",
        unitPrice: (Number(amountMinor) / 100).toString(),
        amountMinor,
        preciseAmount: (Number(amountMinor) / 100).toString(),
        vatRate: "0",
        period: { start: "2026-09-30T22:00:00.000Z", end: "2026-10-31T23:00:00.000Z" },
      },
    ],
    vatSummary: [{ vatRate: "0", netMinor: amountMinor, vatMinor: 0n }],
    netMinor: amountMinor,
    vatMinor: 0n,
    totalMinor: amountMinor,
    advancesDeducted: [],
    amountDueMinor: amountMinor,
  };
}

/** Contracts of A and B with an issued invoice each (B's amount 77.77 is a marker), and a draft of A. */
async function seedInvoices(db: pg.Pool): Promise<void> {
  await db.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-1', '9900000000002', 'Green Retail', 'ret-1')`,
  );
  await db.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, energy_tariff) VALUES
       ('ctr-a', 'C-ALICE', $1, 'tr-1', '2026-01-01', 'EUR', '{}'), ('ctr-b', 'C-BOBW', $2, 'tr-1', '2026-01-01', 'EUR', '{}')`,
    [A.customer, B.customer],
  );
  const draft = (contractId: string, customerId: string, name: string, amount: bigint, holdReason?: string) =>
    createDraftInvoice(db, {
      invoice: invoiceOf(amount),
      contractId,
      seriesId: "INV",
      buyer: { customerId, customerName: name, customerAddress: "Street", contractNumber: contractId },
      paymentTermsDays: 14,
      holdReason: holdReason ?? null,
    });
  FOREIGN.invoiceOfA = await draft("ctr-a", A.customer, "Alice Sun", 4242n);
  FOREIGN.invoiceOfB = await draft("ctr-b", B.customer, "Bob Wind", 7777n);
  await issueInvoices(
    db,
    { invoiceIds: [FOREIGN.invoiceOfA, FOREIGN.invoiceOfB] },
    { issueDate: "2026-11-02" },
  );
  FOREIGN.draftOfA = await draft("ctr-a", A.customer, "Alice Sun", 1234n);
  FOREIGN.draftToIssue = await draft("ctr-b", B.customer, "Bob Wind", 1001n);
  FOREIGN.issuedToVoid = await draft("ctr-b", B.customer, "Bob Wind", 1002n);
  FOREIGN.issuedToCredit = await draft("ctr-b", B.customer, "Bob Wind", 1003n);
  // drafted from incomplete interval data: only a retailer admin's override issues it
  FOREIGN.heldToIssue = await draft("ctr-b", B.customer, "Bob Wind", 1004n, "incomplete_data");
  FOREIGN.heldNotIssuable = await draft("ctr-b", B.customer, "Bob Wind", 1005n, "incomplete_data");
  await issueInvoices(
    db,
    { invoiceIds: [FOREIGN.issuedToVoid, FOREIGN.issuedToCredit] },
    { issueDate: "2026-11-03" },
  );
  const run = await db.query<{ id: string }>(
    `INSERT INTO bill_run (id, period_start, period_end, status, finished_at) VALUES (gen_random_uuid(), '2026-09-01', '2026-10-01', 'completed', now()) RETURNING id::text`,
  );
  FOREIGN.billRun = run.rows[0]?.id ?? "";
}

/** Mirrored perk, coupons (A holds 1, B holds 3 and used one) and certificates (B only, claimed by B). */
async function seedWallet(db: pg.Pool): Promise<void> {
  const log = (n: number) => [CHAIN_ID, `0xwallet${n}`, n];
  const cols = "chain_id, block_number, block_hash, tx_hash, log_index, block_time";
  const partner = account(5).address.toLowerCase();
  await db.query(
    `INSERT INTO perk_created (${cols}, contract, perk_id, partner, price, supply, valid_from, valid_until, burn_tokens, name)
     VALUES ($1, 5, '0xb', $2, $3, now(), $4, 1, $5, 5000000000000000000, 100, 0, 4102444800, false, 'Panel cleaning')`,
    [...log(1), PERKS, partner],
  );
  await db.query(
    `INSERT INTO perk_created (${cols}, contract, perk_id, partner, price, supply, valid_from, valid_until, burn_tokens, name)
     VALUES ($1, 5, '0xb', $2, $3, now(), $4, 2, $5, 1, 100, 0, 4102444800, false, 'Foreign Perk Zeta')`,
    [...log(10), PERKS, account(8).address.toLowerCase()],
  );
  for (const [n, who, perkId, perkPartner] of [
    [11, A.wallet, 1, partner],
    [12, B.wallet, 2, account(8).address.toLowerCase()],
  ] as const)
    await db.query(
      `INSERT INTO perk_redeemed (${cols}, contract, perk_id, account, partner, price, burned)
       VALUES ($1, 6, '0xb', $2, $3, now(), $4, $5, $6, $7, 5000000000000000000, false)`,
      [...log(n), PERKS, perkId, who, perkPartner],
    );
  for (const [n, to, amount] of [
    [2, A.wallet, 1],
    [3, B.wallet, 3],
  ] as const)
    await db.query(
      `INSERT INTO coupon_transfer (${cols}, contract, operator, from_address, to_address, ids, amounts)
       VALUES ($1, 6, '0xb', $2, $3, now(), $4, $5, $6, $7, '{1}', $8)`,
      [...log(n), PERKS, partner, ZERO, to, `{${amount}}`],
    );
  await db.query(
    `INSERT INTO coupon_consumed (${cols}, contract, perk_id, holder, partner, ref)
     VALUES ($1, 7, '0xb', $2, $3, now(), $4, 1, $5, $6, '0x${"bb".repeat(32)}')`,
    [...log(4), PERKS, B.wallet, partner],
  );
  await db.query(
    `INSERT INTO certificate_transfer (${cols}, contract, operator, from_address, to_address, ids, amounts)
     VALUES ($1, 8, '0xb', $2, $3, now(), $4, $5, $5, $6, '{99}', '{7777}')`,
    [...log(5), CERTIFICATES, ZERO, B.wallet],
  );
  await db.query(
    `INSERT INTO certificates_claimed (${cols}, contract, holder, certificate_id, batch_id, energy_wh, beneficiary)
     VALUES ($1, 9, '0xb', $2, $3, now(), $4, $5, 99, '0x63', 7777, 'Bob Wind')`,
    [...log(6), CERTIFICATES, B.wallet],
  );
}

type ActionCase = {
  /** "file#export", file relative to src/app. */
  action: string;
  allowed: readonly Actor[];
  /** Input for an allowed actor (made unique per actor where the action creates a record). */
  input: (actor: Actor) => Record<string, string>;
  /** Input aimed at another retailer's record: allowed actors get not_found. */
  foreign?: (actor: Actor) => Record<string, string>;
  /** Allowed by the policy, but refused for this actor with this error (e.g. another retailer's record). */
  errorFor?: Partial<Record<Actor, string>>;
};

/** Reported readings to review: R1's on pod-a (customer A), R2's on pod-c (customer C); seeded in beforeAll. */
const REVIEW = { a1: "", a2: "", c1: "", c2: "" };
const ownReport = (a: Actor, which: 1 | 2) =>
  a === "adminR2" ? (which === 1 ? REVIEW.c1 : REVIEW.c2) : which === 1 ? REVIEW.a1 : REVIEW.a2;
const otherReport = (a: Actor) => (a === "adminR2" ? REVIEW.a2 : REVIEW.c2);

const ED25519_KEYS = {
  adminR1: "5GFzDEsB+UZYAT9toAnR3ld/hmErZPSB46lMrG1nyEU=",
  adminR2: "ZKytdvDX+cmN6jQybPRUcvdg5at4jvfDQxw0uhiY0qg=",
} as Partial<Record<Actor, string>>;

const ACTIONS: ActionCase[] = [
  {
    action: "(admin)/admin/actions.ts#registerGatewayAction",
    allowed: ADMINS,
    input: (a) => ({
      gatewayId: `gw-new-${a.toLowerCase()}`,
      publicKey: ED25519_KEYS[a] ?? ED25519_KEYS.adminR1!,
    }),
  },
  {
    action: "(admin)/admin/actions.ts#createLeadAction",
    allowed: STAFF_READ,
    input: (a) => ({ name: `Lead by ${a}`, email: "", phone: "", kind: "retail" }),
  },
  {
    action: "(admin)/admin/actions.ts#changeLeadStageAction",
    allowed: STAFF_READ,
    input: (a) => ({ leadId: a === "adminR2" ? FOREIGN.leadOfR2 : FOREIGN.leadOfR1, stage: "qualified" }),
    foreign: (a) => ({ leadId: a === "adminR2" ? FOREIGN.leadOfR1 : FOREIGN.leadOfR2, stage: "lost" }),
  },
  {
    action: "(admin)/admin/actions.ts#addLeadNoteAction",
    allowed: STAFF_READ,
    input: (a) => ({
      leadId: a === "adminR2" ? FOREIGN.leadOfR2 : FOREIGN.leadOfR1,
      kind: "call",
      body: "hi",
    }),
    foreign: (a) => ({
      leadId: a === "adminR2" ? FOREIGN.leadOfR1 : FOREIGN.leadOfR2,
      kind: "note",
      body: "x",
    }),
  },
];

// Review of reported readings: retailer admins only (agents read the POD page but may not review).
ACTIONS.push(
  {
    action: "(admin)/admin/actions.ts#acceptReadingReportAction",
    allowed: ADMINS,
    input: (a) => ({ reportId: ownReport(a, 1) }),
    foreign: (a) => ({ reportId: otherReport(a) }),
  },
  {
    action: "(admin)/admin/actions.ts#rejectReadingReportAction",
    allowed: ADMINS,
    input: (a) => ({ reportId: ownReport(a, 2), reason: `checked by ${a}` }),
    foreign: (a) => ({ reportId: otherReport(a), reason: "taken over" }),
  },
);

ACTIONS.push(
  {
    action: "(admin)/admin/actions.ts#startBillRunAction",
    allowed: ADMINS,
    input: () => ({ period: "2026-10" }),
    // R1's contracts exist: a bill run (which bills every contract) is refused to R2's admin
    errorFor: { adminR2: "conflict" },
  },
  {
    action: "(admin)/admin/actions.ts#issueInvoicesAction",
    allowed: ADMINS,
    input: () => ({ invoiceIds: FOREIGN.draftToIssue }),
    errorFor: { adminR2: "not_found" },
  },
  {
    // the override (billing.override): agents are refused; R2's admin does not find R1's draft
    action: "(admin)/admin/actions.ts#issueHeldInvoiceAction",
    allowed: ADMINS,
    input: () => ({ invoiceId: FOREIGN.heldToIssue, reason: "meter replaced, data lost" }),
    errorFor: { adminR2: "not_found" },
  },
  {
    action: "(admin)/admin/actions.ts#voidInvoiceAction",
    allowed: ADMINS,
    input: () => ({ invoiceId: FOREIGN.issuedToVoid, reason: "wrong meter" }),
    errorFor: { adminR2: "not_found" },
  },
  {
    action: "(admin)/admin/actions.ts#createCreditNoteAction",
    allowed: ADMINS,
    input: () => ({ invoiceId: FOREIGN.issuedToCredit }),
    errorFor: { adminR2: "not_found" },
  },
);

// Product catalogue (retailer admins): each admin works on its own retailer's products; the other
// retailer's product is not found. prod-r* go through draft → save → publish → archive; prod-r*-d
// has a draft to discard.
const PRODUCT_OF: Partial<Record<Actor, string>> = { adminR2: "prod-r2" };
const ownProduct = (a: Actor, suffix = "") => `${PRODUCT_OF[a] ?? "prod-r1"}${suffix}`;
const otherProduct = (a: Actor, suffix = "") => `${a === "adminR2" ? "prod-r1" : "prod-r2"}${suffix}`;
const PRODUCTS_FILE = "(admin)/admin/products/actions.ts";
ACTIONS.push(
  {
    action: `${PRODUCTS_FILE}#createProductAction`,
    allowed: ADMINS,
    input: (a) => ({ code: `NEW-${a.toUpperCase()}`, name: `New by ${a}`, description: "", currency: "EUR" }),
  },
  {
    action: `${PRODUCTS_FILE}#startDraftAction`,
    allowed: ADMINS,
    input: (a) => ({ productId: ownProduct(a) }),
    foreign: (a) => ({ productId: otherProduct(a) }),
  },
  {
    action: `${PRODUCTS_FILE}#saveDraftAction`,
    allowed: ADMINS,
    input: (a) => ({
      productId: ownProduct(a),
      name: "Fixed price v2",
      description: "",
      tariff: JSON.stringify({ currency: "EUR", single: { price: "0.33" } }),
    }),
    foreign: (a) => ({
      productId: otherProduct(a),
      name: "Taken over",
      tariff: JSON.stringify({ currency: "EUR", single: { price: "0.01" } }),
    }),
  },
  {
    action: `${PRODUCTS_FILE}#publishDraftAction`,
    allowed: ADMINS,
    input: (a) => ({ productId: ownProduct(a) }),
    foreign: (a) => ({ productId: otherProduct(a) }),
  },
  {
    action: `${PRODUCTS_FILE}#discardDraftAction`,
    allowed: ADMINS,
    input: (a) => ({ productId: ownProduct(a, "-d") }),
    foreign: (a) => ({ productId: otherProduct(a, "-d") }),
  },
  {
    action: `${PRODUCTS_FILE}#setArchivedAction`,
    allowed: ADMINS,
    input: (a) => ({ productId: ownProduct(a), archived: "true" }),
    foreign: (a) => ({ productId: otherProduct(a), archived: "true" }),
  },
);

/** A product of each retailer with published version 1, and one with a draft version 2 as well. */
async function seedProducts(db: pg.Pool): Promise<void> {
  const tariff = JSON.stringify({ name: "Fixed price", currency: "EUR", single: { price: "0.30" } });
  for (const [id, retailer] of [
    ["prod-r1", "ret-1"],
    ["prod-r1-d", "ret-1"],
    ["prod-r2", "ret-2"],
    ["prod-r2-d", "ret-2"],
  ] as const) {
    await db.query(
      `INSERT INTO product (id, code, retailer_id, name, currency, tariff) VALUES ($1, upper($1), $2, 'Fixed price', 'EUR', $3)`,
      [id, retailer, tariff],
    );
    await db.query(
      `INSERT INTO product_version (product_id, version, name, tariff, status, published_at)
       VALUES ($1, 1, 'Fixed price', $2, 'published', now())`,
      [id, tariff],
    );
    if (id.endsWith("-d"))
      await db.query(
        `INSERT INTO product_version (product_id, version, name, tariff) VALUES ($1, 2, 'Fixed price', $2)`,
        [id, tariff],
      );
  }
}

/** Users to disable (one per retailer) and fresh addresses to grant a role to. */
const DISABLE_TARGET = {
  r1: "0x00000000000000000000000000000000000d15a1",
  r2: "0x00000000000000000000000000000000000d15a2",
};
const GRANT_TARGET: Partial<Record<Actor, string>> = {
  adminR1: "0x00000000000000000000000000000000000a11a1",
  adminR2: "0x00000000000000000000000000000000000a11a2",
};

ACTIONS.push(
  {
    action: "(admin)/admin/actions.ts#grantRoleAction",
    allowed: ADMINS,
    input: (a) => ({
      address: GRANT_TARGET[a] ?? GRANT_TARGET.adminR1!,
      name: `Agent of ${a}`,
      role: "retailer_agent",
    }),
  },
  {
    action: "(admin)/admin/actions.ts#setUserDisabledAction",
    allowed: ADMINS,
    input: (a) => ({ address: a === "adminR2" ? DISABLE_TARGET.r2 : DISABLE_TARGET.r1, disabled: "true" }),
    foreign: (a) => ({ address: a === "adminR2" ? DISABLE_TARGET.r1 : DISABLE_TARGET.r2, disabled: "true" }),
  },
  {
    action: "(admin)/admin/actions.ts#updateTimeZoneAction",
    allowed: ADMINS,
    input: (a) => ({ timeZone: a === "adminR2" ? "America/New_York" : "Europe/Vienna" }),
  },
  {
    action: "(prosumer)/prosumer/actions.ts#reportMeterReadingAction",
    allowed: PROSUMERS,
    input: (a) => ({ podId: a === "prosumerB" ? "pod-b" : "pod-a", date: "2026-11-01", kwh: "1234.5" }),
    // the other customer's POD
    foreign: (a) => ({ podId: a === "prosumerB" ? "pod-a" : "pod-b", date: "2026-11-02", kwh: "1300" }),
  },
);

/** A POD on each of A's and B's contracts; a user to disable at each retailer. */
async function seedPodsAndUsers(db: pg.Pool): Promise<void> {
  await db.query(`INSERT INTO distributor (id, code, name) VALUES ('dso-1', '9900000000009', 'Grid Co')`);
  await db.query(
    `INSERT INTO pod (id, identifier, name, address, contract_id, metering, annual_reference_kwh,
       distributor_id, trader_id, sign_in_date)
     VALUES ('pod-a', 'POD-A-001', 'Home A', 'Street 1', 'ctr-a', 'slp', 3500, 'dso-1', 'tr-1', '2026-01-01'),
            ('pod-b', 'POD-B-001', 'Home B', 'Street 2', 'ctr-b', 'slp', 3500, 'dso-1', 'tr-1', '2026-01-01')`,
  );
  await db.query(
    `INSERT INTO web_user (address, retailer_id, role, name) VALUES
       ($1, 'ret-1', 'retailer_agent', 'Dee Disable'), ($2, 'ret-2', 'retailer_agent', 'Dan Disable')`,
    [DISABLE_TARGET.r1, DISABLE_TARGET.r2],
  );
}
/** R2's POD (no contract; R2's trader) and two reported readings per retailer for the review actions. */
async function seedReadingReports(db: pg.Pool): Promise<void> {
  await db.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-r2', '9900000000077', 'Other Retail', 'ret-2')`,
  );
  await db.query(
    `INSERT INTO pod (id, identifier, name, address, metering, annual_reference_kwh, distributor_id, trader_id, sign_in_date)
     VALUES ('pod-c', 'POD-C-001', 'Home C', 'Street 9', 'slp', 3500, 'dso-1', 'tr-r2', '2026-01-01')`,
  );
  const report = async (podId: string, customerId: string, date: string) => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO meter_reading_report (pod_id, customer_id, read_on, kwh, reported_by)
       VALUES ($1, $2, $3, 1234, '0xreporter') RETURNING id::text`,
      [podId, customerId, date],
    );
    return rows[0]?.id ?? "";
  };
  REVIEW.a1 = await report("pod-a", A.customer, "2026-10-10");
  REVIEW.a2 = await report("pod-a", A.customer, "2026-10-11");
  REVIEW.c1 = await report("pod-c", "cust-c", "2026-10-10");
  REVIEW.c2 = await report("pod-c", "cust-c", "2026-10-11");
}

// Supplier switch: a draft (public preview), requests signed by the guest (dev account 4), prosumers A
// and B and a wallet without a session (account 8, the foreign record), and one request per admin
// action in the status that action needs (all of retailer R1: R2's admin gets not_found).
const SWITCH = {
  draft: "",
  ofGuest: "",
  ofA: "",
  ofB: "",
  foreign: "",
  toValidate: "",
  toReject: "",
  toSend: "",
  toConfirm: "",
  signDrafts: {} as Partial<Record<Actor, { draftId: string; signature: string }>>,
};
const SIGNERS: readonly Actor[] = ["guest", "prosumerA", "prosumerB"];
const ownSwitchRequest = (a: Actor) =>
  a === "prosumerA" ? SWITCH.ofA : a === "prosumerB" ? SWITCH.ofB : SWITCH.ofGuest;

async function seedSwitch(db: pg.Pool): Promise<void> {
  await seedSwitchCatalogue(db);
  const admin = {
    retailerId: "ret-1",
    actor: account(0).address.toLowerCase(),
    role: "retailer_admin" as const,
  };
  const { validateSwitchRequest, sendSwitchMessage } = await import("@/server/switch/back-office.ts");
  SWITCH.draft = await seedSwitchRequest(db, malo("6000000001"), null);
  SWITCH.ofGuest = await seedSwitchRequest(db, malo("6000000002"), account(4));
  SWITCH.ofA = await seedSwitchRequest(db, malo("6000000003"), account(2));
  SWITCH.ofB = await seedSwitchRequest(db, malo("6000000004"), account(3));
  SWITCH.foreign = await seedSwitchRequest(db, malo("6000000005"), account(8));
  SWITCH.toValidate = await seedSwitchRequest(db, malo("6000000006"), account(4));
  SWITCH.toReject = await seedSwitchRequest(db, malo("6000000007"), account(4));
  SWITCH.toSend = await seedSwitchRequest(db, malo("6000000008"), account(4));
  SWITCH.toConfirm = await seedSwitchRequest(db, malo("6000000009"), account(4));
  for (const id of [SWITCH.toSend, SWITCH.toConfirm])
    expect(await validateSwitchRequest(db, admin, { requestId: id })).toMatchObject({ ok: true });
  expect(
    await sendSwitchMessage(db, admin, { requestId: SWITCH.toConfirm, distributorId: SWITCH_DISTRIBUTOR.id }),
  ).toMatchObject({ ok: true });
  // one unsigned draft per actor for the public sign action, signed by the guest's wallet
  for (const [i, actor] of ACTORS.entries()) {
    const draftId = await seedSwitchRequest(db, malo(`70000000${10 + i}`), null);
    SWITCH.signDrafts[actor] = { draftId, signature: await signDraftAs(db, draftId, account(4)) };
  }
}

ROUTES.push(
  {
    route: "api/switch/drafts/[draftId]/pdf",
    method: "GET",
    allowed: ALL, // public: the prospect has no account; the draft id is a random UUID
    url: () => `/api/switch/drafts/${SWITCH.draft}/pdf`,
    params: () => ({ draftId: SWITCH.draft }),
  },
  {
    route: "api/switch/requests/[requestId]/pdf",
    method: "GET",
    allowed: SIGNERS,
    url: (a) => `/api/switch/requests/${ownSwitchRequest(a)}/pdf`,
    params: (a) => ({ requestId: ownSwitchRequest(a) }),
    foreign: { url: "", params: {} }, // account 8's request, filled in beforeAll
  },
);

ACTIONS.push(
  {
    action: "(switch)/switch/actions.ts#createSwitchDraftAction",
    allowed: ALL,
    // one POD per actor: a POD takes only a few drafts a day (SWITCH_DRAFTS_PER_POD_PER_DAY)
    input: (a) => ({
      code: SWITCH_PRODUCT.code,
      podIdentifier: malo(`61${String(ACTORS.indexOf(a)).padStart(8, "0")}`),
      supplyAddress: "Hauptstraße 1, 10115 Berlin",
      currentSupplier: "Stadtwerke",
      meterNumber: "1ESY1",
      meterReadingKwh: "100",
      meterReadingDate: "2026-01-01",
      annualConsumptionKwh: "2000",
      meteringKind: "slp",
      desiredStart: "2099-01-01",
      fullName: "Pat Public",
      email: "pat@example.org",
    }),
  },
  {
    action: "(switch)/switch/actions.ts#signSwitchDraftAction",
    allowed: ALL, // the EIP-712 signature proves the wallet; no session needed
    input: (a) => ({
      draftId: SWITCH.signDrafts[a]?.draftId ?? "",
      fullName: "Sam Switcher",
      signer: account(4).address,
      signature: SWITCH.signDrafts[a]?.signature ?? "",
    }),
  },
  {
    action: "(switch)/switch/actions.ts#withdrawSwitchRequestAction",
    allowed: SIGNERS,
    input: (a) => ({ requestId: ownSwitchRequest(a) }),
    foreign: () => ({ requestId: SWITCH.foreign }),
  },
  {
    action: "(admin)/admin/switching/actions.ts#validateSwitchAction",
    allowed: ADMINS,
    input: () => ({ requestId: SWITCH.toValidate }),
    errorFor: { adminR2: "not_found" },
  },
  {
    action: "(admin)/admin/switching/actions.ts#rejectSwitchAction",
    allowed: ADMINS,
    input: () => ({ requestId: SWITCH.toReject, reason: "not our grid area" }),
    errorFor: { adminR2: "not_found" },
  },
  {
    action: "(admin)/admin/switching/actions.ts#sendSwitchMessageAction",
    allowed: ADMINS,
    input: () => ({ requestId: SWITCH.toSend, distributorId: SWITCH_DISTRIBUTOR.id }),
    errorFor: { adminR2: "not_found" },
  },
  {
    action: "(admin)/admin/switching/actions.ts#confirmSwitchAction",
    allowed: ADMINS,
    input: () => ({ requestId: SWITCH.toConfirm, effectiveDate: "2099-01-01" }),
    errorFor: { adminR2: "not_found" },
  },
  {
    action: "(admin)/admin/switching/actions.ts#activateDueSwitchesAction",
    allowed: ADMINS,
    input: () => ({}),
  },
);

// Community runs (issue 16): R1's staff preview and issue October; R2's admin finds no such community.
ACTIONS.push(
  {
    action: "(community)/community/actions.ts#previewCommunityRunAction",
    allowed: COMMUNITY_STAFF,
    input: () => ({ communityId: "zev-1", start: "2026-10-01" }),
    errorFor: { adminR2: "not_found" },
  },
  {
    action: "(community)/community/actions.ts#issueCommunityRunAction",
    allowed: COMMUNITY_STAFF,
    input: () => ({ communityId: "zev-1", start: "2026-10-01" }),
    // adminR1 issues first; the manager then finds it issued
    errorFor: { managerR1: "conflict", adminR2: "not_found" },
  },
);

let db: pg.Pool;
let drop: () => Promise<void>;
const tokens = new Map<Actor, string | undefined>();
const ADDRESS: Partial<Record<Actor, number>> = {
  guest: 4,
  prosumerA: 2,
  prosumerB: 3,
  adminR1: 0,
  agentR1: 6,
  partnerR1: 5,
  managerR1: 7,
  adminR2: 9,
};

async function signIn(actor: Actor): Promise<void> {
  const index = ADDRESS[actor];
  if (index === undefined) return void tokens.set(actor, undefined);
  const { token } = await createSession(db, {
    address: account(index).address,
    chainId: CHAIN_ID,
    ttlHours: 1,
  });
  tokens.set(actor, token);
}

function routeFiles(): string[] {
  return (readdirSync(join(APP_DIR, "api"), { recursive: true }) as string[])
    .filter((f) => f.endsWith("route.ts"))
    .map((f) => relative(APP_DIR, join(APP_DIR, "api", f)).replace(/\/route\.ts$/, ""))
    .sort();
}

function actionFiles(): string[] {
  return (readdirSync(APP_DIR, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts") || f.endsWith(".tsx"))
    .filter(
      (f) =>
        /(^|\/)actions\.ts$/.test(f) || readFileSync(join(APP_DIR, f), "utf8").startsWith('"use server"'),
    )
    .sort();
}

async function call(c: RouteCase, actor: Actor, target?: { url: string; params: Record<string, string> }) {
  jar.token = tokens.get(actor);
  const mod = (await import(join(APP_DIR, c.route, "route.ts"))) as Record<
    string,
    (r: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>
  >;
  const handler = mod[c.method];
  if (!handler) throw new Error(`${c.route} has no ${c.method}`);
  const url = `${ORIGIN}${target?.url ?? c.url(actor)}`;
  const init: RequestInit =
    c.body === undefined
      ? { method: c.method }
      : { method: c.method, body: JSON.stringify(c.body), headers: { "content-type": "application/json" } };
  const res = await handler(new Request(url, init), {
    params: Promise.resolve(target?.params ?? c.params?.(actor) ?? {}),
  });
  return { status: res.status, body: await res.text() };
}

async function runAction(a: ActionCase, actor: Actor, input: Record<string, string>) {
  jar.token = tokens.get(actor);
  const [file, name] = a.action.split("#") as [string, string];
  const mod = (await import(join(APP_DIR, file))) as Record<
    string,
    (prev: null, form: FormData) => Promise<{ ok: boolean; error?: string; status?: number }>
  >;
  const fn = mod[name];
  if (!fn) throw new Error(`${a.action} is not exported`);
  const form = new FormData();
  for (const [k, v] of Object.entries(input)) form.set(k, v);
  return fn(null, form);
}

function expectNoLeak(actor: Actor, where: string, body: string) {
  for (const secret of secretsFor(actor)) {
    expect(body.includes(secret), `${where} as ${actor} leaks "${secret}"`).toBe(false);
  }
}

beforeAll(async () => {
  const database = await createTestDatabase("web_access");
  drop = database.drop;
  db = createPool({ url: database.url, max: 4 });
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    RPC_URL: "http://127.0.0.1:9/",
    CHAIN_ID: String(CHAIN_ID),
    TOKEN_ADDRESS: TOKEN,
    REWARD_MINTER_ADDRESS: "0x00000000000000000000000000000000000000aa",
    MQTT_URL: "mqtt://127.0.0.1:9",
    WEB_ORIGIN: ORIGIN,
    DEV_WALLET: "1",
    PERKS_ADDRESS: PERKS,
    GREEN_CERTIFICATES_ADDRESS: CERTIFICATES,
    PUBLIC_RETAILER_ID: "ret-1",
  });

  await seedCustomers(db);
  // Retailer R2 with customer C, a gateway with a rejected message and a lead.
  await db.query(`INSERT INTO retailer (id, name) VALUES ('ret-2', 'Other Retail')`);
  await db.query(`INSERT INTO customer (id, retailer_id, name) VALUES ('cust-c', 'ret-2', 'Carl Else')`);
  await db.query(`INSERT INTO gateway (id, retailer_id, public_key) VALUES ('gw-r2', 'ret-2', 'pk2')`);
  await db.query(
    `INSERT INTO rejected_input (received_at, topic, gateway_id, reason, detail, payload) VALUES
       (now(), 't', 'gw-r2', 'bad_signature', 'bad-sig-r2', '{}'), (now(), 't', 'gw-1', 'bad_signature', 'bad-sig-r1', '{}')`,
  );
  const leads = await db.query<{ id: string; retailer_id: string }>(
    `INSERT INTO crm_lead (retailer_id, name, email) VALUES ('ret-1', 'Lena Lead', 'lena@example.org'),
       ('ret-2', 'Zed Other', 'zed@example.org') RETURNING id::text, retailer_id`,
  );
  FOREIGN.leadOfR1 = leads.rows.find((r) => r.retailer_id === "ret-1")?.id ?? "";
  FOREIGN.leadOfR2 = leads.rows.find((r) => r.retailer_id === "ret-2")?.id ?? "";
  await db.query(
    `INSERT INTO web_user (address, retailer_id, role, name) VALUES
       ($1, 'ret-1', 'retailer_admin', 'Ada Admin'), ($2, 'ret-1', 'retailer_agent', 'Aga Agent'),
       ($3, 'ret-1', 'partner', 'Pia Partner'), ($4, 'ret-1', 'property_manager', 'Mo Manager'),
       ($5, 'ret-2', 'retailer_admin', 'Rita Other')`,
    [0, 6, 5, 7, 9].map((i) => account(i).address.toLowerCase()),
  );

  // Energy of A and B (B's numbers are markers that must never reach A).
  await reading(db, "m-a-pv", "2026-11-22T10:00:00Z", "export", 4242);
  await reading(db, "m-b-pv", "2026-11-22T10:00:00Z", "export", 7777);
  await transfer(db, ZERO, A.wallet, 10n ** 18n);
  await transfer(db, ZERO, B.wallet, 2n * 10n ** 18n);

  // A batch shared by A and B (each sees only their leaf) and one of B alone.
  const leaf = (meterId: string, wallet: string, wh: number, start: string) => ({
    gatewayId: "gw-1",
    meterId,
    periodStart: BigInt(Date.parse(start) / 1000),
    exportWh: BigInt(wh),
    recipient: getAddress(wallet),
  });
  async function batch(id: string, start: string, leaves: ReturnType<typeof leaf>[]) {
    await rewardBatch(db, {
      id,
      periodStart: start,
      periodEnd: new Date(Date.parse(start) + 3_600_000).toISOString(),
      allocations: leaves.map((l) => ({
        wallet: l.recipient.toLowerCase(),
        customerId: l.recipient.toLowerCase() === A.wallet ? A.customer : B.customer,
        exportWh: Number(l.exportWh),
        amount: l.exportWh * 10n ** 15n,
      })),
      minted: { txHash: `0xtx-${id.slice(2, 10)}`, blockNumber: 7 },
    });
    const tree = buildRewardTree(leaves);
    await db.query("UPDATE reward_batch SET readings_root = $2 WHERE id = $1", [id, tree.root]);
    for (const l of leaves)
      await db.query(
        `INSERT INTO reward_leaf (batch_id, gateway_id, meter_id, export_wh, recipient) VALUES ($1, $2, $3, $4, $5)`,
        [id, l.gatewayId, l.meterId, l.exportWh.toString(), l.recipient.toLowerCase()],
      );
  }
  SHARED_BATCH = `0x${"a1".repeat(32)}`;
  FOREIGN.batchOfB = `0x${"b2".repeat(32)}`;
  await batch(SHARED_BATCH, "2026-11-22T09:00:00.000Z", [
    leaf("m-a-grid", A.wallet, 4242, "2026-11-22T09:00:00.000Z"),
    leaf("m-b-grid", B.wallet, 7777, "2026-11-22T09:00:00.000Z"),
  ]);
  await batch(FOREIGN.batchOfB, "2026-11-22T10:00:00.000Z", [
    leaf("m-b-grid", B.wallet, 7777, "2026-11-22T10:00:00.000Z"),
  ]);
  await seedWallet(db);
  await seedInvoices(db);
  await seedProducts(db);
  await seedPodsAndUsers(db);
  await seedSwitch(db);
  await seedReadingReports(db);
  await seedCommunity(db);
  for (const r of ROUTES) {
    if (r.route === "api/prosumer/rewards/[batchId]/proof")
      r.foreign = {
        url: `/api/prosumer/rewards/${FOREIGN.batchOfB}/proof`,
        params: { batchId: FOREIGN.batchOfB },
      };
    if (r.route === "api/prosumer/invoices/[invoiceId]/pdf")
      r.foreign = {
        url: `/api/prosumer/invoices/${FOREIGN.invoiceOfB}/pdf`,
        params: { invoiceId: FOREIGN.invoiceOfB },
      };
    if (r.route === "api/switch/requests/[requestId]/pdf")
      r.foreign = {
        url: `/api/switch/requests/${SWITCH.foreign}/pdf`,
        params: { requestId: SWITCH.foreign },
      };
    if (r.route === "api/admin/leads/[leadId]")
      r.foreign = { url: `/api/admin/leads/${FOREIGN.leadOfR2}`, params: { leadId: FOREIGN.leadOfR2 } };
  }
  for (const actor of ACTORS) await signIn(actor);
});

afterAll(async () => {
  const { getPool } = await import("@/server/core/db.ts");
  await getPool().end();
  await db.end();
  await drop();
});

describe("access matrix", () => {
  it("covers every API route (and method) and every server action in the source tree", async () => {
    const files = routeFiles();
    expect(files.filter((f) => !ROUTES.some((r) => r.route === f))).toEqual([]);
    for (const f of files) {
      const mod = (await import(join(APP_DIR, f, "route.ts"))) as Record<string, unknown>;
      const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => typeof mod[m] === "function");
      for (const m of methods)
        expect(
          ROUTES.some((r) => r.route === f && r.method === m),
          `${m} ${f} is missing from the access matrix`,
        ).toBe(true);
    }
    const actionExports: string[] = [];
    for (const f of actionFiles()) {
      const mod = (await import(join(APP_DIR, f))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod))
        if (typeof value === "function") actionExports.push(`${f}#${name}`);
    }
    expect(actionExports.length).toBeGreaterThan(0);
    expect(actionExports.filter((a) => !ACTIONS.some((c) => c.action === a))).toEqual([]);
  });

  describe.each(ROUTES.map((r) => [`${r.method} /${r.route}`, r] as const))("%s", (_name, c) => {
    it.each(ACTORS.map((a) => [a]))("as %s: allowed or refused, and nothing leaks", async (actor) => {
      const { status, body } = await call(c, actor);
      if (c.allowed.includes(actor)) {
        expect(
          c.okStatusFor?.[actor] ?? c.okStatus ?? [200],
          `${c.route} as ${actor}: ${body.slice(0, 200)}`,
        ).toContain(status);
      } else {
        expect(status, `${c.route} as ${actor} must be refused`).toBe(actor === "anonymous" ? 401 : 403);
      }
      expectNoLeak(actor, c.route, body);
      if (c.route === "api/auth/logout") await signIn(actor); // logout revoked it
    });

    if (c.foreign) {
      it.each(ACTORS.map((a) => [a]))("as %s: another party's record is refused", async (actor) => {
        const target = c.foreign;
        if (!target) return;
        const { status, body } = await call(c, actor, target);
        if (actor === "adminR2" && c.route.startsWith("api/admin/")) {
          expect(status).toBe(200); // R2's own record
          return;
        }
        if (actor === "prosumerB" && c.route.startsWith("api/prosumer/")) {
          expect(status).toBe(200); // B's own batch
          return;
        }
        expect([401, 403, 404]).toContain(status);
        if (c.allowed.includes(actor)) expect(status).toBe(404);
        expectNoLeak(actor, `${c.route} (foreign)`, body);
      });
    }
  });

  describe.each(ACTIONS.map((a) => [a.action, a] as const))("action %s", (_name, a) => {
    it.each(ACTORS.map((x) => [x]))("as %s: allowed or refused", async (actor) => {
      const result = await runAction(a, actor, a.input(actor));
      const refusedWith = a.errorFor?.[actor];
      if (refusedWith) {
        expect(result, JSON.stringify(result)).toMatchObject({ ok: false, error: refusedWith });
      } else if (a.allowed.includes(actor)) {
        expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      } else {
        expect(result).toMatchObject({
          ok: false,
          error: actor === "anonymous" ? "unauthenticated" : "forbidden",
          status: actor === "anonymous" ? 401 : 403,
        });
      }
      expectNoLeak(actor, a.action, JSON.stringify(result));
    });

    if (a.foreign) {
      it.each(ACTORS.map((x) => [x]))("as %s: another retailer's record is refused", async (actor) => {
        const result = await runAction(a, actor, a.foreign?.(actor) ?? {});
        expect(result.ok).toBe(false);
        expect([401, 403, 404]).toContain(result.status);
        if (a.allowed.includes(actor)) expect(result).toMatchObject({ error: "not_found", status: 404 });
      });
    }
  });

  it("issues a held draft only through the override, with a reason", async () => {
    const issue = ACTIONS.find((a) => a.action.endsWith("#issueInvoicesAction")) as ActionCase;
    const override = ACTIONS.find((a) => a.action.endsWith("#issueHeldInvoiceAction")) as ActionCase;
    // the ordinary issue refuses it, also as part of a selection
    expect(await runAction(issue, "adminR1", { invoiceIds: FOREIGN.heldNotIssuable })).toMatchObject({
      ok: false,
      error: "conflict",
      status: 409,
    });
    // the override needs a reason (field error, nothing issued)
    expect(
      await runAction(override, "adminR1", { invoiceId: FOREIGN.heldNotIssuable, reason: " " }),
    ).toMatchObject({
      ok: false,
      error: "bad_request",
      fieldErrors: { reason: "admin.billing.error.reason" },
    });
    // and refuses a draft that is not held (issue it the ordinary way)
    const plain = await db.query<{ id: string }>(
      `SELECT id::text FROM invoice WHERE status = 'draft' AND hold_reason IS NULL AND contract_id = 'ctr-a' LIMIT 1`,
    );
    expect(
      await runAction(override, "adminR1", { invoiceId: plain.rows[0]?.id ?? "", reason: "no reason" }),
    ).toMatchObject({ ok: false, error: "conflict" });
    const still = await db.query("SELECT status::text FROM invoice WHERE id = $1", [FOREIGN.heldNotIssuable]);
    expect(still.rows[0]).toEqual({ status: "draft" });
  });

  it("left the other retailer's records untouched and audited every write", async () => {
    const r2 = await db.query<{ stage: string }>("SELECT stage::text FROM crm_lead WHERE id = $1", [
      FOREIGN.leadOfR2,
    ]);
    // only R2's own admin moved it (to 'qualified'); R1's attempt to mark it lost was refused
    expect(r2.rows[0]?.stage).toBe("qualified");
    const notes = await db.query<{ author: string }>(
      "SELECT author FROM crm_activity WHERE lead_id = $1 AND kind = 'note'",
      [FOREIGN.leadOfR2],
    );
    expect(notes.rows).toEqual([]);
    const gw = await db.query<{ id: string; retailer_id: string }>(
      "SELECT id, retailer_id FROM gateway WHERE id LIKE 'gw-new-%' ORDER BY id",
    );
    expect(gw.rows).toEqual([
      { id: "gw-new-adminr1", retailer_id: "ret-1" },
      { id: "gw-new-adminr2", retailer_id: "ret-2" },
    ]);
    const audit = await db.query<{ actor: string; action: string; retailer_id: string }>(
      "SELECT actor, action, retailer_id FROM audit_log ORDER BY id",
    );
    expect(audit.rows).toContainEqual({
      actor: account(0).address.toLowerCase(),
      action: "gateway.register",
      retailer_id: "ret-1",
    });
    expect(audit.rows.filter((r) => r.action === "crm.lead.create")).toHaveLength(3);
    for (const action of [
      "billing.run.start",
      "billing.invoice.issue",
      "billing.invoice.issue_incomplete",
      "billing.invoice.void",
      "billing.credit_note.create",
    ])
      expect(
        audit.rows.filter((r) => r.action === action),
        action,
      ).toEqual([{ actor: account(0).address.toLowerCase(), action, retailer_id: "ret-1" }]);
    const billed = await db.query<{ id: string; status: string }>(
      "SELECT id::text, status::text FROM invoice WHERE id = ANY($1::uuid[]) ORDER BY created_at",
      [[FOREIGN.draftToIssue, FOREIGN.issuedToVoid, FOREIGN.heldToIssue]],
    );
    expect(billed.rows.map((r) => [r.id, r.status]).sort()).toEqual(
      [
        [FOREIGN.draftToIssue, "issued"],
        [FOREIGN.issuedToVoid, "voided"],
        [FOREIGN.heldToIssue, "issued"],
      ].sort(),
    );
    const released = await db.query(
      "SELECT hold_reason, hold_released_by, hold_release_note FROM invoice WHERE id = $1",
      [FOREIGN.heldToIssue],
    );
    expect(released.rows[0]).toEqual({
      hold_reason: "incomplete_data",
      hold_released_by: account(0).address.toLowerCase(),
      hold_release_note: "meter replaced, data lost",
    });
    const credit = await db.query(
      "SELECT 1 FROM invoice WHERE original_invoice_id = $1 AND kind = 'credit_note'",
      [FOREIGN.issuedToCredit],
    );
    expect(credit.rowCount).toBe(1);
    expect(audit.rows.every((r) => r.retailer_id === "ret-1" || r.retailer_id === "ret-2")).toBe(true);
  });

  it("reviewed each retailer's reported readings only through its own admin, audited", async () => {
    const rows = await db.query<{ id: string; status: string; reviewed_by: string | null }>(
      "SELECT id::text, status::text, reviewed_by FROM meter_reading_report WHERE reported_by = '0xreporter' ORDER BY id",
    );
    const admin = (i: number) => account(i).address.toLowerCase();
    expect(rows.rows).toEqual([
      { id: REVIEW.a1, status: "accepted", reviewed_by: admin(0) },
      { id: REVIEW.a2, status: "rejected", reviewed_by: admin(0) },
      { id: REVIEW.c1, status: "accepted", reviewed_by: admin(9) },
      { id: REVIEW.c2, status: "rejected", reviewed_by: admin(9) },
    ]);
    const settled = await db.query(
      "SELECT pod_id, read_on::text, source FROM settlement_reading WHERE source = 'customer' ORDER BY pod_id",
    );
    expect(settled.rows).toEqual([
      { pod_id: "pod-a", read_on: "2026-10-10", source: "customer" },
      { pod_id: "pod-c", read_on: "2026-10-10", source: "customer" },
    ]);
    const audit = await db.query<{ action: string; retailer_id: string; target_id: string }>(
      "SELECT action, retailer_id, target_id FROM audit_log WHERE target_type = 'meter_reading_report'",
    );
    expect(audit.rows.map((r) => `${r.action} ${r.retailer_id} ${r.target_id}`).sort()).toEqual(
      [
        `meter_reading.accept ret-1 ${REVIEW.a1}`,
        `meter_reading.reject ret-1 ${REVIEW.a2}`,
        `meter_reading.accept ret-2 ${REVIEW.c1}`,
        `meter_reading.reject ret-2 ${REVIEW.c2}`,
      ].sort(),
    );
  });

  it("changed each retailer's products only through its own admin, audited", async () => {
    const versions = await db.query<{ product_id: string; version: number; status: string; price: unknown }>(
      `SELECT product_id, version, status::text, tariff -> 'single' -> 'price' AS price FROM product_version
       WHERE product_id LIKE 'prod-r%' ORDER BY product_id, version`,
    );
    // the foreign attempts (a price of 0.01, "Taken over") changed nothing
    expect(versions.rows).toEqual([
      { product_id: "prod-r1", version: 1, status: "published", price: "0.30" },
      { product_id: "prod-r1", version: 2, status: "published", price: "0.33" },
      { product_id: "prod-r1-d", version: 1, status: "published", price: "0.30" },
      { product_id: "prod-r2", version: 1, status: "published", price: "0.30" },
      { product_id: "prod-r2", version: 2, status: "published", price: "0.33" },
      { product_id: "prod-r2-d", version: 1, status: "published", price: "0.30" },
    ]);
    const created = await db.query<{ code: string; retailer_id: string }>(
      `SELECT code, retailer_id FROM product WHERE code LIKE 'NEW-%' ORDER BY code`,
    );
    expect(created.rows).toEqual([
      { code: "NEW-ADMINR1", retailer_id: "ret-1" },
      { code: "NEW-ADMINR2", retailer_id: "ret-2" },
    ]);
    const archived = await db.query(`SELECT id FROM product WHERE archived_at IS NOT NULL ORDER BY id`);
    expect(archived.rows).toEqual([{ id: "prod-r1" }, { id: "prod-r2" }]);
    const audit = await db.query<{ action: string; retailer_id: string; target_id: string }>(
      `SELECT action, retailer_id, target_id FROM audit_log WHERE target_type = 'product' AND action <> 'product.create'
       ORDER BY id`,
    );
    expect(audit.rows.map((r) => `${r.action} ${r.retailer_id} ${r.target_id}`).sort()).toEqual(
      [
        "product.draft.create ret-1 prod-r1",
        "product.draft.create ret-2 prod-r2",
        "product.draft.save ret-1 prod-r1",
        "product.draft.save ret-2 prod-r2",
        "product.publish ret-1 prod-r1",
        "product.publish ret-2 prod-r2",
        "product.draft.discard ret-1 prod-r1-d",
        "product.draft.discard ret-2 prod-r2-d",
        "product.archive ret-1 prod-r1",
        "product.archive ret-2 prod-r2",
      ].sort(),
    );
  });

  it("shows each prosumer only their own coupons and certificates", async () => {
    const wallet = ROUTES.find((r) => r.route === "api/prosumer/wallet");
    if (!wallet) throw new Error("no wallet route");
    const a = JSON.parse((await call(wallet, "prosumerA")).body) as {
      perks: unknown[];
      coupons: { holder: string; balance: string }[];
      usedCoupons: unknown[];
      certificates: unknown[];
      claims: unknown[];
    };
    expect(a.perks).toHaveLength(2); // the catalogue is public
    expect(a.coupons).toEqual([expect.objectContaining({ holder: getAddress(A.wallet), balance: "1" })]);
    expect([a.usedCoupons, a.certificates, a.claims]).toEqual([[], [], []]);
    const b = JSON.parse((await call(wallet, "prosumerB")).body) as typeof a;
    expect(b.coupons).toEqual([expect.objectContaining({ holder: getAddress(B.wallet), balance: "3" })]);
    expect(b.usedCoupons).toHaveLength(1);
    expect(b.certificates).toEqual([expect.objectContaining({ balanceWh: "7777", claimedWh: "7777" })]);
    expect(b.claims).toEqual([expect.objectContaining({ beneficiary: "Bob Wind" })]);
  });

  it("shows a partner only its own perks, their redemptions and the coupons it consumed", async () => {
    const route = ROUTES.find((r) => r.route === "api/partner/perks");
    if (!route) throw new Error("no partner route");
    const view = JSON.parse((await call(route, "partnerR1")).body) as {
      perks: { name: string }[];
      redemptions: { account: string }[];
      consumptions: { holder: string }[];
    };
    expect(view.perks.map((p) => p.name)).toEqual(["Panel cleaning"]);
    expect(view.redemptions).toEqual([expect.objectContaining({ account: getAddress(A.wallet) })]);
    expect(view.consumptions).toEqual([expect.objectContaining({ holder: getAddress(B.wallet) })]);
  });

  it("shows a customer only their issued invoices and contracts; drafts and others' PDFs are 404", async () => {
    const list = ROUTES.find((r) => r.route === "api/prosumer/invoices");
    const pdf = ROUTES.find((r) => r.route === "api/prosumer/invoices/[invoiceId]/pdf");
    if (!list || !pdf) throw new Error("no invoice routes");
    const a = JSON.parse((await call(list, "prosumerA")).body) as {
      invoices: { id: string; number: string; amountDueMinor: string }[];
      contracts: { number: string }[];
      amountDue: { currency: string; amountMinor: string }[];
    };
    // A's community bill and contract (unit 1 of zev-1, seedCommunity; issue 16) are A's as well
    expect(a.invoices.filter((i) => !i.number.startsWith("ZEV-1-"))).toEqual([
      expect.objectContaining({ id: FOREIGN.invoiceOfA, number: "INV-000001", amountDueMinor: "4242" }),
    ]);
    expect(a.contracts.map((c) => c.number).filter((n) => !n.startsWith("CO-ZEV-1-"))).toEqual(["C-ALICE"]);
    expect(a.amountDue.filter((d) => d.currency === "EUR")).toEqual([
      { currency: "EUR", minorUnitDigits: 2, amountMinor: "4242" },
    ]);
    const own = await call(pdf, "prosumerA");
    expect(own.status).toBe(200);
    expect(own.body.startsWith("%PDF")).toBe(true);
    for (const id of [FOREIGN.draftOfA, "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
      expect(
        (await call(pdf, "prosumerA", { url: `/api/prosumer/invoices/${id}/pdf`, params: { invoiceId: id } }))
          .status,
      ).toBe(404);
  });

  it("ends staff sessions at once when the role is revoked or changed", async () => {
    const { readSession } = await import("@/server/core/session.ts");
    const { token } = await createSession(db, {
      address: account(6).address,
      chainId: CHAIN_ID,
      ttlHours: 1,
    });
    expect(await readSession(db, token)).toMatchObject({ role: "retailer_agent", retailerId: "ret-1" });
    await db.query("UPDATE web_user SET role = 'retailer_admin' WHERE address = $1", [
      account(6).address.toLowerCase(),
    ]);
    expect(await readSession(db, token)).toBeNull();
    await db.query("UPDATE web_user SET role = 'retailer_agent', disabled_at = now() WHERE address = $1", [
      account(6).address.toLowerCase(),
    ]);
    expect(await readSession(db, token)).toBeNull();
  });

  it("granted, disabled, changed the time zone and recorded readings only in the caller's scope", async () => {
    const users = await db.query<{ address: string; retailer_id: string; created_by: string | null }>(
      "SELECT address, retailer_id, created_by FROM web_user WHERE address = ANY($1) ORDER BY address",
      [Object.values(GRANT_TARGET)],
    );
    expect(users.rows).toEqual([
      { address: GRANT_TARGET.adminR1, retailer_id: "ret-1", created_by: account(0).address.toLowerCase() },
      { address: GRANT_TARGET.adminR2, retailer_id: "ret-2", created_by: account(9).address.toLowerCase() },
    ]);
    const disabled = await db.query<{ address: string }>(
      "SELECT address FROM web_user WHERE disabled_at IS NOT NULL AND address = ANY($1) ORDER BY address",
      [Object.values(DISABLE_TARGET)],
    );
    expect(disabled.rows.map((r) => r.address)).toEqual([DISABLE_TARGET.r1, DISABLE_TARGET.r2]);
    const zones = await db.query<{ id: string; time_zone: string }>(
      "SELECT id, time_zone FROM retailer ORDER BY id",
    );
    expect(zones.rows).toEqual([
      { id: "ret-1", time_zone: "Europe/Vienna" },
      { id: "ret-2", time_zone: "America/New_York" },
    ]);
    const readings = await db.query<{ pod_id: string; customer_id: string; read_on: string }>(
      // (the review actions' seeded reports are reported by '0xreporter')
      "SELECT pod_id, customer_id, read_on::text FROM meter_reading_report WHERE reported_by <> '0xreporter' ORDER BY pod_id",
    );
    expect(readings.rows).toEqual([
      { pod_id: "pod-a", customer_id: A.customer, read_on: "2026-11-01" },
      { pod_id: "pod-b", customer_id: B.customer, read_on: "2026-11-01" },
    ]);
    const audit = await db.query<{ action: string; retailer_id: string }>(
      `SELECT action, retailer_id FROM audit_log
       WHERE action IN ('web_user.grant', 'web_user.disable', 'retailer.time_zone') ORDER BY action, retailer_id`,
    );
    expect(audit.rows).toEqual([
      { action: "retailer.time_zone", retailer_id: "ret-1" },
      { action: "retailer.time_zone", retailer_id: "ret-2" },
      { action: "web_user.disable", retailer_id: "ret-1" },
      { action: "web_user.disable", retailer_id: "ret-2" },
      { action: "web_user.grant", retailer_id: "ret-1" },
      { action: "web_user.grant", retailer_id: "ret-2" },
    ]);
  });
});

/** R1's community zev-1 (Europe/Zurich, monthly): a plant, units 1 (A), 2 (B) and 3 (vacant), October 2026 metered. */
async function seedCommunity(db: pg.Pool): Promise<void> {
  const ctx = { retailerId: "ret-1" };
  await db.query(
    `INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w) VALUES
       ('zev-pv', $1, 'gw-1', 'pv', 20000), ('zev-u1', $1, 'gw-1', 'grid', 20000), ('zev-u2', $1, 'gw-1', 'grid', 20000)`,
    [A.site],
  );
  await createCommunity(db, ctx, {
    id: "zev-1",
    name: "Sonnenhof",
    address: "Sonnenweg 3, 8000 Zürich",
    currency: "CHF",
    timeZone: "Europe/Zurich",
    billingCycle: "monthly",
    standardPricePerKwh: "0.3",
    solarPrice: { kind: "fixed", pricePerKwh: "0.2" },
    capRule: { rule: "half_saving" },
    gridTariff: { pricesPerKwh: { all: "0.3" } },
    vatRate: "8.1",
    ownerName: "Olga Owner",
    ownerAddress: "Seestrasse 1, 8000 Zürich",
  });
  for (const n of ["1", "2", "3"]) await addUnit(db, ctx, { communityId: "zev-1", name: n, areaM2: "50" });
  await assignMeter(db, ctx, {
    communityId: "zev-1",
    meterId: "zev-pv",
    role: "plant",
    plantOwner: "Olga Owner",
  });
  await assignMeter(db, ctx, {
    communityId: "zev-1",
    meterId: "zev-u1",
    role: "apartment",
    unitId: "zev-1-1",
  });
  await assignMeter(db, ctx, {
    communityId: "zev-1",
    meterId: "zev-u2",
    role: "apartment",
    unitId: "zev-1-2",
  });
  await moveIn(db, ctx, {
    communityId: "zev-1",
    unitId: "zev-1-1",
    name: "Resident One",
    moveIn: "2026-01-01",
    customerId: A.customer,
  });
  await moveIn(db, ctx, {
    communityId: "zev-1",
    unitId: "zev-1-2",
    name: "Resident Two",
    moveIn: "2026-01-01",
    customerId: B.customer,
  });
  const from = Date.parse("2026-09-30T22:00:00Z");
  const to = Date.parse("2026-10-31T23:00:00Z");
  for (const [meterId, register, wh] of [
    ["zev-pv", "export", 20],
    ["zev-u1", "import", 30],
    ["zev-u2", "import", 10],
  ] as const)
    await db.query(
      `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
       SELECT $1, $2, s, s + interval '15 minutes', $3 FROM generate_series($4::timestamptz, $5::timestamptz - interval '15 minutes', interval '15 minutes') AS s`,
      [meterId, register, wh, new Date(from), new Date(to)],
    );
  const run = await previewCommunityRun(db, ctx, { communityId: "zev-1", start: "2026-10-01" });
  COMMUNITY.runId = run.id;
  COMMUNITY.invoiceId = run.items[0]!.invoiceId;
}

describe("community residents", () => {
  it("a resident cannot read another unit by id, whatever id is typed", async () => {
    const route = ROUTES.find((r) => r.route === "api/community/resident/units/[unitId]")!;
    for (const [actor, unitId] of [
      ["prosumerA", "zev-1-2"],
      ["prosumerB", "zev-1-1"],
      ["prosumerA", "zev-1-3"],
      ["prosumerA", "nope"],
    ] as const) {
      const { status, body } = await call(route, actor, {
        url: `/api/community/resident/units/${unitId}?month=2026-10`,
        params: { unitId },
      });
      expect(status, `${actor} → ${unitId}`).toBe(404);
      expect(body).not.toContain("solarWh");
    }
    const own = await call(route, "prosumerA");
    expect(own.status).toBe(200);
    // the year view by month; B's unit by year is 404 as well
    const year = await call(route, "prosumerA", {
      url: "/api/community/resident/units/zev-1-1?year=2026",
      params: { unitId: "zev-1-1" },
    });
    const months = (JSON.parse(year.body) as { months: { month: string }[] }).months;
    expect(months).toHaveLength(12); // A's tenancy covers 2026 from January
    expect(months.find((m) => m.month === "2026-10")).toMatchObject({
      solarWh: String(2980 * 15),
      completeQuarterHours: 2980,
      expectedQuarterHours: 2980,
    });
    // January has no readings: nothing counted, and the month says so (never a silent zero)
    expect(months[0]).toMatchObject({
      month: "2026-01",
      solarWh: "0",
      completeQuarterHours: 0,
      expectedQuarterHours: 2976,
    });
    const otherYear = await call(route, "prosumerA", {
      url: "/api/community/resident/units/zev-1-2?year=2026",
      params: { unitId: "zev-1-2" },
    });
    expect(otherYear.status).toBe(404);
    // A's issued community bill is in A's invoice list (the action rows issued October), B's is not
    const list = ROUTES.find((r) => r.route === "api/prosumer/invoices")!;
    const invoices = JSON.parse((await call(list, "prosumerA")).body) as {
      invoices: { number: string; customerName?: string }[];
    };
    expect(invoices.invoices.filter((i) => i.number.startsWith("ZEV-1-"))).toHaveLength(1);
    // unit 1: 30 Wh per quarter hour, 20 of them solar (20 produced for 30 + 10 consumed: 15 and 5)
    expect(JSON.parse(own.body)).toMatchObject({
      unitId: "zev-1-1",
      solarWh: String(2980 * 15),
      consumptionWh: String(2980 * 30),
    });
  });
});
