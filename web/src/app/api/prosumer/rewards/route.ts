import { getSession } from "@/server/core/auth.ts";
import { getServerContext } from "@/server/core/context.ts";
import { errorResponse } from "@/server/core/errors.ts";
import { rewardsForSession } from "@/server/prosumer/summary.ts";

export const dynamic = "force-dynamic";

/** Minted reward batches of the signed-in customer, newest first. */
export async function GET(): Promise<Response> {
  try {
    const { config, db } = getServerContext();
    const rewards = await rewardsForSession(db, await getSession(), { chainId: config.chainId });
    return Response.json({ rewards }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
