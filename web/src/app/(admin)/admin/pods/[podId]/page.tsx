import { EmptyState } from "@/components/admin/empty-state.tsx";
import { DataTable } from "@/components/admin/data-table.tsx";
import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { ReadingReviewForms } from "@/components/admin/reading-review-forms.tsx";
import {
  formatDecimalText,
  formatInstant,
  formatInteger,
  formatKwh,
  formatLocalDate,
  shortHex,
} from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { getPod } from "@/server/admin/pods.ts";
import { isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError } from "@/server/core/errors.ts";
import { localToday } from "@/server/prosumer/meter-readings.ts";

export const dynamic = "force-dynamic";

/** One POD: facts, meters, 14 days of energy, settlement readings and the customer's reports (with review). */
export default async function PodPage({ params }: { params: Promise<{ podId: string }> }) {
  const { podId } = await params;
  const access = await adminPageAccess("customers.read");
  return (
    <AdminShell access={access} section="pods" path={`/admin/pods/${encodeURIComponent(podId)}`}>
      {async ({ scope, session, timeZone }) => {
        const now = new Date();
        let data;
        try {
          data = await getPod(getServerContext().db, scope, podId, localToday(timeZone, now), now);
        } catch (error) {
          if (error instanceof AppError && error.code === "not_found")
            return <EmptyState message={t("admin.notFound")} testId="not-found" />;
          throw error;
        }
        const { pod, meters, energy, settlementReadings, reports } = data;
        const canReview = isAllowed(session.role, "reading_review.write");
        return (
          <>
            <p>
              <a href="/admin/pods">‹ {t("admin.back")}</a>
            </p>
            <div className="page-title">
              <h1 data-testid="pod-identifier">{pod.identifier}</h1>
              <span className="badge">{t(`admin.pods.state.${pod.state}`)}</span>
            </div>
            <div className="grid admin-grid">
              <section className="card wide-2" aria-labelledby="pod-facts">
                <h2 id="pod-facts">{pod.name}</h2>
                <dl className="facts">
                  <dt>{t("admin.pods.address")}</dt>
                  <dd>{pod.address}</dd>
                  <dt>{t("admin.pods.customer")}</dt>
                  <dd>
                    {pod.customerId ? (
                      <a href={`/admin/customers/${encodeURIComponent(pod.customerId)}`}>
                        {pod.customerName}
                      </a>
                    ) : (
                      "—"
                    )}
                  </dd>
                  <dt>{t("admin.pods.contract")}</dt>
                  <dd className="mono">{pod.contractNumber ?? "—"}</dd>
                  <dt>{t("admin.pods.metering")}</dt>
                  <dd>{t(`admin.pods.metering.${pod.metering}`)}</dd>
                  <dt>{t("admin.pods.supply")}</dt>
                  <dd>
                    {pod.signOutDate
                      ? t("admin.pods.supplyRange", {
                          from: formatLocalDate(pod.signInDate),
                          to: formatLocalDate(pod.signOutDate),
                        })
                      : t("admin.pods.supplyOpen", { from: formatLocalDate(pod.signInDate) })}
                  </dd>
                  <dt>{t("admin.pods.annualReference")}</dt>
                  <dd>{formatDecimalText(pod.annualReferenceKwh)} kWh</dd>
                  <dt>{t("admin.pods.distributor")}</dt>
                  <dd>{pod.distributorName}</dd>
                  <dt>{t("admin.pods.trader")}</dt>
                  <dd>{pod.traderName}</dd>
                  <dt>{t("admin.pods.timeZone")}</dt>
                  <dd>{pod.timeZone}</dd>
                </dl>
              </section>
              <section className="card" aria-labelledby="pod-meters">
                <h2 id="pod-meters">{t("admin.pods.meters")}</h2>
                {meters.length === 0 ? (
                  <EmptyState message={t("admin.pods.noMeters")} />
                ) : (
                  <ul className="plain-list" data-testid="pod-meters">
                    {meters.map((m) => (
                      <li key={m.id}>
                        <span className="mono">{m.id}</span> ·{" "}
                        {t(`admin.pods.meter.kind.${m.kind === "pv" ? "pv" : "grid"}`)} ·{" "}
                        <a href={`/admin/gateways/${encodeURIComponent(m.gatewayId)}`} className="mono">
                          {m.gatewayId}
                        </a>
                        <br />
                        <span className="hint">
                          {t("admin.pods.meter.lastReading")}:{" "}
                          {m.lastReadingAt
                            ? formatInstant(m.lastReadingAt, timeZone)
                            : t("admin.pods.meter.never")}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section className="card wide-2" aria-labelledby="pod-reports">
                <h2 id="pod-reports">{t("admin.pods.reports")}</h2>
                <DataTable
                  caption={t("admin.pods.reports")}
                  testId="pod-reports"
                  rows={reports}
                  rowKey={(r) => r.id}
                  rowAttributes={() => ({ "data-testid": "pod-report-row" })}
                  empty={t("admin.pods.noReports")}
                  columns={[
                    { header: t("admin.pods.report.date"), cell: (r) => formatLocalDate(r.date) },
                    {
                      header: t("admin.pods.report.kwh"),
                      align: "number",
                      cell: (r) => formatDecimalText(r.kwh),
                    },
                    {
                      header: t("admin.pods.report.reportedAt"),
                      cell: (r) => formatInstant(r.reportedAt, timeZone),
                    },
                    {
                      header: t("admin.pods.report.status"),
                      cell: (r) => (
                        <>
                          <span className="badge" data-testid="pod-report-status">
                            {t(`meterReading.status.${r.status}`)}
                          </span>
                          {r.reviewedBy && r.reviewedAt && (
                            <span className="hint">
                              {" "}
                              {t("admin.pods.report.reviewed", {
                                who: shortHex(r.reviewedBy),
                                when: formatInstant(r.reviewedAt, timeZone),
                              })}
                            </span>
                          )}
                          {r.rejectReason && (
                            <span className="hint wrap">
                              {" "}
                              {t("meterReading.rejectReason", { reason: r.rejectReason })}
                            </span>
                          )}
                        </>
                      ),
                    },
                  ]}
                />
                {canReview &&
                  reports
                    .filter((r) => r.status === "pending")
                    .map((r) => (
                      <article key={r.id} className="pod-block" aria-labelledby={`review-title-${r.id}`}>
                        <h3 id={`review-title-${r.id}`}>
                          {t("admin.pods.review.title", {
                            date: formatLocalDate(r.date),
                            kwh: formatDecimalText(r.kwh),
                          })}
                        </h3>
                        <ReadingReviewForms reportId={r.id} />
                      </article>
                    ))}
              </section>
              <section className="card" aria-labelledby="pod-settlement">
                <h2 id="pod-settlement">{t("admin.pods.settlement")}</h2>
                <DataTable
                  caption={t("admin.pods.settlement")}
                  testId="settlement-readings"
                  rows={settlementReadings}
                  rowKey={(s) => s.date}
                  rowAttributes={() => ({ "data-testid": "settlement-row" })}
                  empty={t("admin.pods.noSettlement")}
                  columns={[
                    { header: t("admin.pods.settlement.date"), cell: (s) => formatLocalDate(s.date) },
                    {
                      header: t("admin.pods.settlement.kwh"),
                      align: "number",
                      cell: (s) => formatDecimalText(s.kwh),
                    },
                    { header: t("admin.pods.settlement.source"), cell: (s) => s.source },
                  ]}
                />
              </section>
              <section className="card wide-2" aria-labelledby="pod-energy">
                <h2 id="pod-energy">{t("admin.pods.energy")}</h2>
                <p className="hint">{t("admin.pods.energyHint")}</p>
                <DataTable
                  caption={t("admin.pods.energy")}
                  testId="pod-energy"
                  rows={energy}
                  rowKey={(d) => d.date}
                  empty={t("admin.pods.noMeters")}
                  columns={[
                    { header: t("admin.pods.energy.date"), cell: (d) => formatLocalDate(d.date) },
                    {
                      header: t("admin.pods.energy.import"),
                      align: "number",
                      cell: (d) => formatKwh(Number(d.importWh)),
                    },
                    {
                      header: t("admin.pods.energy.export"),
                      align: "number",
                      cell: (d) => formatKwh(Number(d.exportWh)),
                    },
                    {
                      header: t("admin.pods.energy.production"),
                      align: "number",
                      cell: (d) => formatKwh(Number(d.productionWh)),
                    },
                    {
                      header: t("admin.pods.energy.intervalImport"),
                      align: "number",
                      cell: (d) => formatKwh(Number(d.intervalImportWh)),
                    },
                    {
                      header: t("admin.pods.energy.intervals"),
                      align: "number",
                      cell: (d) => formatInteger(d.intervals),
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
