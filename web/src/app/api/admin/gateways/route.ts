import { getIngestHealth, listGateways } from "@/server/admin/gateways.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute } from "@/server/core/route.ts";

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
