import { getSession } from "../../../../../server/auth.ts";
import { authorizeStaff } from "../../../../../server/authz.ts";
import { getServerContext } from "../../../../../server/context.ts";
import { getLead } from "../../../../../server/crm.ts";
import { jsonRoute } from "../../../../../server/route.ts";

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
