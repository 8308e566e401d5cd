import { assertSameOrigin, clearSessionCookie, getSessionToken } from "@/server/core/auth.ts";
import { getServerContext } from "@/server/core/context.ts";
import { errorResponse } from "@/server/core/errors.ts";
import { revokeSession } from "@/server/core/session.ts";

export const dynamic = "force-dynamic";

/** Revokes the session server-side and clears the cookie. */
export async function POST(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const { db } = getServerContext();
    await revokeSession(db, await getSessionToken());
    await clearSessionCookie();
    return Response.json({ authenticated: false });
  } catch (error) {
    return errorResponse(error);
  }
}
