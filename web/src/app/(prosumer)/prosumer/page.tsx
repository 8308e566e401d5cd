import type { Metadata } from "next";
import { headers } from "next/headers";
import { ProsumerApp } from "../../../components/prosumer-app.tsx";
import { getServerConfig } from "../../../env.ts";
import type { SessionView } from "../../../lib/api-types.ts";
import { t } from "../../../messages/en.ts";
import { getSession } from "../../../server/auth.ts";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: t("prosumer.pageTitle") };

/** The prosumer page. It takes no id: everything shown derives from the session. */
export default async function ProsumerPage() {
  const session = await getSession();
  const view: SessionView | null = session
    ? {
        address: session.address,
        chainId: session.chainId,
        role: session.role,
        expiresAt: session.expiresAt.toISOString(),
      }
    : null;
  // SIWE binds the signature to WEB_ORIGIN's host: on any other host sign-in is refused, so say so.
  const { webOrigin } = getServerConfig();
  const requestHeaders = await headers();
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host");
  const canonicalOrigin = host && host !== new URL(webOrigin).host ? webOrigin : null;
  return <ProsumerApp initialSession={view} canonicalOrigin={canonicalOrigin} />;
}
