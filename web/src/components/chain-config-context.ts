"use client";

import { createContext, useContext } from "react";
import type { PublicChainConfig } from "@/lib/api-types.ts";

export const ChainConfigContext = createContext<PublicChainConfig | null>(null);

export function useChainConfig(): PublicChainConfig {
  const value = useContext(ChainConfigContext);
  if (!value) throw new Error("useChainConfig outside <Providers>");
  return value;
}
