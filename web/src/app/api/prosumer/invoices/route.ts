import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { getCustomerBilling } from "@/server/prosumer/invoices.ts";
import { jsonRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** The signed-in customer's invoices (issued, voided), contracts with product and PODs, amounts due. */
export async function GET(): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeCustomer(await getSession(), "invoice.read");
    return getCustomerBilling(getServerContext().db, scope);
  });
}
