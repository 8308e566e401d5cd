import { type Queryable, withTransaction } from "@c4e/prisma";
import type pg from "pg";
import { z } from "zod";
import { invalid, RetailError, type RetailResult } from "../errors.ts";
import type { StaffContext } from "../staff.ts";
import { CRM_NOTE_KINDS, CRM_STAGES, type CrmStage } from "./stages.ts";

export { CRM_NOTE_KINDS, CRM_STAGES, type CrmStage };

/** Reads are scoped to one retailer. */
type RetailerScope = Pick<StaffContext, "retailerId">;

const uuid = z.string().uuid();

export const leadFilter = z.object({
  q: z.string().trim().max(100).optional(),
  stage: z.enum(CRM_STAGES).optional(),
});

export const createLeadInput = z.object({
  name: z.string().trim().min(1, "admin.crm.form.nameRequired").max(200, "admin.crm.form.tooLong"),
  email: z
    .string()
    .trim()
    .max(200, "admin.crm.form.tooLong")
    .refine((v) => v === "" || z.string().email().safeParse(v).success, "admin.crm.form.emailInvalid")
    .optional(),
  phone: z
    .string()
    .trim()
    .max(40, "admin.crm.form.tooLong")
    .refine((v) => v === "" || /^[+0-9 ()/-]{4,40}$/.test(v), "admin.crm.form.phoneInvalid")
    .optional(),
  kind: z.enum(["retail", "b2b"], { error: "admin.crm.form.kindInvalid" }).default("retail"),
});

export const changeStageInput = z.object({
  leadId: z.string(),
  stage: z.enum(CRM_STAGES, { error: "admin.crm.form.stageInvalid" }),
});

export const addNoteInput = z.object({
  leadId: z.string(),
  kind: z.enum(CRM_NOTE_KINDS, { error: "admin.crm.form.kindInvalid" }).default("note"),
  body: z.string().trim().min(1, "admin.crm.form.noteRequired").max(4000, "admin.crm.form.tooLong"),
});

export type LeadRow = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  kind: "retail" | "b2b";
  stage: CrmStage;
  customerId: string | null;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string | null;
};

export type LeadActivity = { id: string; kind: string; body: string; author: string; createdAt: string };

type Row = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  kind: "retail" | "b2b";
  stage: CrmStage;
  customer_id: string | null;
  created_at: Date;
  updated_at: Date;
  last_activity_at: Date | null;
};

const toLead = (r: Row): LeadRow => ({
  id: r.id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  kind: r.kind,
  stage: r.stage,
  customerId: r.customer_id,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  lastActivityAt: r.last_activity_at?.toISOString() ?? null,
});

const LEAD_SELECT = `
  SELECT l.id::text, l.name, l.email, l.phone, l.kind::text AS kind, l.stage::text AS stage, l.customer_id,
         l.created_at, l.updated_at,
         (SELECT max(a.created_at) FROM crm_activity a WHERE a.lead_id = l.id) AS last_activity_at
  FROM crm_lead l`;

/** The retailer's leads and customers, filtered by a search text (name, e-mail, phone) and stage. */
export async function listLeads(
  db: Queryable,
  scope: RetailerScope,
  filter: unknown = {},
): Promise<LeadRow[]> {
  const f = leadFilter.safeParse(filter);
  const { q, stage } = f.success ? f.data : {};
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const { rows } = await db.query<Row>(
    `${LEAD_SELECT}
     WHERE l.retailer_id = $1
       AND ($2::text IS NULL OR l.name ILIKE $2 OR l.email ILIKE $2 OR l.phone ILIKE $2)
       AND ($3::text IS NULL OR l.stage::text = $3)
     ORDER BY l.updated_at DESC, l.id
     LIMIT 200`,
    [scope.retailerId, pattern, stage ?? null],
  );
  return rows.map(toLead);
}

/** Counts per stage (the pipeline), for the retailer. */
export async function pipelineCounts(db: Queryable, scope: RetailerScope): Promise<Record<CrmStage, number>> {
  const { rows } = await db.query<{ stage: CrmStage; n: number }>(
    "SELECT stage::text AS stage, count(*)::int AS n FROM crm_lead WHERE retailer_id = $1 GROUP BY stage",
    [scope.retailerId],
  );
  const counts = Object.fromEntries(CRM_STAGES.map((s) => [s, 0])) as Record<CrmStage, number>;
  for (const r of rows) counts[r.stage] = r.n;
  return counts;
}

