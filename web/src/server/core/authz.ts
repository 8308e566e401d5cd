import { AppError } from "./errors.ts";
import type { Role, Session, StaffRole } from "./session.ts";
import type { Queryable } from "@c4e/prisma";

/**
 * Who may do what: one row per action, listing the roles allowed. Every API route, server action and
 * page calls `authorizeCustomer` or `authorizeStaff` with one of these actions before it reads or
 * writes anything; record-level scoping (this customer's meters, this retailer's gateways) follows from
 * the scope they return. A record outside the scope is `not_found` (404), never a hint that it exists.
 */
export const POLICY = {
  /** own dashboard, rewards, proofs, transfers */
  "prosumer.read": ["prosumer"],
  /** perk catalogue, own energy coupons and green certificates (redeeming and claiming are wallet txs) */
  "wallet.read": ["prosumer"],
  /** own invoices (issued, voided), their PDFs, contracts and products */
  "invoice.read": ["prosumer"],
  /** report a meter reading for one of the customer's own PODs */
  "meter_reading.write": ["prosumer"],
  /** own readings as CSV / xlsx */
  "prosumer.export": ["prosumer"],
  /** admin overview pages: gateways, ingest health, rewards */
  "admin.read": ["retailer_admin", "retailer_agent"],
  /** register a gateway and its key */
  "gateway.write": ["retailer_admin"],
  "crm.read": ["retailer_admin", "retailer_agent"],
  /** the retailer's customers and PODs (contracts, meters, invoices, readings, balance) */
  "customers.read": ["retailer_admin", "retailer_agent"],
  /** accept a customer's reported reading as settlement reading, or reject it (audited) */
  "reading_review.write": ["retailer_admin"],
  "crm.write": ["retailer_admin", "retailer_agent"],
  "audit.read": ["retailer_admin"],
  /** bill runs, the retailer's invoices, their PDFs and the xlsx export */
  "billing.read": ["retailer_admin", "retailer_agent"],
  /** start a bill run, issue drafts, void, create credit notes (audited) */
  "billing.write": ["retailer_admin"],
  /** issue a draft held for incomplete interval data, with a reason (override; audited) */
  "billing.override": ["retailer_admin"],
  /** the retailer's product catalogue with all versions and their contract counts */
  "product.read": ["retailer_admin", "retailer_agent"],
  /** create products, edit and publish drafts, archive (audited) */
  "product.write": ["retailer_admin"],
  /** staff and partner roles of the retailer (list; grant, disable and re-enable are audited) */
  "users.read": ["retailer_admin"],
  "users.write": ["retailer_admin"],
  /** every partner's perks, their redemptions and consumed coupons (chain mirror) */
  "partners.read": ["retailer_admin", "retailer_agent"],
  /** retailer settings (time zone of the admin pages; audited) */
  "settings.write": ["retailer_admin"],
  /** the partner's own perks, their redemptions and consumed coupons (writes are the partner's txs) */
  "partner.read": ["partner"],
  /** the supplier-switch requests the session's wallet signed (a prospect is a guest until activation) */
  "switch.own": ["guest", "prosumer"],
  /** the retailer's supplier-switch queue, a request's audit trail and distributor messages */
  "switch.read": ["retailer_admin", "retailer_agent"],
  /** validate, reject, send the distributor message, record the confirmation, activate (audited) */
  "switch.write": ["retailer_admin"],
  /** self-consumption communities of the tenant: meters, units, tenants, runs, exports, documents */
  "community.read": ["property_manager", "retailer_admin"],
  /** preview and issue a community's billing run (audited) */
  "community.write": ["property_manager", "retailer_admin"],
  /** a resident's own unit (by their tenancies): consumption, its solar share, own community bills */
  "resident.read": ["prosumer"],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof POLICY;
type ActionFor<R extends Role> = {
  [A in Action]: R extends (typeof POLICY)[A][number] ? A : never;
}[Action];
export type CustomerAction = ActionFor<"prosumer">;
export type StaffAction = ActionFor<StaffRole>;
export type PartnerAction = ActionFor<"partner">;
export type SignerAction = ActionFor<"guest">;

/** What a prosumer read may see: exactly one customer (and its retailer), from the session only. */
export type CustomerScope = { customerId: string; retailerId: string; address: string };

/** What a staff action may touch: one retailer's records; `actor` and `role` go into the audit log. */
export type StaffScope = { retailerId: string; actor: string; role: StaffRole };

/** True when the role may perform the action (the policy table, nothing else). */
export function isAllowed(role: Role, action: Action): boolean {
  return (POLICY[action] as readonly Role[]).includes(role);
}

function check(session: Session | null, action: Action): Session {
  if (!session) throw new AppError("unauthenticated", "sign in first");
  if (!isAllowed(session.role, action)) throw new AppError("forbidden", `not allowed: ${action}`);
  return session;
}

/**
 * The customer scope of a session for a prosumer action. Throws `unauthenticated` without a session
 * and `forbidden` for any other role (a guest, staff).
 */
export function authorizeCustomer(session: Session | null, action: CustomerAction): CustomerScope {
  const s = check(session, action);
  if (s.role !== "prosumer" || s.customerId === null || s.retailerId === null)
    throw new AppError("forbidden", "this wallet has no C4E account");
  return { customerId: s.customerId, retailerId: s.retailerId, address: s.address.toLowerCase() };
}

/** The retailer scope of a session for a staff action (`unauthenticated` / `forbidden` otherwise). */
export function authorizeStaff(session: Session | null, action: StaffAction): StaffScope {
  const s = check(session, action);
  if (s.role === "prosumer" || s.role === "guest" || s.retailerId === null)
    throw new AppError("forbidden", `not allowed: ${action}`);
  return { retailerId: s.retailerId, actor: s.address.toLowerCase(), role: s.role };
}

/** What a partner may see: the perks it listed (by its wallet address) and their redemptions. */
export type PartnerScope = { partner: string; retailerId: string };

/** The partner scope of a session (`unauthenticated` / `forbidden` for every other role). */
export function authorizePartner(session: Session | null, action: PartnerAction): PartnerScope {
  const s = check(session, action);
  if (s.role !== "partner" || s.retailerId === null)
    throw new AppError("forbidden", `not allowed: ${action}`);
  return { partner: s.address.toLowerCase(), retailerId: s.retailerId };
}

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId: string;
  detail?: Record<string, unknown>;
};

/** Records an admin action (who, what, target, when); call it in the transaction of the change. */
export async function audit(db: Queryable, scope: StaffScope, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (actor, role, retailer_id, action, target_type, target_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      scope.actor,
      scope.role,
      scope.retailerId,
      entry.action,
      entry.targetType,
      entry.targetId,
      JSON.stringify(entry.detail ?? {}),
    ],
  );
}

/** What a switch signer may see: the requests signed by the session's wallet, nothing else. */
export type SignerScope = { address: string };

/**
 * The signer scope of a session (a guest wallet or a prosumer): `unauthenticated` without a session,
 * `forbidden` for staff and partners.
 */
export function authorizeSigner(session: Session | null, action: SignerAction): SignerScope {
  const s = check(session, action);
  return { address: s.address.toLowerCase() };
}
