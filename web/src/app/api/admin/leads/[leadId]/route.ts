import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { getLead } from "@/server/admin/crm.ts";
import { jsonRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** One of the retailer's leads with its activities; another retailer's is 404. */
export async function GET(
  _request: Request,
  ctx: { params: Promise<{ leadId: string }> },
): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "crm.read");
    const { leadId } = await ctx.params;
    return getLead(getServerContext().db, scope, leadId);
  });
}
