import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers.tsx";
import { getServerConfig } from "@/env.ts";
import { t } from "@/messages/en.ts";
import { publicChainConfig } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: t("partner.pageTitle") };

/** Partner route group: wallet providers for the sign-in and the partner's transactions. */
export default function PartnerLayout({ children }: { children: ReactNode }) {
  return <Providers chain={publicChainConfig(getServerConfig())}>{children}</Providers>;
}
