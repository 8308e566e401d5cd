"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Address } from "viem";
import { useConfig } from "wagmi";
import { grantRoleAction, setUserDisabledAction } from "@/app/(admin)/admin/actions.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import { useChainConfig } from "@/components/chain-config-context.ts";
import { grantPartnerRole, type RedeemStep, walletErrorMessage } from "@/components/wallet-tx.ts";
import { Field, fieldError, formError, useAction } from "./forms.tsx";

const ROLES = ["retailer_agent", "partner", "property_manager", "retailer_admin"] as const;

/** Grants a role to a wallet address; errors appear at their fields and keep what was typed. */
export function GrantRoleForm() {
  const [result, action, pending, values] = useAction(grantRoleAction);
  const error = formError(result);
  return (
    <form action={action} className="stack-form" data-testid="grant-role-form" noValidate>
      <Field
        name="address"
        label={t("admin.users.grant.address")}
        hint={t("admin.users.grant.addressHint")}
        error={fieldError(result, "address")}
      >
        {(p) => (
          <input
            {...p}
            type="text"
            required
            autoComplete="off"
            spellCheck={false}
            className="mono"
            maxLength={42}
            defaultValue={values.address ?? ""}
          />
        )}
      </Field>
      <Field name="name" label={t("admin.users.grant.name")} error={fieldError(result, "name")}>
        {(p) => <input {...p} type="text" required maxLength={100} defaultValue={values.name ?? ""} />}
      </Field>
      <Field name="role" label={t("admin.users.grant.role")} error={fieldError(result, "role")}>
        {(p) => (
          <select {...p} defaultValue={values.role ?? "retailer_agent"} key={values.role ?? "default"}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`header.role.${r}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="grant-role-submit">
          {pending ? t("admin.users.grant.submitting") : t("admin.users.grant.submit")}
        </button>
        <p className="status" role="status" aria-live="polite" data-testid="grant-role-status">
          {result?.ok
            ? t("admin.users.grant.done", {
                address: result.value.address,
                role: t(`header.role.${result.value.role}`),
              })
            : ""}
        </p>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** Disable / re-enable one user (a small form per row, so it works with the keyboard and without JS state). */
export function UserStatusButton({
  address,
  name,
  disabled,
}: {
  address: Address;
  name: string;
  disabled: boolean;
}) {
  const [result, action, pending] = useAction(setUserDisabledAction);
  const failed = result && !result.ok ? (result.fieldErrors?.address ?? null) : null;
  const error = formError(result);
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="address" value={address} />
      <input type="hidden" name="disabled" value={disabled ? "false" : "true"} />
      <button
        type="submit"
        disabled={pending}
        data-testid={disabled ? "enable-user" : "disable-user"}
        aria-label={t(disabled ? "admin.users.enableLabel" : "admin.users.disableLabel", { name })}
      >
        {t(disabled ? "admin.users.enable" : "admin.users.disable")}
      </button>
      {(failed || error) && (
        <p className="error" role="alert" data-testid="user-status-error">
          {failed ? t(failed as MessageKey) : error}
        </p>
      )}
    </form>
  );
}

const STEP_KEY: Record<RedeemStep, MessageKey> = {
  connecting: "perks.step.connecting",
  signing: "perks.step.signing",
  sending: "perks.step.sending",
  confirming: "perks.step.confirming",
};

/**
 * Sends `grantRole(PARTNER_ROLE, partner)` to the perks contract from the signed-in admin's wallet;
 * once mined, the page is rendered again and shows the role as held (read on chain by the server).
 */
export function GrantOnChainButton({
  account,
  partner,
  name,
  role,
}: {
  account: Address;
  partner: Address;
  name: string;
  role: `0x${string}`;
}) {
  const wagmiConfig = useConfig();
  const chain = useChainConfig();
  const router = useRouter();
  const [step, setStep] = useState<RedeemStep | "checking" | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  async function grant() {
    if (step) return;
    setStatus(null);
    try {
      await grantPartnerRole({
        wagmiConfig,
        chain,
        account,
        partner,
        role,
        onStep: setStep,
        onChecking: () => setStep("checking"),
      });
      setStatus({ ok: true, text: t("admin.users.onChain.done", { name }) });
      router.refresh();
    } catch (e) {
      setStatus({ ok: false, text: walletErrorMessage(e) });
    } finally {
      setStep(null);
    }
  }

  return (
    <span className="inline-form">
      <button
        type="button"
        onClick={() => void grant()}
        disabled={step !== null}
        data-testid="grant-on-chain"
        aria-label={t("admin.users.onChain.grantLabel", { name })}
      >
        {t("admin.users.onChain.grant")}
      </button>
      <span
        className={status && !status.ok ? "error" : "status"}
        role="status"
        aria-live="polite"
        data-testid="grant-on-chain-status"
      >
        {step === "checking"
          ? t("admin.users.onChain.checking")
          : step
            ? t(STEP_KEY[step])
            : (status?.text ?? "")}
      </span>
    </span>
  );
}
