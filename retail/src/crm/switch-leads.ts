import type { Queryable } from "@c4e/prisma";

/**
 * Opens the CRM lead of a signed supply contract (stage `signed`) with its first activity, in the
 * caller's transaction. Returns the lead's id.
 */
export async function openSignedLead(
  db: Queryable,
  lead: { retailerId: string; name: string; email: string; body: string; author: string },
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO crm_lead (retailer_id, name, email, kind, stage) VALUES ($1, $2, $3, 'retail', 'signed') RETURNING id::text`,
    [lead.retailerId, lead.name, lead.email],
  );
  const leadId = rows[0]?.id ?? null;
  await db.query(
    `INSERT INTO crm_activity (lead_id, retailer_id, kind, body, author) VALUES ($1::uuid, $2, 'stage_change', $3, $4)`,
    [leadId, lead.retailerId, lead.body, lead.author],
  );
  return leadId;
}

/** Moves the request's CRM lead to a stage and records the change on the lead. */
export async function moveSwitchLead(
  db: Queryable,
  request: { leadId: string | null; retailerId: string; reference: string },
  stage: "signed" | "switching" | "active" | "lost",
  author: string,
  customerId: string | null = null,
): Promise<void> {
  if (!request.leadId) return;
  const { rows } = await db.query<{ stage: string }>(
    `SELECT stage::text AS stage FROM crm_lead WHERE id = $1::uuid AND retailer_id = $2 FOR UPDATE`,
    [request.leadId, request.retailerId],
  );
  const from = rows[0]?.stage;
  if (from === undefined || from === stage) return;
  await db.query(
    `UPDATE crm_lead SET stage = $3::"CrmStage", customer_id = coalesce($4, customer_id), updated_at = now()
      WHERE id = $1::uuid AND retailer_id = $2`,
    [request.leadId, request.retailerId, stage, customerId],
  );
  await db.query(
    `INSERT INTO crm_activity (lead_id, retailer_id, kind, body, author) VALUES ($1::uuid, $2, 'stage_change', $3, $4)`,
    [request.leadId, request.retailerId, `${from} → ${stage} (supplier switch ${request.reference})`, author],
  );
}
