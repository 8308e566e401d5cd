import { getAdminRewards } from "@/server/admin/rewards.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** Reward batches with the retailer's share, mint status, totals and the policy in force. */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "admin.read");
    const { config, db } = getServerContext();
    return getAdminRewards(db, scope, { chainId: config.chainId });
  });
}
