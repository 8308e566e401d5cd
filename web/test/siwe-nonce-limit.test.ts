// `POST /api/auth/nonce` is limited per client address (SIWE_NONCES_PER_IP_PER_MINUTE, default 30 in
// any minute; a sliding window counted in Postgres, as the switch drafts are): the 31st request of a
// client within the window gets 429 with Retry-After and a JSON error and stores nothing, another
// client is not affected. The client is the TCP peer unless TRUSTED_PROXIES says proxies append to
// X-Forwarded-For: first the route in this process behind one trusted proxy, then the built app
// (`next start`) with clients on two loopback addresses forging X-Forwarded-For.
import http from "node:http";
import { join } from "node:path";
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@c4e/stack/embedded/ports";
import { createTestDatabase } from "@c4e/stack/testing/index";
import { CHAIN_ID, TOKEN } from "./fixtures.ts";
import { ensureBuilt, startNext } from "./next-server.ts";

const ORIGIN = "http://localhost:3999";
const LIMIT = 30;

let db: pg.Pool;
let databaseUrl: string;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const database = await createTestDatabase("web_nonce_limit");
  cleanup.push(database.drop);
  databaseUrl = database.url;
  db = createPool({ url: database.url, max: 4 });
  cleanup.push(() => db.end());
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

type NonceAnswer = { status: number; retryAfter: string | null; body: Record<string, unknown> };

