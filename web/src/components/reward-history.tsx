"use client";

import { useState } from "react";
import type { RewardEntry, RewardProof } from "@/lib/api-types.ts";
import { formatInteger, formatKwh, formatPeriod, formatTokenAmount, shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { apiFetch } from "./api.ts";
import { DataCard } from "./data-card.tsx";

type Check = "idle" | "checking" | "verified" | "not_verified" | "unavailable" | "error";

/** Links to the proof of a reward's readings (JSON) and checks it with `verifyReading` on chain. */
function ProofCell({ reward }: { reward: RewardEntry }) {
  const [state, setState] = useState<Check>("idle");
  const href = `/api/prosumer/rewards/${reward.batchId}/proof`;
  async function check() {
    setState("checking");
    try {
      const proof = await apiFetch<RewardProof>(href);
      const verdicts = proof.leaves.map((l) => l.verifiedOnChain);
      if (!proof.rootMatches) setState("not_verified");
      else if (verdicts.length > 0 && verdicts.every((v) => v === true)) setState("verified");
      else if (verdicts.some((v) => v === false)) setState("not_verified");
      else setState("unavailable");
    } catch {
      setState("error");
    }
  }
  return (
    <div className="proof-cell">
      <a
        href={href}
        target="_blank"
        rel="noreferrer"
        title={t("rewards.root", { root: reward.readingsRoot })}
      >
        {t("rewards.proofJson")}
      </a>
      {state === "idle" || state === "error" ? (
        <button type="button" className="small" onClick={() => void check()} data-testid="verify-reward">
          {t("rewards.verify")}
        </button>
      ) : (
        <span role="status" className={`verdict verdict-${state}`} data-testid="reward-verdict">
          {state === "checking"
            ? t("rewards.verifying")
            : state === "verified"
              ? `✓ ${t("rewards.verified")}`
              : state === "not_verified"
                ? t("rewards.notVerified")
                : t("rewards.chainUnavailable")}
        </span>
      )}
      {state === "error" && (
        <span role="alert" className="error-inline">
          {t("dashboard.error")}
        </span>
      )}
    </div>
  );
}

/** Minted reward batches of the customer, newest first (from the chain mirror). */
export function RewardHistory({
  rewards,
  loading,
  timeZone,
}: {
  rewards: RewardEntry[] | undefined;
  loading: boolean;
  timeZone: string;
}) {
  return (
    <DataCard
      titleId="rewards-title"
      testId="reward-history"
      title={t("rewards.title")}
      loading={loading}
      data={rewards}
      empty={{ text: t("rewards.empty"), testId: "reward-history-empty" }}
    >
      {(rewards) => (
        <div className="table-scroll">
          <table className="rewards">
            <caption className="visually-hidden">{t("rewards.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("rewards.period")}</th>
                <th scope="col" className="num">
                  {t("rewards.exported")}
                </th>
                <th scope="col" className="num">
                  {t("rewards.amount")}
                </th>
                <th scope="col">{t("rewards.tx")}</th>
                <th scope="col" className="num">
                  {t("rewards.block")}
                </th>
                <th scope="col">{t("rewards.proof")}</th>
              </tr>
            </thead>
            <tbody>
              {rewards.map((r) => (
                <tr key={`${r.batchId}-${r.txHash}`} data-testid="reward-row">
                  <td className="period" data-label={t("rewards.period")}>
                    {formatPeriod(r.periodStart, r.periodEnd, timeZone)}
                  </td>
                  <td className="num" data-label={t("rewards.exported")}>
                    {t("today.kwh", { value: formatKwh(r.exportWh) })}
                  </td>
                  <td className="num" data-label={t("rewards.amount")}>
                    {formatTokenAmount(r.amount)} {t("balance.unit")}
                  </td>
                  <td className="mono" data-label={t("rewards.tx")} title={r.txHash}>
                    {shortHex(r.txHash, 10, 6)}
                  </td>
                  <td className="num" data-label={t("rewards.block")}>
                    {formatInteger(r.blockNumber)}
                  </td>
                  <td data-label={t("rewards.proof")}>
                    <ProofCell reward={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </DataCard>
  );
}
