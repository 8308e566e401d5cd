import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute } from "@/server/core/route.ts";
import { getTransfers } from "@/server/prosumer/transfers.ts";

export const dynamic = "force-dynamic";

/** C4E transfers from and to the signed-in customer's wallets, newest first. */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeCustomer(await getSession(), "prosumer.read");
    const { config, db } = getServerContext();
    return {
      transfers: await getTransfers(db, scope, {
        chainId: config.chainId,
        tokenAddress: config.tokenAddress,
      }),
    };
  });
}
