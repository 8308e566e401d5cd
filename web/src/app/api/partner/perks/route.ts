import { getSession } from "../../../../server/auth.ts";
import { authorizePartner } from "../../../../server/authz.ts";
import { getServerContext } from "../../../../server/context.ts";
import { getPartnerView } from "../../../../server/partner.ts";
import { jsonRoute } from "../../../../server/route.ts";

export const dynamic = "force-dynamic";

/** The signed-in partner's perks, their redemptions and the coupons it consumed. */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizePartner(await getSession(), "partner.read");
    const { config, db } = getServerContext();
    return getPartnerView(db, scope, { chainId: config.chainId, perksAddress: config.perksAddress });
  });
}
