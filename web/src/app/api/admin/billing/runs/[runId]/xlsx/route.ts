import { adminBillRunXlsx } from "@/server/admin/billing.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { fileRoute } from "@/server/core/route.ts";

export const dynamic = "force-dynamic";

/** The xlsx export of a bill run of the retailer (Summary, Invoices, Lines, Failed). */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ runId: string }> },
): Promise<Response> {
  return fileRoute("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", async () => {
    const scope = authorizeStaff(await getSession(), "billing.read");
    const { runId } = await params;
    const { fileName, xlsx } = await adminBillRunXlsx(getServerContext().db, scope, runId);
    return { fileName, body: xlsx };
  });
}
