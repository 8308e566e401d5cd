import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { errorResponse } from "@/server/core/errors.ts";
import { exportQuery, exportResponse, readingPages } from "@/server/prosumer/readings-export.ts";
import { parseQuery } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** `?format=csv|xlsx&from=YYYY-MM-DD&to=YYYY-MM-DD`: the signed-in customer's readings, streamed. */
export async function GET(request: Request): Promise<Response> {
  try {
    const scope = authorizeCustomer(await getSession(), "prosumer.export");
    const query = parseQuery(exportQuery, request);
    return exportResponse(readingPages(getServerContext().db, scope, query), query);
  } catch (error) {
    return errorResponse(error);
  }
}
