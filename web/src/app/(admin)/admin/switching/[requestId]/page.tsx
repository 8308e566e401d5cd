import { nextStatuses } from "@c4e/domain";
import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { ConfirmForm, RejectForm, SendMessageForm, ValidateForm } from "@/components/admin/switch-forms.tsx";
import { formatInstant, formatInteger, formatLocalDate } from "@/lib/format.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError } from "@/server/core/errors.ts";
import { getSwitchRequest, listDistributors } from "@/server/switch/back-office.ts";

export const dynamic = "force-dynamic";

/** One switch request: its data, signature evidence, audit trail, distributor messages and actions. */
export default async function SwitchRequestPage({ params }: { params: Promise<{ requestId: string }> }) {
  const { requestId } = await params;
  const access = await adminPageAccess("switch.read");
  return (
    <AdminShell
      access={access}
      section="switching"
      path={`/admin/switching/${encodeURIComponent(requestId)}`}
    >
      {async ({ scope, session, timeZone }) => {
        const { db } = getServerContext();
        let data;
        try {
          data = await getSwitchRequest(db, scope, requestId);
        } catch (error) {
          if (error instanceof AppError && error.code === "not_found")
            return (
              <p className="empty" data-testid="not-found">
                {t("admin.notFound")}
              </p>
            );
          throw error;
        }
        const { request: r, events, messages } = data;
        const next = nextStatuses(r.status);
        const canWrite = isAllowed(session.role, "switch.write");
        const distributors = next.includes("requested") ? await listDistributors(db) : [];
        const fact = (label: MessageKey, value: React.ReactNode, mono = false) => (
          <>
            <dt>{t(label)}</dt>
            <dd className={mono ? "mono wrap" : undefined}>{value}</dd>
          </>
        );
        return (
          <>
            <p>
              <a href="/admin/switching">‹ {t("admin.back")}</a>
            </p>
            <div className="page-title">
              <h1>{t("admin.switching.detail.title", { reference: r.reference })}</h1>
              <span className="badge" data-testid="switch-status">
                {t(`switch.status.${r.status}`)}
              </span>
            </div>
            <div className="grid">
              <section className="card" aria-labelledby="switch-request">
                <h2 id="switch-request">{t("admin.switching.detail.request")}</h2>
                <dl className="facts">
                  {fact("admin.switching.name", r.fullName)}
                  {fact("admin.switching.field.email", r.email)}
                  {fact(
                    "admin.switching.product",
                    `${r.productName} (${r.productCode} v${r.productVersion})`,
                  )}
                  {fact("admin.switching.pod", `${r.podIdentifier} (${r.podKind})`, true)}
                  {fact("admin.switching.field.address", r.supplyAddress)}
                  {fact("admin.switching.field.currentSupplier", r.currentSupplier)}
                  {fact(
                    "admin.switching.field.meter",
                    `${r.meterNumber}: ${r.meterReadingKwh} kWh, ${formatLocalDate(r.meterReadingDate)}`,
                  )}
                  {fact("admin.switching.field.annual", `${formatInteger(r.annualConsumptionKwh)} kWh`)}
                  {fact("switch.form.meteringKind", t(`switch.meteringKind.${r.meteringKind}`))}
                  {fact("admin.switching.desiredStart", formatLocalDate(r.desiredStart))}
                  {r.distributorName && fact("admin.switching.field.distributor", r.distributorName)}
                  {r.effectiveDate &&
                    fact("admin.switching.field.effectiveDate", formatLocalDate(r.effectiveDate))}
                  {r.contractId && fact("admin.switching.field.contract", r.contractId, true)}
                  {r.rejectReason && fact("admin.switching.field.reason", r.rejectReason)}
                </dl>
              </section>
              <section className="card" aria-labelledby="switch-signature">
                <h2 id="switch-signature">{t("admin.switching.detail.signature")}</h2>
                <dl className="facts">
                  {fact("admin.switching.field.hash", r.contractHash, true)}
                  {fact("admin.switching.field.signer", r.signerAddress ?? "—", true)}
                  {fact(
                    "admin.switching.field.signedAt",
                    r.signedAt ? formatInstant(r.signedAt, timeZone) : "—",
                  )}
                  {fact("admin.switching.field.ip", r.signerIp ?? "—")}
                  {fact("admin.switching.field.userAgent", r.userAgent ?? "—")}
                  {fact(
                    "admin.switching.field.withdrawal",
                    r.withdrawalDeadline ? formatInstant(r.withdrawalDeadline, timeZone) : "—",
                  )}
                  {fact("admin.switching.detail.signature", r.signature ?? "—", true)}
                </dl>
              </section>
              <section className="card" aria-labelledby="switch-actions">
                <h2 id="switch-actions">{t("admin.switching.detail.actions")}</h2>
                {!canWrite ? (
                  <p className="hint">{t("admin.switching.detail.readOnly")}</p>
                ) : next.length === 0 ? (
                  <p className="hint">
                    {t("admin.switching.detail.noActions", { status: t(`switch.status.${r.status}`) })}
                  </p>
                ) : (
                  <>
                    {next.includes("validated") && <ValidateForm requestId={r.id} />}
                    {next.includes("requested") && (
                      <SendMessageForm requestId={r.id} distributors={distributors} />
                    )}
                    {next.includes("confirmed") && (
                      <ConfirmForm requestId={r.id} desiredStart={r.desiredStart} />
                    )}
                    {next.includes("rejected") && <RejectForm requestId={r.id} />}
                  </>
                )}
              </section>
            </div>
            <section className="card" aria-labelledby="switch-trail">
              <h2 id="switch-trail">{t("admin.switching.detail.trail")}</h2>
              <ol className="activities" data-testid="switch-trail">
                {events.map((e) => (
                  <li key={e.id}>
                    <p className="muted">
                      {formatInstant(e.at, timeZone)} · <span className="mono">{e.actor}</span>
                      {e.ip ? ` · ${e.ip}` : ""}
                    </p>
                    <p>
                      <strong>{e.kind}</strong> <span className="mono wrap">{JSON.stringify(e.detail)}</span>
                    </p>
                  </li>
                ))}
              </ol>
            </section>
            <section className="card" aria-labelledby="switch-messages">
              <h2 id="switch-messages">{t("admin.switching.detail.messages")}</h2>
              {messages.length === 0 ? (
                <p className="empty">{t("admin.switching.detail.noMessages")}</p>
              ) : (
                <ol className="activities" data-testid="switch-messages">
                  {messages.map((m) => (
                    <li key={m.id}>
                      <p className="muted">
                        {formatInstant(m.createdAt, timeZone)} · {m.kind} · {m.format} · {m.distributorName} ·{" "}
                        {m.status}
                      </p>
                      <pre className="mono wrap">{JSON.stringify(JSON.parse(m.payload), null, 2)}</pre>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </>
        );
      }}
    </AdminShell>
  );
}
