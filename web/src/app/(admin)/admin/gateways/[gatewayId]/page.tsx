import { EmptyState } from "@/components/admin/empty-state.tsx";
import { DataTable } from "@/components/admin/data-table.tsx";
import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { formatInstant, formatInteger } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { getGatewayDetail } from "@/server/admin/gateways.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError } from "@/server/core/errors.ts";

export const dynamic = "force-dynamic";

/** One gateway: rejections per reason and the latest rejected input with reasons. */
export default async function GatewayPage({ params }: { params: Promise<{ gatewayId: string }> }) {
  const { gatewayId } = await params;
  const access = await adminPageAccess("admin.read");
  return (
    <AdminShell access={access} section="gateways" path={`/admin/gateways/${encodeURIComponent(gatewayId)}`}>
      {async ({ scope, timeZone }) => {
        let detail;
        try {
          detail = await getGatewayDetail(getServerContext().db, scope, gatewayId);
        } catch (error) {
          if (error instanceof AppError && error.code === "not_found")
            return <EmptyState message={t("admin.notFound")} testId="not-found" />;
          throw error;
        }
        const g = detail.gateway;
        return (
          <>
            <p>
              <a href="/admin/gateways">‹ {t("admin.back")}</a>
            </p>
            <div className="page-title">
              <h1>{t("admin.gateway.title", { id: g.id })}</h1>
              <p className="muted">
                {t("admin.gateways.lastMessage")}:{" "}
                {g.lastMessageAt ? formatInstant(g.lastMessageAt, timeZone) : t("admin.gateways.never")} ·{" "}
                {t("admin.gateways.messages24h")}: {formatInteger(g.messages24h)} ·{" "}
                {t("admin.gateways.rejected24h")}: {formatInteger(g.rejected24h)}
              </p>
            </div>
            <div className="grid">
              <section className="card" aria-labelledby="reasons">
                <h2 id="reasons">{t("admin.gateway.reasons")}</h2>
                <DataTable
                  caption={t("admin.gateway.reasons")}
                  layout="plain"
                  rows={detail.reasons}
                  rowKey={(r) => r.reason}
                  empty={t("admin.gateway.reasonsEmpty")}
                  columns={[
                    { header: t("admin.gateway.reason"), className: "mono", cell: (r) => r.reason },
                    {
                      header: t("admin.gateway.count"),
                      align: "number",
                      cell: (r) => formatInteger(r.count),
                    },
                  ]}
                />
              </section>
              <section className="card wide" aria-labelledby="rejected">
                <h2 id="rejected">{t("admin.gateway.rejected")}</h2>
                <DataTable
                  caption={t("admin.gateway.rejected")}
                  rows={detail.rejected}
                  rowKey={(r) => r.id}
                  rowAttributes={() => ({ "data-testid": "rejected-row" })}
                  empty={t("admin.gateway.rejectedEmpty")}
                  columns={[
                    {
                      header: t("admin.gateway.receivedAt"),
                      cell: (r) => formatInstant(r.receivedAt, timeZone),
                    },
                    { header: t("admin.gateway.reason"), className: "mono", cell: (r) => r.reason },
                    {
                      header: t("admin.gateway.message"),
                      className: "mono",
                      cell: (r) => r.messageId ?? "—",
                    },
                    { header: t("admin.gateway.meter"), className: "mono", cell: (r) => r.meterId ?? "—" },
                    { header: t("admin.gateway.detail"), className: "wrap", cell: (r) => r.detail },
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
