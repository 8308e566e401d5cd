import { AdminShell } from "@/components/admin/admin-shell.tsx";
import {
  formatDecimalText,
  formatInstant,
  formatLocalDate,
  formatMinorAmount,
  formatTokenAmount,
  shortHex,
} from "@/lib/format.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import { getCustomer } from "@/server/admin/customers.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError } from "@/server/core/errors.ts";

export const dynamic = "force-dynamic";

const invoiceStatus = (status: string) =>
  (status === "draft" ? "admin.billing.invoices.draft" : `invoices.status.${status}`) as MessageKey;
const validity = (from: string, to: string | null) =>
  to === null
    ? t("admin.customers.contract.openEnded", { from: formatLocalDate(from) })
    : t("admin.customers.contract.range", { from: formatLocalDate(from), to: formatLocalDate(to) });

/** One customer: contact, wallets, balance, contracts, PODs with meters, invoices, reported readings, CRM lead. */
export default async function CustomerPage({ params }: { params: Promise<{ customerId: string }> }) {
  const { customerId } = await params;
  const access = await adminPageAccess("customers.read");
  return (
    <AdminShell
      access={access}
      section="customers"
      path={`/admin/customers/${encodeURIComponent(customerId)}`}
    >
      {async ({ scope, timeZone }) => {
        const { db, config } = getServerContext();
        let data;
        try {
          data = await getCustomer(db, scope, customerId, {
            chainId: config.chainId,
            tokenAddress: config.tokenAddress,
          });
        } catch (error) {
          if (error instanceof AppError && error.code === "not_found")
            return (
              <p className="empty" data-testid="not-found">
                {t("admin.notFound")}
              </p>
            );
          throw error;
        }
        const { customer, wallets, contracts, pods, invoices, reports, lead, balance } = data;
        return (
          <>
            <p>
              <a href="/admin/customers">‹ {t("admin.back")}</a>
            </p>
            <div className="page-title">
              <h1 data-testid="customer-name">{customer.name}</h1>
              <span className="badge">{t(`admin.crm.kind.${customer.kind}`)}</span>
            </div>
            <div className="grid admin-grid">
              <section className="card" aria-labelledby="contact">
                <h2 id="contact">{t("admin.customers.contact")}</h2>
                <dl className="facts">
                  <dt>{t("admin.customers.email")}</dt>
                  <dd>{customer.email ?? "—"}</dd>
                  <dt>{t("admin.customers.since")}</dt>
                  <dd>{formatInstant(customer.createdAt, timeZone)}</dd>
                  <dt>{t("admin.customers.balance")}</dt>
                  <dd data-testid="customer-balance">{formatTokenAmount(balance)} C4E</dd>
                </dl>
                <h3>{t("admin.customers.wallets")}</h3>
                {wallets.length === 0 ? (
                  <p className="empty">{t("admin.customers.noWallets")}</p>
                ) : (
                  <ul className="plain-list">
                    {wallets.map((w) => (
                      <li key={w.address} className="mono wrap">
                        {w.address}
                        {w.primary ? ` (${t("admin.customers.primary")})` : ""}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section className="card" aria-labelledby="lead">
                <h2 id="lead">{t("admin.customers.lead")}</h2>
                {lead === null ? (
                  <p className="empty">{t("admin.customers.noLead")}</p>
                ) : (
                  <>
                    <p>
                      <span className="badge">
                        {t("admin.customers.leadStage", { stage: t(`admin.crm.stage.${lead.stage}`) })}
                      </span>{" "}
                      <a href={`/admin/crm/${lead.id}`} data-testid="customer-lead-link">
                        {t("admin.customers.openLead")}
                      </a>
                    </p>
                    {lead.activities.length === 0 ? (
                      <p className="empty">{t("admin.customers.noActivities")}</p>
                    ) : (
                      <ol className="activities">
                        {lead.activities.map((a) => (
                          <li key={a.id}>
                            <p className="muted">{formatInstant(a.createdAt, timeZone)}</p>
                            <p className="wrap">{a.body}</p>
                          </li>
                        ))}
                      </ol>
                    )}
                  </>
                )}
              </section>
              <section className="card wide-2" aria-labelledby="contracts">
                <h2 id="contracts">{t("admin.customers.contracts")}</h2>
                {contracts.length === 0 ? (
                  <p className="empty">{t("admin.customers.noContracts")}</p>
                ) : (
                  <div className="table-scroll">
                    <table className="rewards" data-testid="contract-table">
                      <caption className="visually-hidden">{t("admin.customers.contracts")}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("admin.customers.contract.number")}</th>
                          <th scope="col">{t("admin.customers.contract.product")}</th>
                          <th scope="col">{t("admin.customers.contract.validity")}</th>
                          <th scope="col">{t("admin.customers.contract.advance")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {contracts.map((c) => (
                          <tr key={c.id}>
                            <td className="mono" data-label={t("admin.customers.contract.number")}>
                              {c.number}
                            </td>
                            <td data-label={t("admin.customers.contract.product")}>
                              {c.productCode
                                ? t("admin.customers.contract.productVersion", {
                                    code: c.productCode,
                                    version: c.productVersion ?? "—",
                                  })
                                : t("admin.customers.contract.individual")}
                            </td>
                            <td data-label={t("admin.customers.contract.validity")}>
                              {validity(c.validFrom, c.validTo)}
                            </td>
                            <td data-label={t("admin.customers.contract.advance")}>
                              {t(`admin.customers.advance.${c.advanceMode}` as MessageKey)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
              <section className="card wide-2" aria-labelledby="pods">
                <h2 id="pods">{t("admin.customers.podsTitle")}</h2>
                {pods.length === 0 ? (
                  <p className="empty">{t("admin.customers.noPods")}</p>
                ) : (
                  pods.map((p) => (
                    <article key={p.id} className="pod-block" data-testid="customer-pod">
                      <h3>
                        <a href={`/admin/pods/${encodeURIComponent(p.id)}`} className="mono">
                          {p.identifier}
                        </a>
                      </h3>
                      <dl className="facts">
                        <dt>{t("admin.pods.address")}</dt>
                        <dd>{p.address}</dd>
                        <dt>{t("admin.pods.metering")}</dt>
                        <dd>{t(`admin.pods.metering.${p.metering}`)}</dd>
                        <dt>{t("admin.pods.supply")}</dt>
                        <dd>{validity(p.signInDate, p.signOutDate)}</dd>
                        <dt>{t("admin.pods.contract")}</dt>
                        <dd className="mono">{p.contractNumber}</dd>
                      </dl>
                      {p.meters.length === 0 ? (
                        <p className="empty">{t("admin.pods.noMeters")}</p>
                      ) : (
                        <div className="table-scroll">
                          <table className="rewards">
                            <caption className="visually-hidden">{t("admin.pods.meters")}</caption>
                            <thead>
                              <tr>
                                <th scope="col">{t("admin.pods.meter.id")}</th>
                                <th scope="col">{t("admin.pods.meter.kind")}</th>
                                <th scope="col">{t("admin.pods.meter.gateway")}</th>
                                <th scope="col">{t("admin.pods.meter.lastReading")}</th>
                              </tr>
                            </thead>
                            <tbody>
                              {p.meters.map((m) => (
                                <tr key={m.id}>
                                  <td className="mono" data-label={t("admin.pods.meter.id")}>
                                    {m.id}
                                  </td>
                                  <td data-label={t("admin.pods.meter.kind")}>
                                    {t(`admin.pods.meter.kind.${m.kind === "pv" ? "pv" : "grid"}`)}
                                  </td>
                                  <td className="mono" data-label={t("admin.pods.meter.gateway")}>
                                    <a href={`/admin/gateways/${encodeURIComponent(m.gatewayId)}`}>
                                      {m.gatewayId}
                                    </a>
                                  </td>
                                  <td data-label={t("admin.pods.meter.lastReading")}>
                                    {m.lastReadingAt
                                      ? formatInstant(m.lastReadingAt, timeZone)
                                      : t("admin.pods.meter.never")}
                                  </td>
                                </tr>
                              ))}
                            </tbody>
                          </table>
                        </div>
                      )}
                    </article>
                  ))
                )}
              </section>
              <section className="card wide-2" aria-labelledby="invoices">
                <h2 id="invoices">{t("admin.customers.invoices")}</h2>
                {invoices.length === 0 ? (
                  <p className="empty">{t("admin.customers.noInvoices")}</p>
                ) : (
                  <div className="table-scroll">
                    <table className="rewards" data-testid="customer-invoices">
                      <caption className="visually-hidden">{t("admin.customers.invoices")}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("admin.customers.invoice.number")}</th>
                          <th scope="col">{t("admin.customers.invoice.status")}</th>
                          <th scope="col" className="num">
                            {t("admin.customers.invoice.total")}
                          </th>
                          <th scope="col">{t("admin.customers.invoice.due")}</th>
                          <th scope="col">{t("admin.customers.invoice.pdf")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {invoices.map((i) => (
                          <tr key={i.id}>
                            <td className="mono" data-label={t("admin.customers.invoice.number")}>
                              {i.number ?? "—"} · {t(`invoices.kind.${i.kind}` as MessageKey)}
                            </td>
                            <td data-label={t("admin.customers.invoice.status")}>
                              <span className="badge">{t(invoiceStatus(i.status))}</span>
                            </td>
                            <td className="num" data-label={t("admin.customers.invoice.total")}>
                              {formatMinorAmount(i.totalMinor, i.minorUnitDigits, i.currency)}
                            </td>
                            <td data-label={t("admin.customers.invoice.due")}>
                              {i.dueDate ? formatLocalDate(i.dueDate) : "—"}
                            </td>
                            <td data-label={t("admin.customers.invoice.pdf")}>
                              <a href={`/api/admin/billing/invoices/${i.id}/pdf`}>
                                {t("admin.customers.invoice.pdf")}
                              </a>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
              <section className="card wide-2" aria-labelledby="reports">
                <h2 id="reports">{t("admin.customers.reports")}</h2>
                {reports.length === 0 ? (
                  <p className="empty">{t("admin.customers.noReports")}</p>
                ) : (
                  <div className="table-scroll">
                    <table className="rewards" data-testid="customer-reports">
                      <caption className="visually-hidden">{t("admin.customers.reports")}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("admin.pods.identifier")}</th>
                          <th scope="col">{t("admin.pods.report.date")}</th>
                          <th scope="col" className="num">
                            {t("admin.pods.report.kwh")}
                          </th>
                          <th scope="col">{t("admin.pods.report.status")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {reports.map((r) => (
                          <tr key={r.id}>
                            <td className="mono" data-label={t("admin.pods.identifier")}>
                              <a href={`/admin/pods/${encodeURIComponent(r.podId)}`}>{r.podIdentifier}</a>
                            </td>
                            <td data-label={t("admin.pods.report.date")}>{formatLocalDate(r.date)}</td>
                            <td className="num" data-label={t("admin.pods.report.kwh")}>
                              {formatDecimalText(r.kwh)}
                            </td>
                            <td data-label={t("admin.pods.report.status")}>
                              <span className="badge">{t(`meterReading.status.${r.status}`)}</span>
                              {r.reviewedBy && r.reviewedAt && (
                                <span className="hint">
                                  {" "}
                                  {t("admin.pods.report.reviewed", {
                                    who: shortHex(r.reviewedBy),
                                    when: formatInstant(r.reviewedAt, timeZone),
                                  })}
                                </span>
                              )}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
            </div>
          </>
        );
      }}
    </AdminShell>
  );
}
