import { getSession } from "@/server/core/auth.ts";
import { authorizeSigner } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { fileRoute } from "@/server/core/route.ts";
import { ownRequestPdf } from "@/server/switch/public.ts";

export const dynamic = "force-dynamic";

/** The signed contract of one of the session wallet's switch requests; anyone else's is 404. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ requestId: string }> },
): Promise<Response> {
  return fileRoute("application/pdf", async () => {
    const scope = authorizeSigner(await getSession(), "switch.own");
    const { requestId } = await params;
    return ownRequestPdf(getServerContext().db, scope, requestId);
  });
}
