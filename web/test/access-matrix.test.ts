// Access matrix: every API route and every server action × every role × another customer's or
// retailer's record. Forbidden combinations are refused (401/403/404) and no response of an allowed
// one contains another party's data. The route and action lists are read from the source tree: a new
// route file or action export without a row below fails the first test.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildRewardTree } from "@c4e/contracts";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { getAddress } from "viem";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "../../stack/src/testing/index.ts";
import { createSession } from "../src/server/session.ts";
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

/** Ids of the other parties' records (customer B's batch, retailer R2's gateway and lead). */
const FOREIGN = { batchOfB: "", gatewayOfR2: "gw-r2", leadOfR2: "", leadOfR1: "" };

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
  { route: "api/admin/audit", method: "GET", allowed: ADMINS, url: () => "/api/admin/audit" },
  // POST /api/auth/logout last: it revokes the session it is called with (re-created afterwards).
  { route: "api/auth/logout", method: "POST", allowed: ALL, url: () => "/api/auth/logout" },
];

let SHARED_BATCH = "";

type ActionCase = {
  /** "file#export", file relative to src/app. */
  action: string;
  allowed: readonly Actor[];
  /** Input for an allowed actor (made unique per actor where the action creates a record). */
  input: (actor: Actor) => Record<string, string>;
  /** Input aimed at another retailer's record: allowed actors get not_found. */
  foreign?: (actor: Actor) => Record<string, string>;
};

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
  for (const r of ROUTES) {
    if (r.route === "api/prosumer/rewards/[batchId]/proof")
      r.foreign = {
        url: `/api/prosumer/rewards/${FOREIGN.batchOfB}/proof`,
        params: { batchId: FOREIGN.batchOfB },
      };
    if (r.route === "api/admin/leads/[leadId]")
      r.foreign = { url: `/api/admin/leads/${FOREIGN.leadOfR2}`, params: { leadId: FOREIGN.leadOfR2 } };
  }
  for (const actor of ACTORS) await signIn(actor);
});

afterAll(async () => {
  const { getPool } = await import("../src/server/db.ts");
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
        expect(c.okStatus ?? [200], `${c.route} as ${actor}: ${body.slice(0, 200)}`).toContain(status);
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
      if (a.allowed.includes(actor)) {
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
    expect(audit.rows.every((r) => r.retailer_id === "ret-1" || r.retailer_id === "ret-2")).toBe(true);
  });

  it("ends staff sessions at once when the role is revoked or changed", async () => {
    const { readSession } = await import("../src/server/session.ts");
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
});
