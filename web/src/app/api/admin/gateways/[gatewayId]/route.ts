import { getGatewayDetail } from "@/server/admin/gateways.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** One of the retailer's gateways with its rejected input and reasons; another retailer's is 404. */
export async function GET(
  _request: Request,
  ctx: { params: Promise<{ gatewayId: string }> },
): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "admin.read");
    const { gatewayId } = await ctx.params;
    return getGatewayDetail(getServerContext().db, scope, gatewayId);
  });
}
