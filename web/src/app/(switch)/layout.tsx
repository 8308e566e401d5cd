import type { ReactNode } from "react";
import { Providers } from "@/components/providers.tsx";
import { getServerConfig } from "@/env.ts";
import { publicChainConfig } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

/** Public supplier-switch pages: wallet providers for signing the contract and for the status sign-in. */
export default function SwitchLayout({ children }: { children: ReactNode }) {
  return <Providers chain={publicChainConfig(getServerConfig())}>{children}</Providers>;
}
