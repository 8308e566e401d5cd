import { getSession } from "@/server/core/auth.ts";
import { getServerContext } from "@/server/core/context.ts";
import { getRetailerTimeZone } from "./retailer-settings.ts";
import { authorizeStaff, isAllowed, type StaffAction, type StaffScope } from "@/server/core/authz.ts";
import type { Session } from "@/server/core/session.ts";

export type AdminPageAccess =
  | { kind: "sign-in" }
  | { kind: "forbidden"; session: Session }
  /** `timeZone`: the retailer's IANA zone; every date and time on the page is shown in it */
  | { kind: "ok"; session: Session; scope: StaffScope; timeZone: string };

/** The access of the current request to an admin page (server components): the same policy as the API. */
export async function adminPageAccess(action: StaffAction): Promise<AdminPageAccess> {
  const session = await getSession();
  if (!session) return { kind: "sign-in" };
  if (!isAllowed(session.role, action)) return { kind: "forbidden", session };
  const scope = authorizeStaff(session, action);
  const timeZone = await getRetailerTimeZone(getServerContext().db, scope.retailerId);
  return { kind: "ok", session, scope, timeZone };
}
