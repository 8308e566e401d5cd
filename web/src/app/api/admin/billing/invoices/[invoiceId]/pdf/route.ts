import { adminInvoicePdf } from "../../../../../../../server/admin-billing.ts";
import { getSession } from "../../../../../../../server/auth.ts";
import { authorizeStaff } from "../../../../../../../server/authz.ts";
import { getServerContext } from "../../../../../../../server/context.ts";
import { errorResponse } from "../../../../../../../server/errors.ts";

export const dynamic = "force-dynamic";

/** The PDF of one of the retailer's invoices (drafts marked DRAFT); another retailer's is 404. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ invoiceId: string }> },
): Promise<Response> {
  try {
    const scope = authorizeStaff(await getSession(), "billing.read");
    const { invoiceId } = await params;
    const { fileName, pdf } = await adminInvoicePdf(getServerContext().db, scope, invoiceId);
    return new Response(new Uint8Array(pdf), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
