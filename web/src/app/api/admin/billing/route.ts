import { z } from "zod";
import { listBillingJobs, listBillRuns, listRetailerInvoices } from "@/server/admin/billing.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { jsonRoute, parseQuery } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

const query = z.object({ status: z.enum(["draft", "issued", "voided"]).optional() });

/** The retailer's bill runs (with live progress), invoices and the queue's jobs; `?status=` filters the invoices. */
export async function GET(request: Request): Promise<Response> {
  return jsonRoute(async () => {
    const scope = authorizeStaff(await getSession(), "billing.read");
    const { status } = parseQuery(query, request);
    const { db } = getServerContext();
    return {
      runs: await listBillRuns(db, scope),
      invoices: await listRetailerInvoices(db, scope, status ? { status } : {}),
      jobs: await listBillingJobs(db, scope),
    };
  });
}
