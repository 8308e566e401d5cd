import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute } from "@/server/core/route.ts";
import { managerCommunities } from "@/server/community/manager.ts";

export const dynamic = "force-dynamic";

/** The tenant's self-consumption communities. */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "community.read");
    return { communities: await managerCommunities(getServerContext().db, scope) };
  });
}
