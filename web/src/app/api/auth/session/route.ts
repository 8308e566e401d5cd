import { getSession } from "@/server/core/auth.ts";
import { errorResponse } from "@/server/core/errors.ts";

export const dynamic = "force-dynamic";

/** The current session, or { authenticated: false }. */
export async function GET(): Promise<Response> {
  try {
    const session = await getSession();
    const headers = { "cache-control": "no-store" };
    if (!session) return Response.json({ authenticated: false }, { headers });
    return Response.json(
      {
        authenticated: true,
        address: session.address,
        chainId: session.chainId,
        role: session.role,
        expiresAt: session.expiresAt.toISOString(),
      },
      { headers },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
