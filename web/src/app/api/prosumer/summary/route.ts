import { getSession } from "@/server/core/auth.ts";
import { getServerContext } from "@/server/core/context.ts";
import { errorResponse } from "@/server/core/errors.ts";
import { summaryForSession } from "@/server/prosumer/summary.ts";

export const dynamic = "force-dynamic";

/** Today's energy, wallets and C4E balance of the signed-in customer (scope from the session only). */
export async function GET(): Promise<Response> {
  try {
    const { config, db } = getServerContext();
    const summary = await summaryForSession(db, await getSession(), {
      chainId: config.chainId,
      tokenAddress: config.tokenAddress,
    });
    return Response.json(summary, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
