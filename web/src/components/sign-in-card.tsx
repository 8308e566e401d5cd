"use client";

import { useEffect, useState } from "react";
import { UserRejectedRequestError } from "viem";
import { createSiweMessage } from "viem/siwe";
import { useConfig } from "wagmi";
import { connect, disconnect, getConnection, signMessage } from "wagmi/actions";
import type { SessionView } from "@/lib/api-types.ts";
import { shortHex } from "@/lib/format.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import { ApiError, apiFetch } from "./api.ts";
import { useChainConfig } from "./chain-config-context.ts";

type Step = "connecting" | "nonce" | "signing" | "verifying";
const STEP_MESSAGE: Record<Step, MessageKey> = {
  connecting: "signIn.step.connecting",
  nonce: "signIn.step.nonce",
  signing: "signIn.step.signing",
  verifying: "signIn.step.verifying",
};

/** A SIWE message asks for a signature within this time. */
const MESSAGE_TTL_MS = 5 * 60_000;

function isUserRejection(error: unknown): boolean {
  let e: unknown = error;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof UserRejectedRequestError) return true;
    const code = (e as { code?: unknown }).code;
    if (code === 4001 || code === UserRejectedRequestError.code) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Sign-in card: pick a development account or the browser wallet, then sign a Sign-In with Ethereum
 * message (EIP-4361) with a server-issued nonce. The server verifies it and sets the session cookie.
 */
export function SignInCard({
  onSignedIn,
  notice,
  canonicalOrigin,
  title,
  staffOpen = false,
  returnPath = "/prosumer",
}: {
  onSignedIn: (s: SessionView) => void;
  notice?: string | undefined;
  /** Set when the page was opened on another host than WEB_ORIGIN. */
  canonicalOrigin?: string | null;
  title?: string;
  /** Show the demo staff accounts unfolded (the admin sign-in). */
  staffOpen?: boolean;
  /** Path of this page on the canonical origin (for the wrong-origin link). */
  returnPath?: string;
}) {
  const wagmiConfig = useConfig();
  const chain = useChainConfig();
  const [selected, setSelected] = useState<string | null>(null);
  const [step, setStep] = useState<Step | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hasInjected, setHasInjected] = useState(false);

  useEffect(() => {
    setHasInjected(Boolean((window as { ethereum?: unknown }).ethereum));
  }, []);

  async function signIn() {
    if (!selected || step) return;
    const connector = wagmiConfig.connectors.find((c) => c.id === selected);
    if (!connector) return;
    if (connector.id === "injected" && !hasInjected) {
      setError(t("signIn.injected.missing"));
      return;
    }
    setError(null);
    try {
      setStep("connecting");
      if (getConnection(wagmiConfig).status === "connected") await disconnect(wagmiConfig).catch(() => {});
      const { accounts } = await connect(wagmiConfig, { connector });
      const address = accounts[0];
      if (!address) throw new Error("the wallet returned no account");

      setStep("nonce");
      const { nonce } = await apiFetch<{ nonce: string }>("/api/auth/nonce", { method: "POST" });
      const issuedAt = new Date();
      const message = createSiweMessage({
        domain: window.location.host,
        uri: window.location.origin,
        address,
        statement: t("siwe.statement"),
        version: "1",
        chainId: chain.chainId,
        nonce,
        issuedAt,
        expirationTime: new Date(issuedAt.getTime() + MESSAGE_TTL_MS),
      });

      setStep("signing");
      const signature = await signMessage(wagmiConfig, { account: address, message, connector });

      setStep("verifying");
      const session = await apiFetch<SessionView>("/api/auth/verify", {
        method: "POST",
        body: { message, signature },
      });
      onSignedIn(session);
    } catch (e) {
      if (isUserRejection(e)) setError(t("signIn.error.rejected"));
      else if (e instanceof ApiError && e.code === "siwe_refused")
        setError(t("signIn.error.refused", { reason: e.reason ?? e.code }));
      else if (e instanceof ApiError) setError(t("signIn.error.generic", { reason: e.code }));
      else if (e instanceof TypeError) setError(t("signIn.error.network"));
      else setError(t("signIn.error.generic", { reason: (e as Error).message?.split("\n")[0] ?? String(e) }));
      await disconnect(wagmiConfig).catch(() => {});
    } finally {
      setStep(null);
    }
  }

  const option = (id: string, label: string, detail: string | null, testId: string) => (
    <button
      key={id}
      type="button"
      className="wallet-option"
      aria-pressed={selected === id}
      data-testid={testId}
      disabled={step !== null}
      onClick={() => {
        setSelected(id);
        setError(null);
      }}
    >
      <span className="wallet-option-label">{label}</span>
      {detail && (
        <span className="wallet-option-detail mono" title={detail}>
          {shortHex(detail)}
        </span>
      )}
    </button>
  );

  return (
    <section className="card sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{title ?? t("signIn.title")}</h1>
      <p>{t("signIn.intro")}</p>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}

      {canonicalOrigin && (
        <p className="notice" role="alert" data-testid="wrong-origin">
          {t("signIn.wrongOrigin")} <a href={`${canonicalOrigin}${returnPath}`}>{canonicalOrigin}</a>
        </p>
      )}

      {chain.devWallet && (
        <fieldset className="wallet-group">
          <legend>{t("signIn.devWallet.legend")}</legend>
          <p className="hint">{t("signIn.devWallet.hint")}</p>
          <div className="wallet-options">
            {chain.devAccounts
              .filter((a) => a.kind === "prosumer")
              .map((a) =>
                option(
                  `dev-${a.index}`,
                  t("signIn.devWallet.account", { index: a.index }),
                  a.address,
                  `dev-account-${a.index}`,
                ),
              )}
          </div>
          {chain.devAccounts.some((a) => a.kind !== "prosumer") && (
            <details className="staff-accounts" open={staffOpen}>
              <summary>{t("signIn.devWallet.staffLegend")}</summary>
              <div className="wallet-options">
                {chain.devAccounts
                  .filter((a) => a.kind !== "prosumer")
                  .map((a) =>
                    option(
                      `dev-${a.index}`,
                      t(`signIn.devWallet.staff.${a.kind as Exclude<typeof a.kind, "prosumer">}`, {
                        index: a.index,
                      }),
                      a.address,
                      `dev-account-${a.index}`,
                    ),
                  )}
              </div>
            </details>
          )}
        </fieldset>
      )}

      <fieldset className="wallet-group">
        <legend>{t("signIn.injected.legend")}</legend>
        <div className="wallet-options">
          {option("injected", t("signIn.injected.button"), null, "wallet-injected")}
        </div>
      </fieldset>

      <div className="actions">
        <button
          type="button"
          className="primary"
          data-testid="sign-in"
          disabled={!selected || step !== null}
          aria-busy={step !== null}
          onClick={() => void signIn()}
        >
          {t("signIn.button")}
        </button>
        <p className="status" role="status" aria-live="polite">
          {step ? t(STEP_MESSAGE[step]) : ""}
        </p>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="sign-in-error">
          {error}
        </p>
      )}
    </section>
  );
}
