import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute } from "@/server/core/route.ts";
import { getRewardProof } from "@/server/prosumer/reward-proof.ts";

export const dynamic = "force-dynamic";

/**
 * The Merkle proof of the signed-in customer's rewarded readings in one batch, checked against the
 * chain with `RewardMinter.verifyReading`. Another customer's batch is 404.
 */
export async function GET(
  _request: Request,
  ctx: { params: Promise<{ batchId: string }> },
): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeCustomer(await getSession(), "prosumer.read");
    const { batchId } = await ctx.params;
    const { config, db, chain } = getServerContext();
    return getRewardProof(db, scope, batchId, {
      chainId: config.chainId,
      rewardMinter: config.rewardMinterAddress,
      client: chain,
    });
  });
}
