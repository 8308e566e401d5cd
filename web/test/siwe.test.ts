import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import type { Hex, PublicClient } from "viem";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, startTestChain } from "@c4e/stack/testing/index";
import { createChainClient } from "@/server/core/chain.ts";
import { createSession, readSession, revokeSession } from "@/server/core/session.ts";
import { createNonce, type SiweConfig, verifySignIn } from "@/server/core/siwe.ts";
import { A, account, CHAIN_ID, seedCustomers } from "./fixtures.ts";

const config: SiweConfig = { webOrigin: "http://localhost:3999", chainId: CHAIN_ID };
const prosumer = account(2); // customer A's wallet
const stranger = account(7); // no customer

let db: pg.Pool;
let client: PublicClient;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const [database, chain] = await Promise.all([createTestDatabase("web_siwe"), startTestChain()]);
  cleanup.push(database.drop, chain.stop);
  db = createPool({ url: database.url, max: 4 });
  cleanup.push(() => db.end());
  client = createChainClient({ rpcUrl: chain.url, chainId: CHAIN_ID });
  await seedCustomers(db);
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

type MessageOverrides = Partial<Parameters<typeof createSiweMessage>[0]>;

/** A well-formed message for this app with a fresh server nonce, signed by `signer`. */
async function signedMessage(
  overrides: MessageOverrides = {},
  signer = prosumer,
): Promise<{ message: string; signature: Hex; nonce: string }> {
  const nonce = overrides.nonce ?? (await createNonce(db)).nonce;
  const issuedAt = new Date();
  const message = createSiweMessage({
    domain: "localhost:3999",
    uri: "http://localhost:3999",
    address: signer.address,
    statement: "Sign in to C4E.",
    version: "1",
    chainId: CHAIN_ID,
    issuedAt,
    expirationTime: new Date(issuedAt.getTime() + 5 * 60_000),
    ...overrides,
    nonce,
  });
  return { message, signature: await signer.signMessage({ message }), nonce };
}

const verify = (input: { message: string; signature: Hex }) => verifySignIn({ db, client, config }, input);

