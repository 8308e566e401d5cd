import type { Queryable } from "@c4e/prisma";

/** One admin action as the audit log records it. */
export type AuditEntry = {
  action: string;
  targetType: string;
  targetId: string;
  detail?: Record<string, unknown>;
};

/**
 * Records an admin action in the caller's transaction. The audit log belongs to the web app (it
 * holds the session's role); it passes this port in with the staff member's scope.
 */
export type AuditPort = (db: Queryable, entry: AuditEntry) => Promise<void>;

/** A staff member acting for one retailer: `actor` is written to trails and activities. */
export type StaffContext = { retailerId: string; actor: string; audit: AuditPort };

/** A switch signer: the requests signed by this wallet (lower-case address), nothing else. */
export type SignerScope = { address: string };
