import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { NoteForm, StageForm } from "@/components/admin/crm-forms.tsx";
import { formatInstant, shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { getServerContext } from "@/server/core/context.ts";
import { getLead } from "@/server/admin/crm.ts";
import { AppError } from "@/server/core/errors.ts";

export const dynamic = "force-dynamic";

const ACTIVITY_KEYS = {
  note: "admin.crm.activity.note",
  call: "admin.crm.activity.call",
  email: "admin.crm.activity.email",
  meeting: "admin.crm.activity.meeting",
  stage_change: "admin.crm.activity.stage_change",
} as const;

/** One lead: details, stage, activities and notes. */
export default async function LeadPage({ params }: { params: Promise<{ leadId: string }> }) {
  const { leadId } = await params;
  const access = await adminPageAccess("crm.read");
  return (
    <AdminShell access={access} section="crm" path={`/admin/crm/${encodeURIComponent(leadId)}`}>
      {async ({ scope, timeZone }) => {
        let data;
        try {
          data = await getLead(getServerContext().db, scope, leadId);
        } catch (error) {
          if (error instanceof AppError && error.code === "not_found")
            return (
              <p className="empty" data-testid="not-found">
                {t("admin.notFound")}
              </p>
            );
          throw error;
        }
        const { lead, activities } = data;
        return (
          <>
            <p>
              <a href="/admin/crm">‹ {t("admin.back")}</a>
            </p>
            <div className="page-title">
              <h1>{t("admin.crm.lead.title", { name: lead.name })}</h1>
              <span className="badge">{t(`admin.crm.stage.${lead.stage}`)}</span>
            </div>
            <div className="grid">
              <section className="card" aria-labelledby="lead-details">
                <h2 id="lead-details" className="visually-hidden">
                  {lead.name}
                </h2>
                <dl className="facts">
                  <dt>{t("admin.crm.kind")}</dt>
                  <dd>{t(`admin.crm.kind.${lead.kind}`)}</dd>
                  <dt>{t("admin.crm.email")}</dt>
                  <dd>{lead.email ?? "—"}</dd>
                  <dt>{t("admin.crm.phone")}</dt>
                  <dd>{lead.phone ?? "—"}</dd>
                  <dt>{t("admin.crm.updated")}</dt>
                  <dd>{formatInstant(lead.updatedAt, timeZone)}</dd>
                  {lead.customerId && (
                    <>
                      <dt>{t("admin.crm.lead.customer")}</dt>
                      <dd>
                        <a
                          href={`/admin/customers/${encodeURIComponent(lead.customerId)}`}
                          data-testid="lead-customer-link"
                        >
                          {t("admin.crm.lead.openCustomer")}
                        </a>
                      </dd>
                    </>
                  )}
                </dl>
                <StageForm leadId={lead.id} stage={lead.stage} />
              </section>
              <section className="card" aria-labelledby="activities">
                <h2 id="activities">{t("admin.crm.lead.activities")}</h2>
                <NoteForm leadId={lead.id} />
                {activities.length === 0 ? (
                  <p className="empty">{t("admin.crm.lead.noActivities")}</p>
                ) : (
                  <ol className="activities" data-testid="activities">
                    {activities.map((a) => (
                      <li key={a.id}>
                        <p className="muted">
                          {t(
                            ACTIVITY_KEYS[a.kind as keyof typeof ACTIVITY_KEYS] ?? "admin.crm.activity.note",
                          )}{" "}
                          · {formatInstant(a.createdAt, timeZone)} ·{" "}
                          <span title={a.author}>{shortHex(a.author)}</span>
                        </p>
                        <p className="wrap">{a.body}</p>
                      </li>
                    ))}
                  </ol>
                )}
              </section>
            </div>
          </>
        );
      }}
    </AdminShell>
  );
}
