"use client";

import type { CustomerBilling } from "@/lib/api-types.ts";
import { formatLocalDate, formatMinorAmount, lastDayOf } from "@/lib/format.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import { DataCard } from "./data-card.tsx";
import { MeterReadings } from "./meter-reading-form.tsx";

const period = (start: string, endExclusive: string) =>
  `${formatLocalDate(start)} – ${formatLocalDate(lastDayOf(endExclusive))}`;

type Product = NonNullable<CustomerBilling["contracts"][number]["product"]>;

/** "Green Home (GH-1), version 2: Autumn prices" — the product and the version of its terms. */
function productText(p: Product): string {
  if (p.version === null) return `${p.name} (${p.code})`;
  return p.versionName && p.versionName !== p.name
    ? t("contracts.productVersionNamed", {
        name: p.name,
        code: p.code,
        version: p.version,
        versionName: p.versionName,
      })
    : t("contracts.productVersion", { name: p.name, code: p.code, version: p.version });
}

/**
 * The customer's invoices with PDF downloads and the amounts due; contracts with product (and the
 * version of its terms) and PODs; the form to report a meter reading and the readings reported.
 */
export function InvoicesCard({
  billing,
  loading,
  timeZone,
}: {
  billing: CustomerBilling | undefined;
  loading: boolean;
  timeZone: string;
}) {
  return (
    <DataCard
      titleId="invoices-title"
      testId="invoices"
      title={t("invoices.title")}
      loading={loading}
      data={billing}
    >
      {(billing) => (
        <>
          {billing.amountDue.length > 0 && (
            <p data-testid="amount-due">
              {t("invoices.amountDue")}:{" "}
              <strong>
                {billing.amountDue
                  .map((d) => formatMinorAmount(d.amountMinor, d.minorUnitDigits, d.currency))
                  .join(" · ")}
              </strong>
              <br />
              <span className="hint">{t("invoices.amountDueHint")}</span>
            </p>
          )}
          {billing.invoices.length === 0 ? (
            <p className="empty" data-testid="invoices-empty">
              {t("invoices.empty")}
            </p>
          ) : (
            <div className="table-scroll">
              <table className="rewards">
                <caption className="visually-hidden">{t("invoices.caption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("invoices.number")}</th>
                    <th scope="col">{t("invoices.kindCol")}</th>
                    <th scope="col">{t("invoices.period")}</th>
                    <th scope="col">{t("invoices.issued")}</th>
                    <th scope="col">{t("invoices.due")}</th>
                    <th scope="col" className="num">
                      {t("invoices.total")}
                    </th>
                    <th scope="col" className="num">
                      {t("invoices.amountDueCol")}
                    </th>
                    <th scope="col">{t("invoices.status")}</th>
                    <th scope="col">{t("invoices.pdf")}</th>
                  </tr>
                </thead>
                <tbody>
                  {billing.invoices.map((i) => (
                    <tr key={i.id} data-testid="invoice-row">
                      <td className="mono" data-label={t("invoices.number")}>
                        {i.number}
                      </td>
                      <td data-label={t("invoices.kindCol")}>{t(`invoices.kind.${i.kind}`)}</td>
                      <td data-label={t("invoices.period")}>{period(i.periodStart, i.periodEnd)}</td>
                      <td data-label={t("invoices.issued")}>{formatLocalDate(i.issueDate)}</td>
                      <td data-label={t("invoices.due")}>{formatLocalDate(i.dueDate)}</td>
                      <td className="num" data-label={t("invoices.total")}>
                        {formatMinorAmount(i.totalMinor, i.minorUnitDigits, i.currency)}
                      </td>
                      <td className="num" data-label={t("invoices.amountDueCol")}>
                        {i.status === "voided"
                          ? "—"
                          : formatMinorAmount(i.amountDueMinor, i.minorUnitDigits, i.currency)}
                      </td>
                      <td data-label={t("invoices.status")}>{t(`invoices.status.${i.status}`)}</td>
                      <td data-label={t("invoices.pdf")}>
                        <a
                          href={`/api/prosumer/invoices/${i.id}/pdf`}
                          download
                          data-testid="invoice-pdf"
                          aria-label={t("invoices.pdfLabel", { number: i.number })}
                        >
                          {t("invoices.pdf")}
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>{t("contracts.title")}</h3>
          {billing.contracts.length === 0 ? (
            <p className="empty">{t("contracts.empty")}</p>
          ) : (
            <ul className="plain-list">
              {billing.contracts.map((c) => (
                <li key={c.number} data-testid="contract-row">
                  <p>
                    <strong>{t("contracts.number", { number: c.number })}</strong>
                  </p>
                  <dl className="details">
                    <dt>{t("contracts.product")}</dt>
                    <dd data-testid="contract-product">
                      {c.product ? productText(c.product) : t("contracts.individualTariff")}
                    </dd>
                    <dt>{t("contracts.validity")}</dt>
                    <dd>
                      {c.validTo
                        ? period(c.validFrom, c.validTo)
                        : t("contracts.openEnded", { from: formatLocalDate(c.validFrom) })}
                    </dd>
                    <dt>{t("contracts.paymentTerms")}</dt>
                    <dd>{t("contracts.paymentTermsDays", { days: c.paymentTermsDays })}</dd>
                    <dt>{t("contracts.advances")}</dt>
                    <dd>{t(`contracts.advanceMode.${c.advanceMode}` as MessageKey)}</dd>
                    <dt>{t("contracts.pods")}</dt>
                    <dd>
                      {c.pods.map((p) => (
                        <span key={p.identifier} className="wrap">
                          <span className="mono">{p.identifier}</span> · {p.name} · {p.address} (
                          {t(`contracts.metering.${p.metering}` as MessageKey)})
                          <br />
                        </span>
                      ))}
                    </dd>
                  </dl>
                </li>
              ))}
            </ul>
          )}
          <MeterReadings billing={billing} timeZone={timeZone} />
        </>
      )}
    </DataCard>
  );
}
