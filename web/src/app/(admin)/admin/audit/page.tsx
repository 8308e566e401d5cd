import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { formatInstant, shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { listAudit } from "@/server/admin/audit.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { getServerContext } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

/** The retailer's audit trail: who did what to which record, when (retailer admins only). */
export default async function AuditPage() {
  const access = await adminPageAccess("audit.read");
  return (
    <AdminShell access={access} section="audit" path="/admin/audit">
      {async ({ scope, timeZone }) => {
        const entries = await listAudit(getServerContext().db, scope);
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.audit.title")}</h1>
            </div>
            <section className="card" aria-labelledby="audit">
              <h2 id="audit" className="visually-hidden">
                {t("admin.audit.caption")}
              </h2>
              {entries.length === 0 ? (
                <p className="empty">{t("admin.audit.empty")}</p>
              ) : (
                <div className="table-scroll">
                  <table className="rewards" data-testid="audit-table">
                    <caption className="visually-hidden">{t("admin.audit.caption")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("admin.audit.at")}</th>
                        <th scope="col">{t("admin.audit.actor")}</th>
                        <th scope="col">{t("admin.audit.action")}</th>
                        <th scope="col">{t("admin.audit.target")}</th>
                        <th scope="col">{t("admin.audit.detail")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {entries.map((e) => (
                        <tr key={e.id} data-testid="audit-row">
                          <td data-label={t("admin.audit.at")}>{formatInstant(e.at, timeZone)}</td>
                          <td data-label={t("admin.audit.actor")} title={e.actor}>
                            {shortHex(e.actor)} ({t(`header.role.${e.role as "retailer_admin"}`)})
                          </td>
                          <td className="mono" data-label={t("admin.audit.action")}>
                            {e.action}
                          </td>
                          <td className="mono" data-label={t("admin.audit.target")}>
                            {e.targetType}:{e.targetId}
                          </td>
                          <td className="mono wrap" data-label={t("admin.audit.detail")}>
                            {JSON.stringify(e.detail)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </>
        );
      }}
    </AdminShell>
  );
}
