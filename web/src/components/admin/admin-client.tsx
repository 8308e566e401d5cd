"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useConfig } from "wagmi";
import { disconnect } from "wagmi/actions";
import { t } from "@/messages/en.ts";
import { apiFetch } from "@/components/api.ts";
import { SignInCard } from "@/components/sign-in-card.tsx";

/** The admin sign-in: the same SIWE card; on success the server-rendered page is fetched again. */
export function AdminSignIn({ canonicalOrigin, path }: { canonicalOrigin: string | null; path: string }) {
  const router = useRouter();
  return (
    <main id="main" className="sign-in-page">
      <SignInCard
        title={t("admin.signInTitle")}
        staffOpen
        canonicalOrigin={canonicalOrigin}
        returnPath={path}
        onSignedIn={() => router.refresh()}
      />
    </main>
  );
}

/** Signs out (server-side revocation) and shows the sign-in again. */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  const wagmiConfig = useConfig();
  const router = useRouter();
  return (
    <button
      type="button"
      data-testid="sign-out"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await apiFetch("/api/auth/logout", { method: "POST" }).catch(() => {});
        await disconnect(wagmiConfig).catch(() => {});
        router.refresh();
        setBusy(false);
      }}
    >
      {busy ? t("header.signingOut") : t("header.signOut")}
    </button>
  );
}
