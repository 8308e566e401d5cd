import type { StaffScope } from "@/server/core/authz.ts";
import type { Queryable } from "@c4e/prisma";

export type AuditRow = {
  id: string;
  at: string;
  actor: string;
  role: string;
  action: string;
  targetType: string;
  targetId: string;
  detail: Record<string, unknown>;
};

/** The retailer's audit trail, newest first. */
export async function listAudit(db: Queryable, scope: StaffScope, limit = 200): Promise<AuditRow[]> {
  const { rows } = await db.query<{
    id: string;
    at: Date;
    actor: string;
    role: string;
    action: string;
    target_type: string;
    target_id: string;
    detail: Record<string, unknown>;
  }>(
    `SELECT id::text, at, actor, role, action, target_type, target_id, detail FROM audit_log
     WHERE retailer_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
    [scope.retailerId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    role: r.role,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    detail: r.detail,
  }));
}
