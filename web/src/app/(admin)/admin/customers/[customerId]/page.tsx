import { EmptyState } from "@/components/admin/empty-state.tsx";
import { DataTable } from "@/components/admin/data-table.tsx";
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
            return <EmptyState message={t("admin.notFound")} testId="not-found" />;
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
                  <EmptyState message={t("admin.customers.noWallets")} />
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
                  <EmptyState message={t("admin.customers.noLead")} />
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
                      <EmptyState message={t("admin.customers.noActivities")} />
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
                <DataTable
                  caption={t("admin.customers.contracts")}
                  testId="contract-table"
                  rows={contracts}
                  rowKey={(c) => c.id}
                  empty={t("admin.customers.noContracts")}
                  columns={[
                    {
                      header: t("admin.customers.contract.number"),
                      className: "mono",
                      cell: (c) => c.number,
                    },
                    {
                      header: t("admin.customers.contract.product"),
                      cell: (c) =>
                        c.productCode
                          ? t("admin.customers.contract.productVersion", {
                              code: c.productCode,
                              version: c.productVersion ?? "—",
                            })
                          : t("admin.customers.contract.individual"),
                    },
                    {
                      header: t("admin.customers.contract.validity"),
                      cell: (c) => validity(c.validFrom, c.validTo),
                    },
                    {
                      header: t("admin.customers.contract.advance"),
                      cell: (c) => t(`admin.customers.advance.${c.advanceMode}` as MessageKey),
                    },
                  ]}
                />
              </section>
              <section className="card wide-2" aria-labelledby="pods">
                <h2 id="pods">{t("admin.customers.podsTitle")}</h2>
                {pods.length === 0 ? (
                  <EmptyState message={t("admin.customers.noPods")} />
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
                      <DataTable
                        caption={t("admin.pods.meters")}
                        rows={p.meters}
                        rowKey={(m) => m.id}
                        empty={t("admin.pods.noMeters")}
                        columns={[
                          { header: t("admin.pods.meter.id"), className: "mono", cell: (m) => m.id },
                          {
                            header: t("admin.pods.meter.kind"),
                            cell: (m) => t(`admin.pods.meter.kind.${m.kind === "pv" ? "pv" : "grid"}`),
                          },
                          {
                            header: t("admin.pods.meter.gateway"),
                            className: "mono",
                            cell: (m) => (
                              <a href={`/admin/gateways/${encodeURIComponent(m.gatewayId)}`}>{m.gatewayId}</a>
                            ),
                          },
                          {
                            header: t("admin.pods.meter.lastReading"),
                            cell: (m) =>
                              m.lastReadingAt
                                ? formatInstant(m.lastReadingAt, timeZone)
                                : t("admin.pods.meter.never"),
                          },
                        ]}
                      />
                    </article>
                  ))
                )}
              </section>
              <section className="card wide-2" aria-labelledby="invoices">
                <h2 id="invoices">{t("admin.customers.invoices")}</h2>
                <DataTable
                  caption={t("admin.customers.invoices")}
                  testId="customer-invoices"
                  rows={invoices}
                  rowKey={(i) => i.id}
                  empty={t("admin.customers.noInvoices")}
                  columns={[
                    {
                      header: t("admin.customers.invoice.number"),
                      className: "mono",
                      cell: (i) => `${i.number ?? "—"} · ${t(`invoices.kind.${i.kind}` as MessageKey)}`,
                    },
                    {
                      header: t("admin.customers.invoice.status"),
                      cell: (i) => <span className="badge">{t(invoiceStatus(i.status))}</span>,
                    },
                    {
                      header: t("admin.customers.invoice.total"),
                      align: "number",
                      cell: (i) => formatMinorAmount(i.totalMinor, i.minorUnitDigits, i.currency),
                    },
                    {
                      header: t("admin.customers.invoice.due"),
                      cell: (i) => (i.dueDate ? formatLocalDate(i.dueDate) : "—"),
                    },
                    {
                      header: t("admin.customers.invoice.pdf"),
                      cell: (i) => (
                        <a href={`/api/admin/billing/invoices/${i.id}/pdf`}>
                          {t("admin.customers.invoice.pdf")}
                        </a>
                      ),
                    },
                  ]}
                />
              </section>
              <section className="card wide-2" aria-labelledby="reports">
                <h2 id="reports">{t("admin.customers.reports")}</h2>
                <DataTable
                  caption={t("admin.customers.reports")}
                  testId="customer-reports"
                  rows={reports}
                  rowKey={(r) => r.id}
                  empty={t("admin.customers.noReports")}
                  columns={[
                    {
                      header: t("admin.pods.identifier"),
                      className: "mono",
                      cell: (r) => (
                        <a href={`/admin/pods/${encodeURIComponent(r.podId)}`}>{r.podIdentifier}</a>
                      ),
                    },
                    { header: t("admin.pods.report.date"), cell: (r) => formatLocalDate(r.date) },
                    {
                      header: t("admin.pods.report.kwh"),
                      align: "number",
                      cell: (r) => formatDecimalText(r.kwh),
                    },
                    {
                      header: t("admin.pods.report.status"),
                      cell: (r) => (
                        <>
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
                        </>
                      ),
                    },
                  ]}
                />
              </section>
            </div>
          </>
        );
      }}
    </AdminShell>
  );
}
