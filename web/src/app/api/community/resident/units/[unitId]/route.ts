import { z } from "zod";
import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute, parseQuery } from "@/server/core/route.ts";
import { residentUnitMonth } from "@/server/community/resident.ts";

export const dynamic = "force-dynamic";

const query = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/) });

/** A month of the resident's own unit (days of their tenancy only); any other unit is not found. */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ unitId: string }> },
): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeCustomer(await getSession(), "resident.read");
    const { month } = parseQuery(query, request);
    const { unitId } = await params;
    return residentUnitMonth(getServerContext().db, scope, unitId, month);
  });
}
