import type { Metadata } from "next";
import { StaffHeader } from "@/components/admin/staff-header.tsx";
import { SwitchSignIn, WithdrawButton } from "@/components/switch/switch-requests.tsx";
import { formatDateTime, formatLocalDate } from "@/lib/format.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeSigner, isAllowed } from "@/server/core/authz.ts";
import { canonicalOrigin } from "@/server/core/canonical-origin.ts";
import { getServerContext } from "@/server/core/context.ts";
import { ownSwitchRequests } from "@/server/switch/public.ts";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: t("switch.requests.pageTitle") };

const EVENT_KEYS: Record<string, MessageKey> = {
  drafted: "switch.event.drafted",
  signed: "switch.event.signed",
  validated: "switch.event.validated",
  validation_failed: "switch.event.validation_failed",
  rejected: "switch.event.rejected",
  requested: "switch.event.requested",
  confirmed: "switch.event.confirmed",
  activated: "switch.event.activated",
  withdrawn: "switch.event.withdrawn",
  cancellation_sent: "switch.event.cancellation_sent",
};

/** Step 3: the signer's requests with their status timeline and the withdrawal (within 14 days). */
export default async function SwitchRequestsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { signed } = await searchParams;
  const session = await getSession();
  if (!session)
    return (
      <>
        <StaffHeader area={t("admin.nav.switching")} />
        <main id="main" className="sign-in-page">
          {signed && (
            <p className="notice" role="status" data-testid="signed-notice">
              {t("switch.requests.signedNotice", { reference: signed })}
            </p>
          )}
          <SwitchSignIn canonicalOrigin={await canonicalOrigin()} />
        </main>
      </>
    );
  if (!isAllowed(session.role, "switch.own"))
    return (
      <>
        <StaffHeader area={t("admin.nav.switching")} session={session} />
        <main id="main" className="dashboard">
          <p className="notice">{t("switch.requests.staff")}</p>
        </main>
      </>
    );
  const requests = await ownSwitchRequests(getServerContext().db, authorizeSigner(session, "switch.own"));
  const now = Date.now();
  const local = (iso: string, zone: string) =>
    t("switch.requests.inZone", { time: formatDateTime(iso, zone), zone });
  return (
    <>
      <StaffHeader area={t("admin.nav.switching")} session={session} />
      <main id="main" className="dashboard">
        <div className="page-title">
          <h1>{t("switch.requests.title")}</h1>
        </div>
        {requests.length === 0 ? (
          <p className="empty">{t("switch.requests.empty")}</p>
        ) : (
          requests.map((r) => (
            <section
              key={r.id}
              className="card"
              aria-labelledby={`req-${r.id}`}
              data-testid="switch-request"
              data-reference={r.reference}
            >
              <div className="page-title">
                <h2 id={`req-${r.id}`}>{r.reference}</h2>
                <span className="badge" data-testid="switch-status">
                  {t(`switch.status.${r.status}`)}
                </span>
              </div>
              <dl className="facts">
                <dt>{t("switch.requests.product")}</dt>
                <dd>
                  {r.productName} ({t("switch.product.version", { version: r.productVersion })})
                </dd>
                <dt>{t("switch.requests.pod")}</dt>
                <dd className="mono">{r.podIdentifier}</dd>
                {r.signedAt && (
                  <>
                    <dt>{t("switch.requests.signedAt")}</dt>
                    <dd>{local(r.signedAt, r.timeZone)}</dd>
                  </>
                )}
                {r.withdrawalDeadline && (
                  <>
                    <dt>{t("switch.requests.withdrawUntil")}</dt>
                    <dd data-testid="withdraw-until">
                      {local(new Date(Date.parse(r.withdrawalDeadline) - 60_000).toISOString(), r.timeZone)}
                    </dd>
                  </>
                )}
                {r.effectiveDate && (
                  <>
                    <dt>{t("switch.requests.effectiveDate")}</dt>
                    <dd>{formatLocalDate(r.effectiveDate)}</dd>
                  </>
                )}
                {r.rejectReason && (
                  <>
                    <dt>{t("switch.requests.rejectReason")}</dt>
                    <dd>{r.rejectReason}</dd>
                  </>
                )}
              </dl>
              <p>
                <a href={`/api/switch/requests/${r.id}/pdf`} download>
                  {t("switch.requests.pdf")}
                </a>
              </p>
              <h3>{t("switch.requests.timeline")}</h3>
              <ol className="activities" data-testid="switch-timeline">
                {r.events.map((e) => (
                  <li key={e.id}>
                    <p>
                      {EVENT_KEYS[e.kind] ? t(EVENT_KEYS[e.kind] as MessageKey) : e.kind}{" "}
                      <span className="muted">· {local(e.at, r.timeZone)}</span>
                    </p>
                  </li>
                ))}
              </ol>
              {["signed", "validated", "requested", "confirmed"].includes(r.status) &&
                r.withdrawalDeadline &&
                now < Date.parse(r.withdrawalDeadline) && <WithdrawButton requestId={r.id} />}
            </section>
          ))
        )}
      </main>
    </>
  );
}
