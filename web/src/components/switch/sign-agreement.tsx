"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Address } from "viem";
import { useConfig } from "wagmi";
import { connect, disconnect, getConnection, signTypedData } from "wagmi/actions";
import { signSwitchDraftAction } from "@/app/(switch)/switch/actions.ts";
import { shortHex } from "@/lib/format.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import type { ActionResult } from "@/server/core/action-result.ts";
import { Field, fieldError, formError } from "@/components/admin/forms.tsx";
import { useChainConfig } from "@/components/chain-config-context.ts";
import { isUserRejection, walletErrorMessage } from "@/components/wallet-tx.ts";

/** The server's EIP-712 data of the draft, without the typed name (the customer adds it). */
export type DraftTypedData = {
  domain: { name: string; version: string; chainId: number };
  types: { SupplyContract: readonly { name: string; type: string }[] };
  message: {
    reference: string;
    contractHash: `0x${string}`;
    productCode: string;
    productVersion: number;
    pod: string;
  };
};

type Step = "connecting" | "signing" | "saving";
const STEP: Record<Step, MessageKey> = {
  connecting: "switch.sign.step.connecting",
  signing: "switch.sign.step.signing",
  saving: "switch.sign.step.saving",
};

/**
 * The agreement: pick a wallet (the development wallet's prosumer accounts or the browser wallet),
 * type the full name and sign the contract hash as EIP-712 typed data. The server verifies the
 * signature against its own copy of the draft before anything is stored.
 */
export function SignAgreement({ draftId, typedData }: { draftId: string; typedData: DraftTypedData }) {
  const wagmiConfig = useConfig();
  const chain = useChainConfig();
  const router = useRouter();
  const [selected, setSelected] = useState<string | null>(null);
  const [fullName, setFullName] = useState("");
  const [step, setStep] = useState<Step | null>(null);
  const [result, setResult] = useState<ActionResult<{ reference: string; requestId: string }> | null>(null);
  const [walletError, setWalletError] = useState<string | null>(null);

  async function sign(event: React.FormEvent) {
    event.preventDefault();
    if (step) return;
    setWalletError(null);
    setResult(null);
    const connector = wagmiConfig.connectors.find((c) => c.id === selected);
    if (!connector) return setWalletError(t("switch.sign.chooseWallet"));
    const name = fullName.trim().replace(/\s+/g, " ");
    if (!name)
      return setResult({
        ok: false,
        error: "bad_request",
        status: 400,
        message: "",
        fieldErrors: { fullName: "switch.sign.nameRequired" },
      });
    try {
      setStep("connecting");
      if (getConnection(wagmiConfig).status === "connected") await disconnect(wagmiConfig).catch(() => {});
      const { accounts } = await connect(wagmiConfig, { connector });
      const account = accounts[0] as Address | undefined;
      if (!account) throw new Error("the wallet returned no account");
      setStep("signing");
      const signature = await signTypedData(wagmiConfig, {
        account,
        connector,
        domain: typedData.domain,
        types: typedData.types,
        primaryType: "SupplyContract",
        message: { ...typedData.message, fullName: name },
      });
      setStep("saving");
      const form = new FormData();
      form.set("draftId", draftId);
      form.set("fullName", name);
      form.set("signer", account);
      form.set("signature", signature);
      const outcome = await signSwitchDraftAction(null, form);
      setResult(outcome);
      if (outcome.ok) router.push(`/switch/requests?signed=${encodeURIComponent(outcome.value.reference)}`);
    } catch (e) {
      setWalletError(
        isUserRejection(e)
          ? t("wallet.error.rejected")
          : t("switch.sign.error", { reason: walletErrorMessage(e) }),
      );
    } finally {
      setStep(null);
    }
  }

  const wallets = [
    ...(chain.devWallet ? chain.devAccounts.filter((a) => a.kind === "prosumer") : []).map((a) => ({
      id: `dev-${a.index}`,
      label: t("signIn.devWallet.account", { index: a.index }),
      detail: a.address as string | null,
      testId: `dev-account-${a.index}`,
    })),
    { id: "injected", label: t("switch.sign.injected"), detail: null, testId: "wallet-injected" },
  ];
  const error = formError(result);
  const signatureError = fieldError(result, "signature");
  return (
    <form className="stack-form" onSubmit={(e) => void sign(e)} data-testid="sign-form" noValidate>
      <fieldset className="wallet-group">
        <legend>{t("switch.sign.wallet")}</legend>
        <div className="wallet-options">
          {wallets.map((w) => (
            <button
              key={w.id}
              type="button"
              className="wallet-option"
              aria-pressed={selected === w.id}
              data-testid={w.testId}
              disabled={step !== null}
              onClick={() => setSelected(w.id)}
            >
              <span className="wallet-option-label">{w.label}</span>
              {w.detail && (
                <span className="wallet-option-detail mono" title={w.detail}>
                  {shortHex(w.detail)}
                </span>
              )}
            </button>
          ))}
        </div>
      </fieldset>
      <Field name="fullName" label={t("switch.sign.fullName")} error={fieldError(result, "fullName")}>
        {(p) => (
          <input
            {...p}
            type="text"
            required
            maxLength={200}
            autoComplete="name"
            value={fullName}
            onChange={(e) => setFullName(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button
          type="submit"
          className="primary"
          disabled={step !== null}
          aria-busy={step !== null}
          data-testid="sign-submit"
        >
          {t("switch.sign.submit")}
        </button>
        <p className="status" role="status" aria-live="polite">
          {step ? t(STEP[step]) : ""}
        </p>
      </div>
      {(walletError || signatureError || error) && (
        <p className="error" role="alert" data-testid="sign-error">
          {walletError ?? (signatureError ? t(signatureError) : error)}
        </p>
      )}
    </form>
  );
}
