import { z } from "zod";
import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute, parseQuery } from "@/server/core/route.ts";
import { residentUnitMonth, residentUnitYear } from "@/server/community/resident.ts";

export const dynamic = "force-dynamic";

const query = z.union([
  z.object({ month: z.string().regex(/^\d{4}-\d{2}$/) }),
  z.object({ year: z.string().regex(/^\d{4}$/) }),
]);

/**
 * The resident's own unit: `?month=YYYY-MM` by day, `?year=YYYY` by month (days of their tenancy
 * only); any other unit is not found.
 */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ unitId: string }> },
): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeCustomer(await getSession(), "resident.read");
    const q = parseQuery(query, request);
    const { unitId } = await params;
    const db = getServerContext().db;
    return "month" in q
      ? residentUnitMonth(db, scope, unitId, q.month)
      : residentUnitYear(db, scope, unitId, q.year);
  });
}
