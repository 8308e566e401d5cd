import { assertSameOrigin } from "../../../../server/auth.ts";
import { getServerContext } from "../../../../server/context.ts";
import { errorResponse } from "../../../../server/errors.ts";
import { createNonce } from "../../../../server/siwe.ts";

export const dynamic = "force-dynamic";

/** Issues a single-use SIWE nonce (valid 5 minutes). */
export async function POST(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const { db } = getServerContext();
    const { nonce, expiresAt } = await createNonce(db);
    return Response.json(
      { nonce, expiresAt: expiresAt.toISOString() },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
