import { getSession } from "@/server/core/auth.ts";
import { authorizePartner } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { getPartnerView } from "@/server/partner/perks.ts";
import { jsonRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** The signed-in partner's perks, their redemptions and the coupons it consumed. */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizePartner(await getSession(), "partner.read");
    const { config, db } = getServerContext();
    return getPartnerView(db, scope, { chainId: config.chainId, perksAddress: config.perksAddress });
  });
}
