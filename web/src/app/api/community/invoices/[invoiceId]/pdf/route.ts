import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { fileRoute } from "@/server/core/route.ts";
import { managerInvoicePdf } from "@/server/community/manager.ts";

export const dynamic = "force-dynamic";

/** A community bill (draft or issued) as PDF, for the community's manager. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ invoiceId: string }> },
): Promise<Response> {
  return fileRoute("application/pdf", async () => {
    const scope = authorizeStaff(await getSession(), "community.read");
    const { invoiceId } = await params;
    return managerInvoicePdf(getServerContext().db, scope, invoiceId);
  });
}
