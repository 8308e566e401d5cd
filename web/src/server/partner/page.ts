import { getSession } from "@/server/core/auth.ts";
import { authorizePartner, isAllowed, type PartnerAction, type PartnerScope } from "@/server/core/authz.ts";
import type { Session } from "@/server/core/session.ts";

export type PartnerPageAccess =
  | { kind: "sign-in" }
  | { kind: "forbidden"; session: Session }
  | { kind: "ok"; session: Session; scope: PartnerScope };

/** The access of the current request to a partner page (server components): the same policy as the API. */
export async function partnerPageAccess(action: PartnerAction): Promise<PartnerPageAccess> {
  const session = await getSession();
  if (!session) return { kind: "sign-in" };
  if (!isAllowed(session.role, action)) return { kind: "forbidden", session };
  return { kind: "ok", session, scope: authorizePartner(session, action) };
}
