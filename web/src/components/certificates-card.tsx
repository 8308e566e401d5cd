"use client";

import { type FormEvent, useState } from "react";
import { type Address, isAddressEqual } from "viem";
import { useConfig } from "wagmi";
import type { CertificateClaimEntry, CertificateEntry } from "@/lib/api-types.ts";
import { formatDateTime, formatKwh, shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { useChainConfig } from "./chain-config-context.ts";
import { DataCard } from "./data-card.tsx";
import { claimCertificates, type RedeemStep, walletErrorMessage } from "./wallet-tx.ts";

const kwhText = (wh: string) => `${formatKwh(Number(wh))} kWh`;

function ClaimForm({
  certificate,
  account,
  onClaimed,
}: {
  certificate: CertificateEntry;
  account: Address;
  onClaimed: () => void;
}) {
  const wagmiConfig = useConfig();
  const chain = useChainConfig();
  const [beneficiary, setBeneficiary] = useState("");
  const [energyWh, setEnergyWh] = useState(certificate.balanceWh);
  const [step, setStep] = useState<RedeemStep | null>(null);
  const [fieldError, setFieldError] = useState<{ field: "beneficiary" | "energyWh"; text: string } | null>(
    null,
  );
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const id = `claim-${certificate.certificateId}`;
  const max = BigInt(certificate.balanceWh);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (step) return;
    setStatus(null);
    const name = beneficiary.trim();
    if (!name) return setFieldError({ field: "beneficiary", text: t("certificates.error.beneficiary") });
    const wh = /^\d+$/.test(energyWh.trim()) ? BigInt(energyWh.trim()) : 0n;
    if (wh < 1n || wh > max)
      return setFieldError({
        field: "energyWh",
        text: t("certificates.error.energy", { max: certificate.balanceWh }),
      });
    setFieldError(null);
    try {
      await claimCertificates({
        wagmiConfig,
        chain,
        account,
        certificateId: BigInt(certificate.certificateId),
        energyWh: wh,
        beneficiary: name,
        onStep: setStep,
      });
      setStatus({
        ok: true,
        text: t("certificates.claimed", { energy: kwhText(wh.toString()), beneficiary: name }),
      });
      onClaimed();
    } catch (e) {
      setStatus({ ok: false, text: walletErrorMessage(e) });
    } finally {
      setStep(null);
    }
  }

  return (
    <form
      className="form-row"
      onSubmit={(e) => void submit(e)}
      aria-label={t("certificates.claimLabel", { batch: shortHex(certificate.batchId) })}
      data-testid="claim-form"
      noValidate
    >
      <div className="field">
        <label htmlFor={`${id}-beneficiary`}>{t("certificates.beneficiary")}</label>
        <input
          id={`${id}-beneficiary`}
          value={beneficiary}
          maxLength={200}
          onChange={(e) => setBeneficiary(e.target.value)}
          aria-invalid={fieldError?.field === "beneficiary"}
          aria-describedby={fieldError?.field === "beneficiary" ? `${id}-error` : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-energy`}>{t("certificates.energyWh")}</label>
        <input
          id={`${id}-energy`}
          inputMode="numeric"
          value={energyWh}
          onChange={(e) => setEnergyWh(e.target.value)}
          aria-invalid={fieldError?.field === "energyWh"}
          aria-describedby={fieldError?.field === "energyWh" ? `${id}-error` : undefined}
        />
      </div>
      <button type="submit" disabled={step !== null} data-testid="claim-submit">
        {step
          ? t(step === "sending" ? "certificates.step.sending" : `perks.step.${step}`)
          : t("certificates.claim")}
      </button>
      {fieldError && (
        <p id={`${id}-error`} className="error" data-testid={`error-${fieldError.field}`}>
          {fieldError.text}
        </p>
      )}
      {status && (
        <p
          className={status.ok ? "muted" : "error"}
          role={status.ok ? "status" : "alert"}
          data-testid="claim-status"
        >
          {status.text}
        </p>
      )}
    </form>
  );
}

/** Green certificates held per reward batch (claim form for the signed-in wallet's) and past claims. */
export function CertificatesCard({
  certificates,
  claims,
  enabled,
  loading,
  account,
  timeZone,
  onClaimed,
}: {
  certificates: CertificateEntry[] | undefined;
  claims: CertificateClaimEntry[] | undefined;
  enabled: boolean;
  loading: boolean;
  account: Address;
  timeZone: string;
  onClaimed: () => void;
}) {
  return (
    <DataCard
      titleId="certificates-title"
      testId="certificates"
      title={t("certificates.title")}
      hint={t("certificates.hint")}
      loading={loading}
      data={certificates}
      disabled={enabled ? undefined : t("certificates.disabled")}
    >
      {(certificates) => (
        <>
          {certificates.length === 0 ? (
            <p className="empty" data-testid="certificates-empty">
              {t("certificates.empty")}
            </p>
          ) : (
            <ul className="plain-list">
              {certificates.map((c) => (
                <li key={`${c.holder}-${c.certificateId}`} data-testid="certificate-row">
                  <p>
                    <span className="mono" title={c.batchId}>
                      {t("certificates.batch")} {shortHex(c.batchId, 10, 6)}
                    </span>{" "}
                    · {t("certificates.held")} {kwhText(c.balanceWh)} · {t("certificates.claimedCol")}{" "}
                    {kwhText(c.claimedWh)}
                  </p>
                  {BigInt(c.balanceWh) > 0n && isAddressEqual(c.holder, account) && (
                    <ClaimForm certificate={c} account={account} onClaimed={onClaimed} />
                  )}
                </li>
              ))}
            </ul>
          )}
          <h3>{t("certificates.claims")}</h3>
          {!claims || claims.length === 0 ? (
            <p className="empty">{t("certificates.claimsEmpty")}</p>
          ) : (
            <div className="table-scroll">
              <table className="rewards">
                <caption className="visually-hidden">{t("certificates.claimsCaption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("certificates.claimedAt")}</th>
                    <th scope="col">{t("certificates.beneficiary")}</th>
                    <th scope="col" className="num">
                      {t("certificates.energy")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {claims.map((c) => (
                    <tr key={`${c.txHash}-${c.certificateId}`} data-testid="claim-row">
                      <td data-label={t("certificates.claimedAt")}>
                        {formatDateTime(c.blockTime, timeZone)}
                      </td>
                      <td data-label={t("certificates.beneficiary")}>{c.beneficiary}</td>
                      <td className="num" data-label={t("certificates.energy")}>
                        {kwhText(c.energyWh)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </DataCard>
  );
}
