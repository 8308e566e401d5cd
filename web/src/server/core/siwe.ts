import { randomBytes } from "node:crypto";
import type pg from "pg";
import { type Address, type Client, getAddress, type Hex, isAddress } from "viem";
import { parseSiweMessage, validateSiweMessage, verifySiweMessage } from "viem/siwe";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { AppError } from "./errors.ts";
import { slidingWindowExceeded } from "@c4e/prisma/sliding-window";

/** A nonce is valid for 5 minutes and for one sign-in only. */
export const NONCE_TTL_SECONDS = 300;
/** A message's issuedAt may lie at most this far in the past … */
export const MAX_MESSAGE_AGE_MS = 10 * 60_000;
/** … or this far in the future (clock skew between browser and server). */
export const MAX_CLOCK_SKEW_MS = 60_000;
const MAX_MESSAGE_LENGTH = 4096;

export type SiweConfig = {
  /** The origin the app is served from (WEB_ORIGIN): the message's domain and uri must match it. */
  webOrigin: string;
  chainId: number;
};

/** Why a sign-in was refused (returned, not thrown: refusals are expected outcomes). */
export type SiweRefusal =
  | "malformed_message"
  | "wrong_domain"
  | "wrong_uri"
  | "wrong_chain"
  | "not_yet_valid"
  | "expired"
  | "stale_issued_at"
  | "unknown_nonce"
  | "nonce_expired"
  | "nonce_used"
  | "bad_signature";

export type VerifySignInResult =
  { ok: true; address: Address; chainId: number } | { ok: false; reason: SiweRefusal };

/** Nonces are limited per client address over this sliding window (`issueNonce`). */
export const NONCE_LIMIT_WINDOW_SECONDS = 60;

/**
 * Issues a single-use nonce (128 random bits, hex: EIP-4361 wants ≥ 8 alphanumerics) and stores it
 * with its expiry and the client address it went to (`siwe_nonce_request`, which the per-client limit
 * counts). Also purges what expired more than an hour ago, used or not, with its request row (a
 * message with a purged nonce is refused as `unknown_nonce`). Unlimited: requests go through
 * `issueNonce`.
 */
