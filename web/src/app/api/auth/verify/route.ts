import { z } from "zod";
import { assertSameOrigin, setSessionCookie } from "@/server/core/auth.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError, errorResponse } from "@/server/core/errors.ts";
import { createSession } from "@/server/core/session.ts";
import { verifySignIn } from "@/server/core/siwe.ts";

export const dynamic = "force-dynamic";

const body = z.object({
  message: z.string().min(1).max(4096),
  signature: z
    .string()
    .max(20_000)
    .regex(/^0x[0-9a-fA-F]+$/)
    .transform((s) => s as `0x${string}`),
});

/** Verifies a signed SIWE message, consumes its nonce and starts a session (httpOnly cookie). */
export async function POST(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const parsed = body.safeParse(await request.json().catch(() => null));
    if (!parsed.success) throw new AppError("bad_request", "expected { message, signature }");
    const { config, db, chain } = getServerContext();
    const result = await verifySignIn(
      { db, client: chain, config: { webOrigin: config.webOrigin, chainId: config.chainId } },
      parsed.data,
    );
    if (!result.ok) {
      return Response.json({ error: "siwe_refused", reason: result.reason }, { status: 401 });
    }
    const { token, session } = await createSession(db, {
      address: result.address,
      chainId: result.chainId,
      ttlHours: config.sessionTtlHours,
    });
    await setSessionCookie(token, session.expiresAt);
    return Response.json({
      authenticated: true,
      address: session.address,
      chainId: session.chainId,
      role: session.role,
      expiresAt: session.expiresAt.toISOString(),
    });
  } catch (error) {
    return errorResponse(error);
  }
}
