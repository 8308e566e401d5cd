"use client";

import { useRouter } from "next/navigation";
import { t } from "@/messages/en.ts";
import { SignInCard } from "@/components/sign-in-card.tsx";

/** The partner sign-in: the same SIWE card (demo staff and partners open); then the page reloads. */
export function PartnerSignIn({ canonicalOrigin }: { canonicalOrigin: string | null }) {
  const router = useRouter();
  return (
    <main id="main" className="sign-in-page">
      <SignInCard
        title={t("partner.signInTitle")}
        staffOpen
        canonicalOrigin={canonicalOrigin}
        returnPath="/partner"
        onSignedIn={() => router.refresh()}
      />
    </main>
  );
}
