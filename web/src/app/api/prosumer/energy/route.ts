import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { getPeriodEnergy, periodQuery } from "@/server/prosumer/energy-period.ts";
import { jsonRoute, parseQuery } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** `?period=day|week|month|year&date=YYYY-MM-DD`: the signed-in customer's energy, and a year earlier. */
export async function GET(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeCustomer(await getSession(), "prosumer.read");
    const query = parseQuery(periodQuery, request);
    return getPeriodEnergy(getServerContext().db, scope, query);
  });
}
