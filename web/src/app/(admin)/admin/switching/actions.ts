"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, runAction } from "@/server/core/action-result.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import {
  activateDueForStaff,
  confirmSwitchRequest,
  rejectSwitchRequest,
  sendSwitchMessage,
  validateSwitchRequest,
} from "@/server/switch/back-office.ts";

// Server actions of the supplier-switch queue (retailer admins): each checks the policy, parses its
// input, changes and audits in one transaction (web/src/server/switch/back-office.ts over @c4e/retail).

const fields = (form: FormData) =>
  Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string"));

const refresh = (requestId?: string) => {
  revalidatePath("/admin/switching");
  if (requestId) revalidatePath(`/admin/switching/${requestId}`);
};

/** Re-runs the checks of a signed request and marks it validated (or reports the problems). */
export async function validateSwitchAction(
  _previous: ActionResult<{ requestId: string; problems: string[] }> | null,
  form: FormData,
): Promise<ActionResult<{ requestId: string; problems: string[] }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "switch.write");
    const result = await validateSwitchRequest(getServerContext().db, scope, fields(form));
    refresh(fields(form).requestId);
    return result;
  });
}

/** Rejects a request with a reason. */
export async function rejectSwitchAction(
  _previous: ActionResult<{ requestId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ requestId: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "switch.write");
    const result = await rejectSwitchRequest(getServerContext().db, scope, fields(form));
    if (result.ok) refresh(result.value.requestId);
    return result;
  });
}

/** Produces and stores the switch request message for the chosen distributor. */
export async function sendSwitchMessageAction(
  _previous: ActionResult<{ requestId: string; messageId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ requestId: string; messageId: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "switch.write");
    const result = await sendSwitchMessage(getServerContext().db, scope, fields(form));
    if (result.ok) refresh(result.value.requestId);
    return result;
  });
}

/** Records the distributor's confirmation with the effective date. */
export async function confirmSwitchAction(
  _previous: ActionResult<{ requestId: string; effectiveDate: string }> | null,
  form: FormData,
): Promise<ActionResult<{ requestId: string; effectiveDate: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "switch.write");
    const result = await confirmSwitchRequest(getServerContext().db, scope, fields(form));
    if (result.ok) refresh(result.value.requestId);
    return result;
  });
}

/** Activates the confirmed requests whose effective date has come. */
export async function activateDueSwitchesAction(
  _previous: ActionResult<{ activated: string[]; failed: { reference: string; reason: string }[] }> | null,
  _form: FormData,
): Promise<ActionResult<{ activated: string[]; failed: { reference: string; reason: string }[] }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "switch.write");
    const result = await activateDueForStaff(getServerContext().db, scope);
    refresh();
    return result;
  });
}
