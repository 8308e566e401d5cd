import type { Metadata } from "next";
import { ProsumerApp } from "@/components/prosumer-app.tsx";
import type { SessionView } from "@/lib/api-types.ts";
import { t } from "@/messages/en.ts";
import { getSession } from "@/server/core/auth.ts";
import { canonicalOrigin } from "@/server/core/canonical-origin.ts";

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
  return <ProsumerApp initialSession={view} canonicalOrigin={await canonicalOrigin()} />;
}
