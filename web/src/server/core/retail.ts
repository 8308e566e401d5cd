import { RetailError, type RetailResult, type StaffContext } from "@c4e/retail";
import type { MessageKey } from "@/messages/en.ts";
import { type ActionResult } from "./action-result.ts";
import { audit, type StaffScope } from "./authz.ts";
import { AppError, statusOf } from "./errors.ts";

// The web side of @c4e/retail (CRM and supplier switch): its refusals become the web's AppError and
// ActionResult (HTTP status from the one table in errors.ts), the staff scope brings the audit log.

/** Runs a retail call; a RetailError becomes the AppError of the same code. */
export async function fromRetail<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RetailError) throw new AppError(error.code, error.message);
    throw error;
  }
}

/** A retail command's result as a server action's result (status added, field errors as catalogue keys). */
export async function retailAction<T>(work: () => Promise<RetailResult<T>>): Promise<ActionResult<T>> {
  const result = await fromRetail(work);
  if (result.ok) return result;
  return {
    ok: false,
    error: result.error,
    status: statusOf(result.error),
    message: result.message,
    ...(result.fieldErrors ? { fieldErrors: result.fieldErrors as Partial<Record<string, MessageKey>> } : {}),
  };
}

/** A staff scope as retail takes it: its admin actions are audited under the session's role. */
export function staffContext(scope: StaffScope): StaffContext {
  return {
    retailerId: scope.retailerId,
    actor: scope.actor,
    audit: (db, entry) => audit(db, scope, entry),
  };
}