describe("Sign-In with Ethereum", () => {
  beforeEach(async () => {
    await db.query("DELETE FROM siwe_nonce WHERE expires_at < now()");
  });

  it("accepts a fresh message signed by its address and starts a prosumer session", async () => {
    const signed = await signedMessage();
    const result = await verify(signed);
    expect(result).toEqual({ ok: true, address: prosumer.address, chainId: CHAIN_ID });
    if (!result.ok) return;

    const { token, session } = await createSession(db, { ...result, ttlHours: 12 });
    expect(session).toMatchObject({ address: prosumer.address, role: "prosumer", customerId: A.customer });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await readSession(db, token)).toMatchObject({ role: "prosumer", customerId: A.customer });

    // Only the hash is stored.
    const stored = await db.query("SELECT token_hash FROM session");
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(token);

    const used = await db.query("SELECT used_at FROM siwe_nonce WHERE nonce = $1", [signed.nonce]);
    expect(used.rows[0]?.used_at).toBeInstanceOf(Date);
  });

  it("gives an address without a customer wallet a guest session", async () => {
    const result = await verify(await signedMessage({}, stranger));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { session } = await createSession(db, { ...result, ttlHours: 1 });
    expect(session).toMatchObject({ role: "guest", customerId: null, address: stranger.address });
  });

  it("refuses a replayed message (second verify of the same signed message)", async () => {
    const signed = await signedMessage();
    expect((await verify(signed)).ok).toBe(true);
    expect(await verify(signed)).toEqual({ ok: false, reason: "nonce_used" });
  });

  it("lets only one of two concurrent verifications of the same message through", async () => {
    const signed = await signedMessage();
    const results = await Promise.all([verify(signed), verify(signed), verify(signed)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(["nonce_used", "nonce_used"]);
  });

  it("refuses a new message that reuses an already used nonce", async () => {
    const first = await signedMessage();
    expect((await verify(first)).ok).toBe(true);
    const second = await signedMessage({ nonce: first.nonce, issuedAt: new Date(Date.now() + 1000) });
    expect(second.message).not.toBe(first.message);
    expect(await verify(second)).toEqual({ ok: false, reason: "nonce_used" });
  });

  it("refuses a nonce the server never issued", async () => {
    const signed = await signedMessage({ nonce: "abcdef0123456789abcdef0123456789" });
    expect(await verify(signed)).toEqual({ ok: false, reason: "unknown_nonce" });
  });

  it("refuses an expired nonce", async () => {
    const signed = await signedMessage();
    await db.query("UPDATE siwe_nonce SET expires_at = now() - interval '1 second' WHERE nonce = $1", [
      signed.nonce,
    ]);
    expect(await verify(signed)).toEqual({ ok: false, reason: "nonce_expired" });
  });

  it("refuses a message for another domain, and the refusal does not burn the nonce", async () => {
    const phishing = await signedMessage({ domain: "evil.example" });
    expect(await verify(phishing)).toEqual({ ok: false, reason: "wrong_domain" });
    const port = await signedMessage({ domain: "localhost:4000" });
    expect(await verify(port)).toEqual({ ok: false, reason: "wrong_domain" });
    const scheme = await signedMessage({ scheme: "https" });
    expect(await verify(scheme)).toEqual({ ok: false, reason: "wrong_domain" });

    const honest = await signedMessage({ nonce: phishing.nonce });
    expect((await verify(honest)).ok).toBe(true);
  });

  it("refuses a message whose uri is on another origin", async () => {
    const signed = await signedMessage({ uri: "https://evil.example/login" });
    expect(await verify(signed)).toEqual({ ok: false, reason: "wrong_uri" });
  });

  it("refuses a message for another chain id", async () => {
    const signed = await signedMessage({ chainId: 1 });
    expect(await verify(signed)).toEqual({ ok: false, reason: "wrong_chain" });
  });

  it("refuses an expired message", async () => {
    const issuedAt = new Date(Date.now() - 3 * 60_000);
    const signed = await signedMessage({ issuedAt, expirationTime: new Date(Date.now() - 1000) });
    expect(await verify(signed)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a message that is not yet valid or was issued long ago", async () => {
    const notBefore = await signedMessage({ notBefore: new Date(Date.now() + 60 * 60_000) });
    expect(await verify(notBefore)).toEqual({ ok: false, reason: "not_yet_valid" });
    const future = await signedMessage({
      issuedAt: new Date(Date.now() + 10 * 60_000),
      expirationTime: new Date(Date.now() + 20 * 60_000),
    });
    expect(await verify(future)).toEqual({ ok: false, reason: "not_yet_valid" });
    const stale = await signedMessage({
      issuedAt: new Date(Date.now() - 60 * 60_000),
      expirationTime: undefined,
    });
    expect(await verify(stale)).toEqual({ ok: false, reason: "stale_issued_at" });
  });

  it("refuses a signature made by another key", async () => {
    const signed = await signedMessage();
    const forged = await stranger.signMessage({ message: signed.message });
    expect(await verify({ message: signed.message, signature: forged })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    // The nonce survives a forged attempt: the owner can still use it.
    expect((await verify(signed)).ok).toBe(true);
  });

  it("refuses a tampered message (signature over different text)", async () => {
    const signed = await signedMessage();
    const tampered = signed.message.replace("Sign in to C4E.", "Sign in to C4E!");
    expect(await verify({ message: tampered, signature: signed.signature })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("still signs in EOAs when the chain is unreachable, and still refuses other keys", async () => {
    const deadChain = createChainClient({ rpcUrl: "http://127.0.0.1:9", chainId: CHAIN_ID }, 1000);
    const signed = await signedMessage();
    const forged = await stranger.signMessage({ message: signed.message });
    expect(
      await verifySignIn({ db, client: deadChain, config }, { message: signed.message, signature: forged }),
    ).toEqual({ ok: false, reason: "bad_signature" });
    expect((await verifySignIn({ db, client: deadChain, config }, signed)).ok).toBe(true);
  });

  it("refuses garbage", async () => {
    expect(await verify({ message: "hello", signature: "0x1234" })).toEqual({
      ok: false,
      reason: "malformed_message",
    });
  });
});

describe("sessions", () => {
  it("expire, can be revoked, and ignore malformed tokens", async () => {
    const { token } = await createSession(db, { address: prosumer.address, chainId: CHAIN_ID, ttlHours: 1 });
    expect(await readSession(db, token)).not.toBeNull();
    expect(await revokeSession(db, token)).toBe(true);
    expect(await readSession(db, token)).toBeNull();
    expect(await revokeSession(db, token)).toBe(false);

    const expiring = await createSession(db, { address: prosumer.address, chainId: CHAIN_ID, ttlHours: 1 });
    await db.query(
      "UPDATE session SET expires_at = now() - interval '1 second' WHERE address = $1 AND revoked_at IS NULL",
      [prosumer.address.toLowerCase()],
    );
    expect(await readSession(db, expiring.token)).toBeNull();

    expect(await readSession(db, undefined)).toBeNull();
    expect(await readSession(db, "not-a-token")).toBeNull();
    expect(await readSession(db, "x".repeat(43))).toBeNull();
  });
});
