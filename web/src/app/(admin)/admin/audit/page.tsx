import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { DataTable } from "@/components/admin/data-table.tsx";
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
              <DataTable
                caption={t("admin.audit.caption")}
                testId="audit-table"
                rows={entries}
                rowKey={(e) => e.id}
                rowAttributes={() => ({ "data-testid": "audit-row" })}
                empty={t("admin.audit.empty")}
                columns={[
                  { header: t("admin.audit.at"), cell: (e) => formatInstant(e.at, timeZone) },
                  {
                    header: t("admin.audit.actor"),
                    title: (e) => e.actor,
                    cell: (e) => (
                      <>
                        {shortHex(e.actor)} ({t(`header.role.${e.role as "retailer_admin"}`)})
                      </>
                    ),
                  },
                  { header: t("admin.audit.action"), className: "mono", cell: (e) => e.action },
                  {
                    header: t("admin.audit.target"),
                    className: "mono",
                    cell: (e) => (
                      <>
                        {e.targetType}:{e.targetId}
                      </>
                    ),
                  },
                  {
                    header: t("admin.audit.detail"),
                    className: "mono wrap",
                    cell: (e) => JSON.stringify(e.detail),
                  },
                ]}
              />
            </section>
          </>
        );
      }}
    </AdminShell>
  );
}
