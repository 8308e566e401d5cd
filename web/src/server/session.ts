import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";
import { type Address, getAddress } from "viem";

/** Anything that runs a parameterised query: a pool or a checked-out client. */
export type Queryable = Pick<pg.Pool, "query">;

/** 'prosumer' when the signed-in address is a known customer wallet, otherwise 'guest'. */
export type Role = "prosumer" | "guest";

export type Session = {
  address: Address;
  chainId: number;
  /** The customer the session may read; null for a guest. */
  customerId: string | null;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
};

/** Tokens are 32 random bytes, base64url (43 characters, no padding). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The database keeps only sha256(token): a leaked session table grants no session. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

type SessionRow = {
  address: string;
  chain_id: number;
  customer_id: string | null;
  role: string;
  created_at: Date;
  expires_at: Date;
};

function toSession(row: SessionRow): Session {
  return {
    address: getAddress(row.address),
    chainId: row.chain_id,
    customerId: row.customer_id,
    role: row.role === "prosumer" && row.customer_id !== null ? "prosumer" : "guest",
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

const RETURNING = "address, chain_id, customer_id, role, created_at, expires_at";

export type CreateSessionParams = { address: Address; chainId: number; ttlHours: number };

/**
 * Creates a session for a verified address. The role and customer come from the `wallet` table at
 * sign-in time. Returns the raw token (for the cookie) and the stored session.
 */
export async function createSession(
  db: Queryable,
  { address, chainId, ttlHours }: CreateSessionParams,
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString("base64url");
  const { rows } = await db.query<SessionRow>(
    `INSERT INTO session (token_hash, address, chain_id, customer_id, role, expires_at)
     SELECT $1, $2, $3, w.customer_id,
            CASE WHEN w.customer_id IS NULL THEN 'guest' ELSE 'prosumer' END,
            now() + make_interval(secs => $4)
     FROM (SELECT 1) AS one
     LEFT JOIN wallet w ON w.address = $2
     RETURNING ${RETURNING}`,
    [hashSessionToken(token), address.toLowerCase(), chainId, Math.round(ttlHours * 3600)],
  );
  const row = rows[0];
  if (!row) throw new Error("createSession: insert returned no row");
  return { token, session: toSession(row) };
}

/** The live session of a token: null when unknown, expired, revoked or malformed. */
export async function readSession(db: Queryable, token: string | undefined | null): Promise<Session | null> {
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  const { rows } = await db.query<SessionRow>(
    `SELECT ${RETURNING} FROM session
     WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()`,
    [hashSessionToken(token)],
  );
  const row = rows[0];
  return row ? toSession(row) : null;
}

/** Revokes a session server-side; true when a live session was revoked. */
export async function revokeSession(db: Queryable, token: string | undefined | null): Promise<boolean> {
  if (!token || !TOKEN_PATTERN.test(token)) return false;
  const { rowCount } = await db.query(
    "UPDATE session SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL",
    [hashSessionToken(token)],
  );
  return (rowCount ?? 0) > 0;
}
