import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { listAudit } from "@/server/admin/audit.ts";
import { jsonRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** The retailer's audit trail (retailer admins only). */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "audit.read");
    return { entries: await listAudit(getServerContext().db, scope) };
  });
}
