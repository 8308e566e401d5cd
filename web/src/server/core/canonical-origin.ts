import { headers } from "next/headers";
import { getServerConfig } from "@/env.ts";

/**
 * WEB_ORIGIN when the current request came in on another host (server components), else null. SIWE
 * binds the signature to WEB_ORIGIN's host: on any other host sign-in is refused, so the page says so.
 */
export async function canonicalOrigin(): Promise<string | null> {
  const { webOrigin } = getServerConfig();
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host");
  return host && host !== new URL(webOrigin).host ? webOrigin : null;
}
