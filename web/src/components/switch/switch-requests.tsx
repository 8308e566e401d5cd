"use client";

import { useRouter } from "next/navigation";
import { withdrawSwitchRequestAction } from "@/app/(switch)/switch/actions.ts";
import { t } from "@/messages/en.ts";
import type { ActionResult } from "@/server/core/action-result.ts";
import { formError, useAction } from "@/components/admin/forms.tsx";
import { SignInCard } from "@/components/sign-in-card.tsx";

/** Sign-in for the status page: the wallet that signed the contract. */
export function SwitchSignIn({ canonicalOrigin }: { canonicalOrigin: string | null }) {
  const router = useRouter();
  return (
    <SignInCard
      title={t("switch.requests.signInTitle")}
      canonicalOrigin={canonicalOrigin}
      returnPath="/switch/requests"
      onSignedIn={() => router.refresh()}
    />
  );
}

/** Withdraw button of one request (the server refuses after the 14-day period). */
export function WithdrawButton({ requestId }: { requestId: string }) {
  const router = useRouter();
  const [result, action, pending] = useAction(
    async (previous: ActionResult<{ requestId: string }> | null, form: FormData) => {
      const outcome = await withdrawSwitchRequestAction(previous, form);
      if (outcome.ok) router.refresh();
      return outcome;
    },
  );
  const error = formError(result);
  return (
    <form action={action} className="form-row" data-testid="withdraw-form">
      <input type="hidden" name="requestId" value={requestId} />
      <button type="submit" disabled={pending} data-testid="withdraw">
        {t("switch.requests.withdraw")}
      </button>
      <p className="status" role="status" aria-live="polite">
        {result?.ok ? t("switch.requests.withdrawn") : ""}
      </p>
      {error && (
        <p className="error" role="alert">
          {result && !result.ok && result.error === "conflict"
            ? t("switch.requests.withdrawError", { message: result.message })
            : error}
        </p>
      )}
    </form>
  );
}