export async function createNonce(
  db: Queryable,
  clientIp: string | null = null,
): Promise<{ nonce: string; expiresAt: Date }> {
  const nonce = randomBytes(16).toString("hex");
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO siwe_nonce (nonce, expires_at) VALUES ($1, now() + make_interval(secs => $2))
     RETURNING expires_at`,
    [nonce, NONCE_TTL_SECONDS],
  );
  await db.query(`INSERT INTO siwe_nonce_request (nonce, client_ip) VALUES ($1, $2)`, [nonce, clientIp]);
  // by the request rows' index on created_at (a nonce expires NONCE_TTL_SECONDS after it was issued);
  // rows another issue is purging are skipped (no waiting, no deadlock), a backlog goes 500 at a time
  await db.query(
    `WITH gone AS (
       DELETE FROM siwe_nonce_request WHERE nonce IN (
         SELECT nonce FROM siwe_nonce_request
          WHERE created_at < now() - make_interval(secs => $1) - interval '1 hour'
          ORDER BY created_at LIMIT 500 FOR UPDATE SKIP LOCKED)
       RETURNING nonce)
     DELETE FROM siwe_nonce WHERE nonce IN (SELECT nonce FROM gone)`,
    [NONCE_TTL_SECONDS],
  );
  const row = rows[0];
  if (!row) throw new Error("createNonce: insert returned no row");
  return { nonce, expiresAt: row.expires_at };
}

export type IssueNonceResult =
  { ok: true; nonce: string; expiresAt: Date } | { ok: false; retryAfterSeconds: number };

/**
 * A nonce for a sign-in, at most `perMinute` per client address in any minute (sliding window counted
 * in Postgres under an advisory lock on the address, `slidingWindowExceeded`, as the switch drafts
 * are). Beyond it nothing is stored and the answer says when the next one will be issued. Requests
 * without a known address share one bucket.
 */
export async function issueNonce(
  pool: pg.Pool,
  { perMinute }: { perMinute: number },
  clientIp: string | null,
): Promise<IssueNonceResult> {
  return withTransaction(pool, async (db) => {
    const limited = await slidingWindowExceeded(db, {
      bucket: `siwe-nonce-ip:${clientIp ?? ""}`,
      events: `SELECT created_at FROM siwe_nonce_request WHERE client_ip IS NOT DISTINCT FROM $3`,
      params: [clientIp],
      max: perMinute,
      windowSeconds: NONCE_LIMIT_WINDOW_SECONDS,
    });
    if (limited) return { ok: false as const, retryAfterSeconds: limited.retryAfterSeconds };
    return { ok: true as const, ...(await createNonce(db, clientIp)) };
  });
}

export type VerifySignInDeps = {
  db: Queryable;
  /** A public client on the app's chain: EOA signatures are recovered, smart accounts checked via ERC-1271/6492. */
  client: Client;
  config: SiweConfig;
  /** The verification instant (tests); defaults to the current time. */
  now?: Date;
};

export type VerifySignInInput = { message: string; signature: Hex };

const refuse = (reason: SiweRefusal): VerifySignInResult => ({ ok: false, reason });

/**
 * Verifies a Sign-In with Ethereum message (EIP-4361) and consumes its nonce.
 *
 * Checks, in order: the message parses and carries every required field; domain == WEB_ORIGIN's host,
 * scheme (if given) and uri origin == WEB_ORIGIN; chain id == CHAIN_ID; notBefore / expirationTime;
 * issuedAt is recent; the nonce was issued by us, is unused and unexpired; the signature is valid for
 * the address (EOA or smart account). Only then is the nonce marked used, atomically, so a replayed
 * or concurrent second verification of the same message is refused.
 */
export async function verifySignIn(
  deps: VerifySignInDeps,
  input: VerifySignInInput,
): Promise<VerifySignInResult> {
  const { db, client, config } = deps;
  const now = deps.now ?? new Date();
  const { message, signature } = input;
  if (message.length === 0 || message.length > MAX_MESSAGE_LENGTH) return refuse("malformed_message");
  if (!/^0x[0-9a-fA-F]+$/.test(signature)) return refuse("bad_signature");

  const parsed = parseSiweMessage(message);
  const { address, domain, uri, chainId, nonce, issuedAt, version } = parsed;
  if (!address || !isAddress(address, { strict: false }) || !domain || !uri || !nonce || !issuedAt) {
    return refuse("malformed_message");
  }
  if (version !== "1" || chainId === undefined || Number.isNaN(issuedAt.getTime())) {
    return refuse("malformed_message");
  }

  const origin = new URL(config.webOrigin);
  if (domain !== origin.host) return refuse("wrong_domain");
  if (parsed.scheme !== undefined && `${parsed.scheme}:` !== origin.protocol) return refuse("wrong_domain");
  let uriOrigin: string;
  try {
    uriOrigin = new URL(uri).origin;
  } catch {
    return refuse("wrong_uri");
  }
  if (uriOrigin !== origin.origin) return refuse("wrong_uri");
  if (chainId !== config.chainId) return refuse("wrong_chain");

  if (parsed.notBefore && !(parsed.notBefore.getTime() <= now.getTime())) return refuse("not_yet_valid");
  if (parsed.expirationTime && !(now.getTime() < parsed.expirationTime.getTime())) return refuse("expired");
  if (issuedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) return refuse("not_yet_valid");
  if (issuedAt.getTime() < now.getTime() - MAX_MESSAGE_AGE_MS) return refuse("stale_issued_at");
  // viem's own checks (version, nonce format, lifetime, address) as a last structural gate.
  if (!validateSiweMessage({ message: parsed, domain: origin.host, time: now }))
    return refuse("malformed_message");

  // Cheap lookup before the (possibly on-chain) signature check; the nonce is consumed only after it.
  const found = await db.query<{ used: boolean; expired: boolean }>(
    "SELECT used_at IS NOT NULL AS used, expires_at <= now() AS expired FROM siwe_nonce WHERE nonce = $1",
    [nonce],
  );
  const state = found.rows[0];
  if (!state) return refuse("unknown_nonce");
  if (state.used) return refuse("nonce_used");
  if (state.expired) return refuse("nonce_expired");

  let valid: boolean;
  try {
    valid = await verifySiweMessage(client, {
      message,
      signature,
      domain: origin.host,
      nonce,
      time: now,
    });
  } catch {
    // The chain was needed (no plain ECDSA match) but could not be asked.
    throw new AppError("unavailable", "signature verification unavailable");
  }
  if (!valid) return refuse("bad_signature");

  const consumed = await db.query(
    `UPDATE siwe_nonce SET used_at = now()
     WHERE nonce = $1 AND used_at IS NULL AND expires_at > now()
     RETURNING nonce`,
    [nonce],
  );
  if (consumed.rowCount !== 1) return refuse("nonce_used");
  return { ok: true, address: getAddress(address), chainId };
}
