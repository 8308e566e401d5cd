import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { fileRoute } from "@/server/core/route.ts";
import { managerRunCsv } from "@/server/community/manager.ts";

export const dynamic = "force-dynamic";

/** A community run as CSV for property-management software (docs/communities.md, "CSV export"). */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ runId: string }> },
): Promise<Response> {
  return fileRoute("text/csv; charset=utf-8", async () => {
    const scope = authorizeStaff(await getSession(), "community.read");
    const { runId } = await params;
    return managerRunCsv(getServerContext().db, scope, runId);
  });
}
