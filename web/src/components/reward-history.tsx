"use client";

import type { RewardEntry } from "../lib/api-types.ts";
import { formatInteger, formatKwh, formatPeriod, formatTokenAmount, shortHex } from "../lib/format.ts";
import { t } from "../messages/en.ts";

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
    <section
      className="card"
      aria-labelledby="rewards-title"
      data-testid="reward-history"
      aria-busy={loading}
    >
      <h2 id="rewards-title">{t("rewards.title")}</h2>
      {rewards === undefined ? (
        <p className="muted">{loading ? t("app.loading") : t("dashboard.error")}</p>
      ) : rewards.length === 0 ? (
        <p className="empty" data-testid="reward-history-empty">
          {t("rewards.empty")}
        </p>
      ) : (
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
