import { getAdminRewards } from "../../../../server/admin-rewards.ts";
import { getSession } from "../../../../server/auth.ts";
import { authorizeStaff } from "../../../../server/authz.ts";
import { getServerContext } from "../../../../server/context.ts";
import { jsonRoute } from "../../../../server/route.ts";

export const dynamic = "force-dynamic";

/** Reward batches with the retailer's share, mint status, totals and the policy in force. */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "admin.read");
    const { config, db } = getServerContext();
    return getAdminRewards(db, scope, { chainId: config.chainId });
  });
}
