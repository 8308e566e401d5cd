import * as crm from "@c4e/retail/crm/leads";
import type pg from "pg";
import type { ActionResult } from "@/server/core/action-result.ts";
import type { StaffScope } from "@/server/core/authz.ts";
import { fromRetail, retailAction, staffContext } from "@/server/core/retail.ts";
import type { Queryable } from "@c4e/prisma";

// The CRM pages' calls into @c4e/retail (crm/leads.ts holds the use cases and owns the CRM tables).

export {
  CRM_NOTE_KINDS,
  CRM_STAGES,
  type CrmStage,
  type LeadActivity,
  type LeadRow,
  leadFilter,
} from "@c4e/retail/crm/leads";

/** The retailer's leads and customers, filtered by a search text (name, e-mail, phone) and stage. */
export const listLeads = (db: Queryable, scope: StaffScope, filter: unknown = {}) =>
  fromRetail(() => crm.listLeads(db, scope, filter));

/** Counts per stage (the pipeline), for the retailer. */
export const pipelineCounts = (db: Queryable, scope: StaffScope) =>
  fromRetail(() => crm.pipelineCounts(db, scope));

/** One of the retailer's leads with its activities (newest first); anything else is `not_found`. */
export const getLead = (db: Queryable, scope: StaffScope, leadId: string) =>
  fromRetail(() => crm.getLead(db, scope, leadId));

/** Creates a lead of the scope's retailer (stage `new`), audited. */
export const createLead = (
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ leadId: string }>> =>
  retailAction(() => crm.createLead(pool, staffContext(scope), input));

/** Moves one of the retailer's leads to a stage; records the change as an activity and audits it. */
export const changeLeadStage = (
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ leadId: string; stage: crm.CrmStage }>> =>
  retailAction(() => crm.changeLeadStage(pool, staffContext(scope), input));

/** Adds a note (or call, e-mail, meeting) to one of the retailer's leads, audited. */
export const addLeadNote = (
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ leadId: string }>> =>
  retailAction(() => crm.addLeadNote(pool, staffContext(scope), input));
