import { getServerContext } from "@/server/core/context.ts";
import { fileRoute } from "@/server/core/route.ts";
import { draftPdf } from "@/server/switch/public.ts";

export const dynamic = "force-dynamic";

/**
 * The contract preview of an unsigned draft. Public: the prospect has no account yet; the draft id is
 * a random UUID only its creator was given, and the preview ends when it is signed or expires.
 */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ draftId: string }> },
): Promise<Response> {
  return fileRoute("application/pdf", async () => {
    const { draftId } = await params;
    return draftPdf(getServerContext().db, draftId);
  });
}