const noncesOf = async (clientIp: string) =>
  (
    await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM siwe_nonce_request r JOIN siwe_nonce n USING (nonce) WHERE r.client_ip = $1`,
      [clientIp],
    )
  ).rows[0]?.n;

describe("the nonce route behind one trusted proxy (TRUSTED_PROXIES=1)", () => {
  let post: (headers: Record<string, string>) => Promise<NonceAnswer>;

  beforeAll(async () => {
    Object.assign(process.env, {
      DATABASE_URL: databaseUrl,
      RPC_URL: "http://127.0.0.1:9/",
      CHAIN_ID: String(CHAIN_ID),
      TOKEN_ADDRESS: TOKEN,
      REWARD_MINTER_ADDRESS: "0x00000000000000000000000000000000000000aa",
      MQTT_URL: "mqtt://127.0.0.1:9",
      WEB_ORIGIN: ORIGIN,
      TRUSTED_PROXIES: "1",
    });
    const route = (await import(join(import.meta.dirname, "../src/app/api/auth/nonce/route.ts"))) as {
      POST: (request: Request) => Promise<Response>;
    };
    post = async (headers) => {
      const res = await route.POST(
        new Request(`${ORIGIN}/api/auth/nonce`, { method: "POST", headers: { origin: ORIGIN, ...headers } }),
      );
      return {
        status: res.status,
        retryAfter: res.headers.get("retry-after"),
        body: (await res.json()) as Record<string, unknown>,
      };
    };
  });

  it("answers the 31st request of a client within a minute with 429, Retry-After and a JSON error", async () => {
    const client = "203.0.113.10";
    for (let i = 1; i <= LIMIT; i++) {
      const answer = await post({ "x-forwarded-for": client });
      expect({ i, status: answer.status }).toEqual({ i, status: 200 });
      expect(answer.body.nonce).toMatch(/^[0-9a-f]{32}$/);
    }
    // the window's oldest nonce is 50 s old: the next one comes in about 10 s
    await db.query(
      `UPDATE siwe_nonce_request SET created_at = now() - interval '50 seconds' WHERE client_ip = $1`,
      [client],
    );
    const refused = await post({ "x-forwarded-for": client });
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(9);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(10);
    expect(refused.body).toEqual({
      error: "too_many_requests",
      message: "too many sign-in attempts from this address; try again later",
      retryAfterSeconds: Number(refused.retryAfter),
    });
    expect(await noncesOf(client)).toBe(LIMIT); // the refused request stored nothing

    // entries a client writes before the proxy's own do not make it someone else
    expect((await post({ "x-forwarded-for": `198.51.100.99, ${client}` })).status).toBe(429);
    // another client is not affected
    expect((await post({ "x-forwarded-for": "203.0.113.11" })).status).toBe(200);

    // a minute after its nonces the client gets nonces again (sliding window)
    await db.query(
      `UPDATE siwe_nonce_request SET created_at = now() - interval '61 seconds' WHERE client_ip = $1`,
      [client],
    );
    expect((await post({ "x-forwarded-for": client })).status).toBe(200);
  });

  it("purges nonces an hour after they expired, with their request rows; recent ones stay", async () => {
    await db.query(
      `INSERT INTO siwe_nonce (nonce, created_at, expires_at) VALUES
         ('old', now() - interval '2 hours', now() - interval '2 hours' + interval '5 minutes'),
         ('recent', now() - interval '15 minutes', now() - interval '10 minutes');
       INSERT INTO siwe_nonce_request (nonce, client_ip, created_at) VALUES
         ('old', '192.0.2.1', now() - interval '2 hours'), ('recent', '192.0.2.1', now() - interval '15 minutes')`,
    );
    expect((await post({ "x-forwarded-for": "192.0.2.2" })).status).toBe(200);
    const left = async (table: string) =>
      (
        await db.query<{ nonce: string }>(`SELECT nonce FROM ${table} WHERE nonce IN ('old', 'recent')`)
      ).rows.map((r) => r.nonce);
    expect(await left("siwe_nonce")).toEqual(["recent"]); // still refused as nonce_expired, not unknown
    expect(await left("siwe_nonce_request")).toEqual(["recent"]);
  });
});

describe("the built app: the client is the TCP peer, X-Forwarded-For is ignored (TRUSTED_PROXIES unset)", () => {
  let web: Awaited<ReturnType<typeof startNext>>;
  let port: number;

  beforeAll(async () => {
    await ensureBuilt();
    port = await freePort();
    web = await startNext(port, {
      DATABASE_URL: databaseUrl,
      RPC_URL: "http://127.0.0.1:9/",
      CHAIN_ID: String(CHAIN_ID),
      TOKEN_ADDRESS: TOKEN,
      REWARD_MINTER_ADDRESS: "0x00000000000000000000000000000000000000aa",
      MQTT_URL: "mqtt://127.0.0.1:9",
      WEB_ORIGIN: `http://localhost:${port}`,
      SWITCH_ACTIVATION_MINUTES: "0",
      TRUSTED_PROXIES: "0", // this process's environment says 1 (above)
    });
    cleanup.push(web.stop);
  });

  /** POST /api/auth/nonce over a connection from `localAddress` (both are loopback addresses). */
  function postFrom(localAddress: string, headers: Record<string, string> = {}) {
    return new Promise<NonceAnswer>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, path: "/api/auth/nonce", method: "POST", localAddress, headers },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: (res.headers["retry-after"] as string | undefined) ?? null,
              body: JSON.parse(text) as Record<string, unknown>,
            }),
          );
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  it("limits one peer whatever X-Forwarded-For it sends; a client at another address still signs in", async () => {
    for (let i = 1; i <= LIMIT; i++) {
      // a fresh forged address every time: were it believed, the limit would never bite
      const answer = await postFrom("127.0.0.1", { "x-forwarded-for": `198.51.100.${i}` });
      expect({ i, status: answer.status }).toEqual({ i, status: 200 });
    }
    const refused = await postFrom("127.0.0.1", { "x-forwarded-for": "198.51.100.200" });
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({ error: "too_many_requests" });
    expect(await noncesOf("127.0.0.1")).toBe(LIMIT);

    const other = await postFrom("127.0.0.2");
    expect(other.status).toBe(200);
    expect(other.body.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(await noncesOf("127.0.0.2")).toBe(1);
  });
});
