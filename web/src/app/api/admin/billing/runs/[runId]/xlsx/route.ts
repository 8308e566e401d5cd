import { adminBillRunXlsx } from "../../../../../../../server/admin-billing.ts";
import { getSession } from "../../../../../../../server/auth.ts";
import { authorizeStaff } from "../../../../../../../server/authz.ts";
import { getServerContext } from "../../../../../../../server/context.ts";
import { errorResponse } from "../../../../../../../server/errors.ts";

export const dynamic = "force-dynamic";

/** The xlsx export of a bill run of the retailer (Summary, Invoices, Lines, Failed). */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ runId: string }> },
): Promise<Response> {
  try {
    const scope = authorizeStaff(await getSession(), "billing.read");
    const { runId } = await params;
    const { fileName, xlsx } = await adminBillRunXlsx(getServerContext().db, scope, runId);
    return new Response(new Uint8Array(xlsx), {
      headers: {
        "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "content-disposition": `attachment; filename="${fileName}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
