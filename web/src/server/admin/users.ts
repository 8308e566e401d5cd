import type pg from "pg";
import { type Address, getAddress, isAddress } from "viem";
import { z } from "zod";
import type { MessageKey } from "@/messages/en.ts";
import { type ActionResult, invalid } from "@/server/core/action-result.ts";
import { audit, type StaffScope } from "@/server/core/authz.ts";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { AppError, statusOf } from "@/server/core/errors.ts";
import { STAFF_ROLES, type StaffRole } from "@/server/core/session.ts";

export type WebUserEntry = {
  address: Address;
  name: string;
  role: StaffRole;
  createdAt: string;
  /** the admin who granted the role; null when seeded */
  grantedBy: Address | null;
  disabledAt: string | null;
};

/** The retailer's staff and partners (enabled first, then by role and name). */
export async function listWebUsers(db: Queryable, scope: StaffScope): Promise<WebUserEntry[]> {
  const { rows } = await db.query<{
    address: string;
    name: string;
    role: StaffRole;
    created_at: Date;
    created_by: string | null;
    disabled_at: Date | null;
  }>(
    `SELECT address, name, role::text, created_at, created_by, disabled_at FROM web_user
     WHERE retailer_id = $1 ORDER BY disabled_at IS NOT NULL, role, name, address`,
    [scope.retailerId],
  );
  return rows.map((r) => ({
    address: getAddress(r.address),
    name: r.name,
    role: r.role,
    createdAt: r.created_at.toISOString(),
    grantedBy: r.created_by && isAddress(r.created_by) ? getAddress(r.created_by) : null,
    disabledAt: r.disabled_at?.toISOString() ?? null,
  }));
}

/**
 * An EVM address as typed by a person: 0x and 40 hex digits; mixed case must carry a valid EIP-55
 * checksum (a typo in one letter is caught), all lower or all upper case is accepted.
 */
const addressField = z
  .string()
  .trim()
  .refine((v) => /^0x[0-9a-fA-F]{40}$/.test(v), "admin.users.error.addressFormat")
  .refine(
    (v) => v.slice(2) === v.slice(2).toLowerCase() || v.slice(2) === v.slice(2).toUpperCase() || isAddress(v),
    "admin.users.error.addressChecksum",
  )
  .transform((v) => v.toLowerCase());

export const grantRoleInput = z.object({
  address: addressField,
  name: z.string().trim().min(1, "admin.users.error.name").max(100, "admin.users.error.name"),
  role: z.enum(STAFF_ROLES, "admin.users.error.role"),
});

export const setUserDisabledInput = z.object({
  address: addressField,
  disabled: z.enum(["true", "false"], "admin.users.error.form"),
});

function fieldRefusal<T>(
  error: "bad_request" | "conflict",
  field: string,
  key: MessageKey,
  message: string,
): ActionResult<T> {
  return { ok: false, error, status: statusOf(error), message, fieldErrors: { [field]: key } };
}

/**
 * Grants a staff or partner role of the scope's retailer to a wallet address (retailer admins;
 * audited). Refused at the address field: a customer's wallet (one address, one role), a member of
 * another retailer's staff, and the admin's own address (no self-demotion). An existing user of the
 * retailer gets the new role and name (their sessions end: the session re-checks the role).
 */
export async function grantRole(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ address: Address; role: StaffRole; changed: boolean }>> {
  const parsed = grantRoleInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { address, name, role } = parsed.data;
  if (address === scope.actor)
    return fieldRefusal("bad_request", "address", "admin.users.error.self", "cannot change your own role");
  return withTransaction(pool, async (db) => {
    const customer = await db.query("SELECT 1 FROM wallet WHERE address = $1", [address]);
    if ((customer.rowCount ?? 0) > 0)
      return fieldRefusal("conflict", "address", "admin.users.error.customerWallet", "a customer's wallet");
    const existing = await db.query<{ retailer_id: string; role: StaffRole; name: string }>(
      "SELECT retailer_id, role::text, name FROM web_user WHERE address = $1 FOR UPDATE",
      [address],
    );
    const old = existing.rows[0];
    if (old && old.retailer_id !== scope.retailerId)
      return fieldRefusal(
        "conflict",
        "address",
        "admin.users.error.otherRetailer",
        "staff of another retailer",
      );
    if (old && old.role === role && old.name === name)
      return fieldRefusal("conflict", "role", "admin.users.error.sameRole", "already has this role");
    if (old) {
      await db.query("UPDATE web_user SET role = $2, name = $3 WHERE address = $1", [address, role, name]);
      await audit(db, scope, {
        action: "web_user.role_change",
        targetType: "web_user",
        targetId: address,
        detail: { from: old.role, to: role, name },
      });
    } else {
      await db.query(
        `INSERT INTO web_user (address, retailer_id, role, name, created_by) VALUES ($1, $2, $3, $4, $5)`,
        [address, scope.retailerId, role, name, scope.actor],
      );
      await audit(db, scope, {
        action: "web_user.grant",
        targetType: "web_user",
        targetId: address,
        detail: { role, name },
      });
    }
    return { ok: true as const, value: { address: getAddress(address), role, changed: Boolean(old) } };
  });
}

/**
 * Disables or re-enables a user of the scope's retailer (retailer admins; audited). Disabling also
 * revokes the user's sessions, so re-enabling later does not bring an old session back. An admin
 * cannot disable themselves; another retailer's user (or none) is `not_found`.
 */
export async function setUserDisabled(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ address: Address; disabled: boolean }>> {
  const parsed = setUserDisabledInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { address } = parsed.data;
  const disabled = parsed.data.disabled === "true";
  if (disabled && address === scope.actor)
    return fieldRefusal("bad_request", "address", "admin.users.error.disableSelf", "cannot disable yourself");
  return withTransaction(pool, async (db) => {
    const updated = await db.query(
      `UPDATE web_user SET disabled_at = CASE WHEN $3 THEN coalesce(disabled_at, now()) END
       WHERE address = $1 AND retailer_id = $2`,
      [address, scope.retailerId, disabled],
    );
    if (updated.rowCount !== 1) throw new AppError("not_found", "no such user");
    if (disabled)
      await db.query("UPDATE session SET revoked_at = now() WHERE address = $1 AND revoked_at IS NULL", [
        address,
      ]);
    await audit(db, scope, {
      action: disabled ? "web_user.disable" : "web_user.enable",
      targetType: "web_user",
      targetId: address,
    });
    return { ok: true as const, value: { address: getAddress(address), disabled } };
  });
}
