import { adminInvoicePdf } from "@/server/admin/billing.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { fileRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** The PDF of one of the retailer's invoices (drafts marked DRAFT); another retailer's is 404. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ invoiceId: string }> },
): Promise<Response> {
  return fileRoute("application/pdf", async () => {
    const scope = authorizeStaff(await getSession(), "billing.read");
    const { invoiceId } = await params;
    const { fileName, pdf } = await adminInvoicePdf(getServerContext().db, scope, invoiceId);
    return { fileName, body: pdf };
  });
}
