import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute } from "@/server/core/route.ts";
import { getWallet } from "@/server/prosumer/wallet.ts";

export const dynamic = "force-dynamic";

/** Perk catalogue, the customer's energy coupons (held, used) and green certificates (held, claimed). */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeCustomer(await getSession(), "wallet.read");
    const { config, db } = getServerContext();
    return getWallet(db, scope, {
      chainId: config.chainId,
      perksAddress: config.perksAddress,
      greenCertificatesAddress: config.greenCertificatesAddress,
    });
  });
}
