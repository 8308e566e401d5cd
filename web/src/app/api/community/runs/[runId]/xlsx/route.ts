import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { fileRoute } from "@/server/core/route.ts";
import { managerRunXlsx } from "@/server/community/manager.ts";

export const dynamic = "force-dynamic";

/** A community run as a workbook: a summary sheet and one sheet per unit. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ runId: string }> },
): Promise<Response> {
  return fileRoute("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", async () => {
    const scope = authorizeStaff(await getSession(), "community.read");
    const { runId } = await params;
    return managerRunXlsx(getServerContext().db, scope, runId);
  });
}
