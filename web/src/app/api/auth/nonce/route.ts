import { assertSameOrigin } from "@/server/core/auth.ts";
import { clientAddress } from "@/server/core/client-address.ts";
import { getServerContext } from "@/server/core/context.ts";
import { errorResponse, statusOf } from "@/server/core/errors.ts";
import { issueNonce } from "@/server/core/siwe.ts";

export const dynamic = "force-dynamic";

/**
 * Issues a single-use SIWE nonce (valid 5 minutes), at most SIWE_NONCES_PER_IP_PER_MINUTE per client
 * address in any minute; beyond that 429 with Retry-After and nothing is stored.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const { db, config } = getServerContext();
    const issued = await issueNonce(
      db,
      { perMinute: config.siweNoncesPerIpPerMinute },
      clientAddress(request.headers, config.trustedProxies),
    );
    if (!issued.ok) {
      return Response.json(
        {
          error: "too_many_requests",
          message: "too many sign-in attempts from this address; try again later",
          retryAfterSeconds: issued.retryAfterSeconds,
        },
        {
          status: statusOf("too_many_requests"),
          headers: { "retry-after": String(issued.retryAfterSeconds), "cache-control": "no-store" },
        },
      );
    }
    return Response.json(
      { nonce: issued.nonce, expiresAt: issued.expiresAt.toISOString() },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
