import { getIngestHealth, listGateways } from "../../../../server/admin-gateways.ts";
import { getSession } from "../../../../server/auth.ts";
import { authorizeStaff } from "../../../../server/authz.ts";
import { getServerContext } from "../../../../server/context.ts";
import { jsonRoute } from "../../../../server/route.ts";

export const dynamic = "force-dynamic";

/** The retailer's gateways with last message and 24-hour ingest counts, and the ingest heartbeat. */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "admin.read");
    const { db } = getServerContext();
    const [gateways, ingest] = await Promise.all([listGateways(db, scope), getIngestHealth(db)]);
    return { gateways, ingest };
  });
}
