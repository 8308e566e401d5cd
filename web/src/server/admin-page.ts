import { getSession } from "./auth.ts";
import { authorizeStaff, isAllowed, type StaffAction, type StaffScope } from "./authz.ts";
import type { Session } from "./session.ts";

export type AdminPageAccess =
  | { kind: "sign-in" }
  | { kind: "forbidden"; session: Session }
  | { kind: "ok"; session: Session; scope: StaffScope };

/** The access of the current request to an admin page (server components): the same policy as the API. */
export async function adminPageAccess(action: StaffAction): Promise<AdminPageAccess> {
  const session = await getSession();
  if (!session) return { kind: "sign-in" };
  if (!isAllowed(session.role, action)) return { kind: "forbidden", session };
  return { kind: "ok", session, scope: authorizeStaff(session, action) };
}
