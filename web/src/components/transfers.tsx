"use client";

import type { TransferEntry } from "@/lib/api-types.ts";
import { formatDateTime, formatTokenAmount, shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { DataCard } from "./data-card.tsx";

/** C4E transfers of the customer's wallets (chain mirror), newest first. */
export function Transfers({
  transfers,
  loading,
  timeZone,
}: {
  transfers: TransferEntry[] | undefined;
  loading: boolean;
  timeZone: string;
}) {
  return (
    <DataCard
      titleId="transfers-title"
      testId="transfers"
      title={t("transfers.title")}
      loading={loading}
      data={transfers}
      empty={{ text: t("transfers.empty") }}
    >
      {(transfers) => (
        <div className="table-scroll">
          <table className="rewards">
            <caption className="visually-hidden">{t("transfers.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("transfers.when")}</th>
                <th scope="col">{t("transfers.direction")}</th>
                <th scope="col">{t("transfers.counterparty")}</th>
                <th scope="col" className="num">
                  {t("transfers.amount")}
                </th>
                <th scope="col">{t("transfers.tx")}</th>
              </tr>
            </thead>
            <tbody>
              {transfers.map((x) => {
                const other = x.direction === "out" ? x.to : x.from;
                const sign = x.direction === "out" ? "−" : x.direction === "in" ? "+" : "";
                return (
                  <tr key={`${x.txHash}-${x.logIndex}`} data-testid="transfer-row">
                    <td data-label={t("transfers.when")}>{formatDateTime(x.blockTime, timeZone)}</td>
                    <td data-label={t("transfers.direction")}>
                      {x.mint ? t("transfers.mint") : t(`transfers.${x.direction}`)}
                    </td>
                    <td className="mono" data-label={t("transfers.counterparty")} title={other}>
                      {x.mint ? "—" : shortHex(other)}
                    </td>
                    <td className="num" data-label={t("transfers.amount")}>
                      {sign}
                      {formatTokenAmount(x.value)} {t("balance.unit")}
                    </td>
                    <td className="mono" data-label={t("transfers.tx")} title={x.txHash}>
                      {shortHex(x.txHash, 10, 6)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </DataCard>
  );
}
