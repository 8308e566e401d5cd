import type { ReactNode } from "react";
import { Providers } from "@/components/providers.tsx";
import { getServerConfig } from "@/env.ts";
import { publicChainConfig } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

/** Prosumer route group: wallet (wagmi) and data (react-query) providers around the pages. */
export default function ProsumerLayout({ children }: { children: ReactNode }) {
  return <Providers chain={publicChainConfig(getServerConfig())}>{children}</Providers>;
}