/** One of the retailer's leads with its activities (newest first); anything else is `not_found`. */
export async function getLead(
  db: Queryable,
  scope: RetailerScope,
  leadId: string,
): Promise<{ lead: LeadRow; activities: LeadActivity[] }> {
  if (!uuid.safeParse(leadId).success) throw new RetailError("not_found", "no such lead");
  const { rows } = await db.query<Row>(`${LEAD_SELECT} WHERE l.retailer_id = $1 AND l.id = $2::uuid`, [
    scope.retailerId,
    leadId,
  ]);
  const row = rows[0];
  if (!row) throw new RetailError("not_found", "no such lead");
  const activities = await db.query<{
    id: string;
    kind: string;
    body: string;
    author: string;
    created_at: Date;
  }>(
    `SELECT id::text, kind::text, body, author, created_at FROM crm_activity
     WHERE lead_id = $1::uuid AND retailer_id = $2 ORDER BY created_at DESC, id DESC LIMIT 200`,
    [leadId, scope.retailerId],
  );
  return {
    lead: toLead(row),
    activities: activities.rows.map((a) => ({
      id: a.id,
      kind: a.kind,
      body: a.body,
      author: a.author,
      createdAt: a.created_at.toISOString(),
    })),
  };
}

/** Creates a lead of the scope's retailer (stage `new`), audited. */
export async function createLead(
  pool: pg.Pool,
  scope: StaffContext,
  input: unknown,
): Promise<RetailResult<{ leadId: string }>> {
  const parsed = createLeadInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { name, email, phone, kind } = parsed.data;
  return withTransaction(pool, async (db) => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO crm_lead (retailer_id, name, email, phone, kind) VALUES ($1, $2, $3, $4, $5::"CustomerKind")
       RETURNING id::text`,
      [scope.retailerId, name, email || null, phone || null, kind],
    );
    const leadId = rows[0]?.id;
    if (!leadId) throw new Error("createLead: insert returned no row");
    await scope.audit(db, {
      action: "crm.lead.create",
      targetType: "crm_lead",
      targetId: leadId,
      detail: { kind },
    });
    return { ok: true as const, value: { leadId } };
  });
}

/** Moves one of the retailer's leads to a stage; records the change as an activity and audits it. */
export async function changeLeadStage(
  pool: pg.Pool,
  scope: StaffContext,
  input: unknown,
): Promise<RetailResult<{ leadId: string; stage: CrmStage }>> {
  const parsed = changeStageInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { leadId, stage } = parsed.data;
  if (!uuid.safeParse(leadId).success) throw new RetailError("not_found", "no such lead");
  return withTransaction(pool, async (db) => {
    const { rows } = await db.query<{ before: string }>(
      `UPDATE crm_lead l SET stage = $3::"CrmStage", updated_at = now()
       FROM (SELECT id, stage FROM crm_lead WHERE id = $1::uuid AND retailer_id = $2 FOR UPDATE) old
       WHERE l.id = old.id
       RETURNING old.stage::text AS before`,
      [leadId, scope.retailerId, stage],
    );
    const before = rows[0]?.before;
    if (before === undefined) throw new RetailError("not_found", "no such lead");
    await db.query(
      `INSERT INTO crm_activity (lead_id, retailer_id, kind, body, author) VALUES ($1::uuid, $2, 'stage_change', $3, $4)`,
      [leadId, scope.retailerId, `${before} → ${stage}`, scope.actor],
    );
    await scope.audit(db, {
      action: "crm.lead.stage",
      targetType: "crm_lead",
      targetId: leadId,
      detail: { from: before, to: stage },
    });
    return { ok: true as const, value: { leadId, stage } };
  });
}

/** Adds a note (or call, e-mail, meeting) to one of the retailer's leads, audited. */
export async function addLeadNote(
  pool: pg.Pool,
  scope: StaffContext,
  input: unknown,
): Promise<RetailResult<{ leadId: string }>> {
  const parsed = addNoteInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { leadId, kind, body } = parsed.data;
  if (!uuid.safeParse(leadId).success) throw new RetailError("not_found", "no such lead");
  return withTransaction(pool, async (db) => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO crm_activity (lead_id, retailer_id, kind, body, author)
       SELECT l.id, l.retailer_id, $3::"CrmActivityKind", $4, $5 FROM crm_lead l
       WHERE l.id = $1::uuid AND l.retailer_id = $2
       RETURNING id::text`,
      [leadId, scope.retailerId, kind, body, scope.actor],
    );
    if (!rows[0]) throw new RetailError("not_found", "no such lead");
    await db.query("UPDATE crm_lead SET updated_at = now() WHERE id = $1::uuid", [leadId]);
    await scope.audit(db, {
      action: "crm.lead.note",
      targetType: "crm_lead",
      targetId: leadId,
      detail: { kind, activityId: rows[0].id },
    });
    return { ok: true as const, value: { leadId } };
  });
}
