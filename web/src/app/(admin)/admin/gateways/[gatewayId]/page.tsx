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
            return (
              <p className="empty" data-testid="not-found">
                {t("admin.notFound")}
              </p>
            );
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
                {detail.reasons.length === 0 ? (
                  <p className="empty">{t("admin.gateway.reasonsEmpty")}</p>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t("admin.gateway.reason")}</th>
                        <th scope="col" className="num">
                          {t("admin.gateway.count")}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {detail.reasons.map((r) => (
                        <tr key={r.reason}>
                          <td className="mono">{r.reason}</td>
                          <td className="num">{formatInteger(r.count)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
              <section className="card wide" aria-labelledby="rejected">
                <h2 id="rejected">{t("admin.gateway.rejected")}</h2>
                {detail.rejected.length === 0 ? (
                  <p className="empty">{t("admin.gateway.rejectedEmpty")}</p>
                ) : (
                  <div className="table-scroll">
                    <table className="rewards">
                      <thead>
                        <tr>
                          <th scope="col">{t("admin.gateway.receivedAt")}</th>
                          <th scope="col">{t("admin.gateway.reason")}</th>
                          <th scope="col">{t("admin.gateway.message")}</th>
                          <th scope="col">{t("admin.gateway.meter")}</th>
                          <th scope="col">{t("admin.gateway.detail")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {detail.rejected.map((r) => (
                          <tr key={r.id} data-testid="rejected-row">
                            <td data-label={t("admin.gateway.receivedAt")}>
                              {formatInstant(r.receivedAt, timeZone)}
                            </td>
                            <td className="mono" data-label={t("admin.gateway.reason")}>
                              {r.reason}
                            </td>
                            <td className="mono" data-label={t("admin.gateway.message")}>
                              {r.messageId ?? "—"}
                            </td>
                            <td className="mono" data-label={t("admin.gateway.meter")}>
                              {r.meterId ?? "—"}
                            </td>
                            <td className="wrap" data-label={t("admin.gateway.detail")}>
                              {r.detail}
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
