"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, runAction } from "@/server/core/action-result.ts";
import {
  creditOwnInvoice,
  issueDrafts,
  issueHeldDraft,
  startBillRun,
  voidOwnInvoice,
} from "@/server/admin/billing.ts";
import { registerGateway } from "@/server/admin/gateways.ts";
import { grantRole, setUserDisabled } from "@/server/admin/users.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { addLeadNote, changeLeadStage, createLead } from "@/server/admin/crm.ts";
import {
  acceptReadingReport,
  rejectReadingReport,
  type ReviewResult,
} from "@/server/admin/reading-review.ts";
import { updateRetailerTimeZone } from "@/server/admin/retailer-settings.ts";
import type { StaffRole } from "@/server/core/session.ts";

// Server actions of the retailer admin. Each one: checks the session against the policy (authz.ts),
// parses its input with zod (in the server function), writes and audits in one transaction, and
// returns an ActionResult. Next checks the Origin of every server action request against the host.

const fields = (form: FormData) =>
  Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string"));

/** Registers a gateway and its Ed25519 public key (retailer admins). */
export async function registerGatewayAction(
  _previous: ActionResult<{ gatewayId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ gatewayId: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "gateway.write");
    const result = await registerGateway(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin/gateways");
    return result;
  });
}

/** Adds a lead to the CRM. */
export async function createLeadAction(
  _previous: ActionResult<{ leadId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ leadId: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "crm.write");
    const result = await createLead(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin/crm");
    return result;
  });
}

/** Moves a lead to another pipeline stage. */
export async function changeLeadStageAction(
  _previous: ActionResult<{ leadId: string; stage: string }> | null,
  form: FormData,
): Promise<ActionResult<{ leadId: string; stage: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "crm.write");
    const result = await changeLeadStage(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath(`/admin/crm/${result.value.leadId}`);
    return result;
  });
}

/** Adds a note, call, e-mail or meeting to a lead. */
export async function addLeadNoteAction(
  _previous: ActionResult<{ leadId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ leadId: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "crm.write");
    const result = await addLeadNote(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath(`/admin/crm/${result.value.leadId}`);
    return result;
  });
}

/** Starts (or resumes) the bill run of a month in the background (retailer admins; audited). */
export async function startBillRunAction(
  _previous: ActionResult<{ period: string }> | null,
  form: FormData,
): Promise<ActionResult<{ period: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "billing.write");
    const result = await startBillRun(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin/billing");
    return result;
  });
}

/** Issues drafts of the retailer (gapless numbers; audited). */
export async function issueInvoicesAction(
  _previous: ActionResult<{ issued: { id: string; number: string }[] }> | null,
  form: FormData,
): Promise<ActionResult<{ issued: { id: string; number: string }[] }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "billing.write");
    const result = await issueDrafts(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin/billing");
    return result;
  });
}

/** Issues a draft held for incomplete interval data, with a reason (retailer admins' override; audited). */
export async function issueHeldInvoiceAction(
  _previous: ActionResult<{ id: string; number: string }> | null,
  form: FormData,
): Promise<ActionResult<{ id: string; number: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "billing.override");
    const result = await issueHeldDraft(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin/billing");
    return result;
  });
}

/** Voids an issued invoice of the retailer with a reason (audited). */
export async function voidInvoiceAction(
  _previous: ActionResult<{ invoiceId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ invoiceId: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "billing.write");
    const result = await voidOwnInvoice(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin/billing");
    return result;
  });
}

/** Drafts a credit note reversing an issued invoice of the retailer (audited). */
export async function createCreditNoteAction(
  _previous: ActionResult<{ creditNoteId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ creditNoteId: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "billing.write");
    const result = await creditOwnInvoice(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin/billing");
    return result;
  });
}

/** Grants a staff or partner role of the retailer to a wallet address (retailer admins; audited). */
export async function grantRoleAction(
  _previous: ActionResult<{ address: string; role: StaffRole; changed: boolean }> | null,
  form: FormData,
): Promise<ActionResult<{ address: string; role: StaffRole; changed: boolean }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "users.write");
    const result = await grantRole(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin/users");
    return result;
  });
}

/** Disables (ending their sessions) or re-enables a user of the retailer (retailer admins; audited). */
export async function setUserDisabledAction(
  _previous: ActionResult<{ address: string; disabled: boolean }> | null,
  form: FormData,
): Promise<ActionResult<{ address: string; disabled: boolean }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "users.write");
    const result = await setUserDisabled(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin/users");
    return result;
  });
}

/** Changes the retailer's time zone for the admin pages (retailer admins; audited). */
export async function updateTimeZoneAction(
  _previous: ActionResult<{ timeZone: string }> | null,
  form: FormData,
): Promise<ActionResult<{ timeZone: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "settings.write");
    const result = await updateRetailerTimeZone(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath("/admin", "layout");
    return result;
  });
}

/** Accepts a customer's reported reading as the POD's settlement reading (retailer admins; audited). */
export async function acceptReadingReportAction(
  _previous: ActionResult<ReviewResult> | null,
  form: FormData,
): Promise<ActionResult<ReviewResult>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "reading_review.write");
    const result = await acceptReadingReport(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath(`/admin/pods/${encodeURIComponent(result.value.podId)}`);
    return result;
  });
}

/** Rejects a customer's reported reading with a reason (retailer admins; audited). */
export async function rejectReadingReportAction(
  _previous: ActionResult<ReviewResult> | null,
  form: FormData,
): Promise<ActionResult<ReviewResult>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "reading_review.write");
    const result = await rejectReadingReport(getServerContext().db, scope, fields(form));
    if (result.ok) revalidatePath(`/admin/pods/${encodeURIComponent(result.value.podId)}`);
    return result;
  });
}
