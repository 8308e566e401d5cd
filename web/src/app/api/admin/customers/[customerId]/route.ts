import { getCustomer } from "@/server/admin/customers.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** One of the retailer's customers (contracts, PODs, meters, invoices, readings, lead, balance); another retailer's is 404. */
export async function GET(
  _request: Request,
  ctx: { params: Promise<{ customerId: string }> },
): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "customers.read");
    const { customerId } = await ctx.params;
    const { db, config } = getServerContext();
    return getCustomer(db, scope, customerId, { chainId: config.chainId, tokenAddress: config.tokenAddress });
  });
}
