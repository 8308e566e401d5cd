import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { customerInvoicePdf } from "@/server/prosumer/invoices.ts";
import { fileRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** The PDF of one of the customer's invoices; another customer's invoice or a draft is 404. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ invoiceId: string }> },
): Promise<Response> {
  return fileRoute("application/pdf", async () => {
    const scope = authorizeCustomer(await getSession(), "invoice.read");
    const { invoiceId } = await params;
    const { fileName, pdf } = await customerInvoicePdf(getServerContext().db, scope, invoiceId);
    return { fileName, body: pdf };
  });
}
