import { createHash, randomBytes } from "node:crypto";
import { type Address, getAddress } from "viem";

/** Anything that runs a parameterised query: a pool or a checked-out client. */
import type { Queryable } from "@c4e/prisma";

/** Roles of staff and partners, assigned per retailer in `web_user`. */
export const STAFF_ROLES = ["retailer_admin", "retailer_agent", "partner", "property_manager"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * The role of a session: a staff role from `web_user`, else 'prosumer' when the address is a customer
 * wallet, else 'guest' (signed in, sees nothing but a notice).
 */
export type Role = "prosumer" | "guest" | StaffRole;

export type Session = {
  address: Address;
  chainId: number;
  /** The customer the session may read; set for prosumers only. */
  customerId: string | null;
  /** The tenant: the prosumer's retailer or the staff member's; null for a guest. */
  retailerId: string | null;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
};

const isStaffRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);

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
  retailer_id: string | null;
  role: string;
  created_at: Date;
  expires_at: Date;
};

function toSession(row: SessionRow): Session {
  const base = {
    address: getAddress(row.address),
    chainId: row.chain_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
  if (row.role === "prosumer" && row.customer_id !== null && row.retailer_id !== null)
    return { ...base, role: "prosumer", customerId: row.customer_id, retailerId: row.retailer_id };
  if (isStaffRole(row.role) && row.retailer_id !== null)
    return { ...base, role: row.role, customerId: null, retailerId: row.retailer_id };
  return { ...base, role: "guest", customerId: null, retailerId: null };
}

/**
 * The session row with its tenant, re-checked against the role assignment on every read: a staff
 * session needs its live `web_user` row with the same role (disabling a user or changing the role ends
 * their sessions at once); a prosumer session needs the wallet still linked to the same customer.
 * `valid` is false otherwise.
 */
const SESSION_SELECT = `
  SELECT s.address, s.chain_id, s.customer_id, s.role, s.created_at, s.expires_at,
         CASE WHEN s.role = 'prosumer' THEN c.retailer_id ELSE u.retailer_id END AS retailer_id,
         CASE WHEN s.role = 'guest' THEN true
              WHEN s.role = 'prosumer' THEN w.customer_id IS NOT NULL AND w.customer_id = s.customer_id
              ELSE u.address IS NOT NULL AND u.role::text = s.role AND u.disabled_at IS NULL
         END AS valid
  FROM session s
  LEFT JOIN wallet w ON w.address = s.address
  LEFT JOIN customer c ON c.id = s.customer_id
  LEFT JOIN web_user u ON u.address = s.address`;

export type CreateSessionParams = { address: Address; chainId: number; ttlHours: number };

/**
 * Creates a session for a verified address. The role comes from server-side data at sign-in time:
 * an enabled `web_user` row (staff/partner role at a retailer) wins, else a `wallet` row makes the
 * address the customer's prosumer, else it is a guest. Returns the raw token (for the cookie) and the
 * stored session.
 */
export async function createSession(
  db: Queryable,
  { address, chainId, ttlHours }: CreateSessionParams,
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString("base64url");
  const tokenHash = hashSessionToken(token);
  await db.query(
    `INSERT INTO session (token_hash, address, chain_id, customer_id, role, expires_at)
     SELECT $1, $2, $3,
            CASE WHEN u.address IS NULL THEN w.customer_id END,
            CASE WHEN u.address IS NOT NULL THEN u.role::text
                 WHEN w.customer_id IS NOT NULL THEN 'prosumer'
                 ELSE 'guest' END,
            now() + make_interval(secs => $4)
     FROM (SELECT 1) AS one
     LEFT JOIN wallet w ON w.address = $2
     LEFT JOIN web_user u ON u.address = $2 AND u.disabled_at IS NULL`,
    [tokenHash, address.toLowerCase(), chainId, Math.round(ttlHours * 3600)],
  );
  const { rows } = await db.query<SessionRow & { valid: boolean }>(
    `${SESSION_SELECT} WHERE s.token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) throw new Error("createSession: insert returned no row");
  return { token, session: toSession(row) };
}

/**
 * The live session of a token: null when unknown, expired, revoked, malformed, or when its role
 * assignment no longer holds (see SESSION_SELECT).
 */
export async function readSession(db: Queryable, token: string | undefined | null): Promise<Session | null> {
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  const { rows } = await db.query<SessionRow & { valid: boolean }>(
    `${SESSION_SELECT}
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
    [hashSessionToken(token)],
  );
  const row = rows[0];
  return row?.valid ? toSession(row) : null;
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
