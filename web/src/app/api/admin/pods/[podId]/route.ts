import { getPod } from "@/server/admin/pods.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { localToday } from "@/server/prosumer/meter-readings.ts";
import { getRetailerTimeZone } from "@/server/admin/retailer-settings.ts";
import { jsonRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** One of the retailer's PODs (meters, 14 days of energy, settlement and reported readings); others are 404. */
export async function GET(_request: Request, ctx: { params: Promise<{ podId: string }> }): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "customers.read");
    const { podId } = await ctx.params;
    const { db } = getServerContext();
    const now = new Date();
    const today = localToday(await getRetailerTimeZone(db, scope.retailerId), now);
    return getPod(db, scope, podId, today, now);
  });
}
