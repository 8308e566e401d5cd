import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { leadFilter, listLeads, pipelineCounts } from "@/server/admin/crm.ts";
import { jsonRoute, parseQuery } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** `?q=…&stage=…`: the retailer's leads and customers, and the pipeline counts. */
export async function GET(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "crm.read");
    const filter = parseQuery(leadFilter, request);
    const { db } = getServerContext();
    const [leads, pipeline] = await Promise.all([listLeads(db, scope, filter), pipelineCounts(db, scope)]);
    return { leads, pipeline };
  });
}
