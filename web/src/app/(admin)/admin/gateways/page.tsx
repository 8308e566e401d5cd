import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { RegisterGatewayForm } from "@/components/admin/register-gateway-form.tsx";
import { formatInstant, formatInteger } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { getIngestHealth, listGateways } from "@/server/admin/gateways.ts";
import { isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

/** Gateways of the retailer: register one, see each one's last message and 24-hour ingest counts. */
export default async function GatewaysPage() {
  const access = await adminPageAccess("admin.read");
  return (
    <AdminShell access={access} section="gateways" path="/admin/gateways">
      {async ({ scope, session, timeZone }) => {
        const { db } = getServerContext();
        const [gateways, ingest] = await Promise.all([listGateways(db, scope), getIngestHealth(db)]);
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.gateways.title")}</h1>
              <p className={ingest.ok ? "ok-text" : "error"} role="status" data-testid="ingest-health">
                {ingest.lastSeenAt === null
                  ? t("admin.gateways.ingest.unknown")
                  : ingest.lagging
                    ? t("admin.gateways.ingest.lagging", {
                        queued: ingest.queued,
                        seconds: ingest.oldestQueuedSeconds ?? 0,
                      })
                    : t(ingest.ok ? "admin.gateways.ingest.ok" : "admin.gateways.ingest.down", {
                        time: formatInstant(ingest.lastSeenAt, timeZone),
                      })}
                {ingest.lastSeenAt !== null && !ingest.lagging && ingest.queued > 0
                  ? ` ${t("admin.gateways.ingest.queue", { queued: ingest.queued, seconds: ingest.oldestQueuedSeconds ?? 0 })}`
                  : ""}
              </p>
            </div>
            <section className="card" aria-labelledby="gw-list">
              <h2 id="gw-list" className="visually-hidden">
                {t("admin.gateways.caption")}
              </h2>
              {gateways.length === 0 ? (
                <p className="empty">{t("admin.gateways.empty")}</p>
              ) : (
                <div className="table-scroll">
                  <table className="rewards" data-testid="gateway-table">
                    <caption className="visually-hidden">{t("admin.gateways.caption")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("admin.gateways.id")}</th>
                        <th scope="col">{t("admin.gateways.status")}</th>
                        <th scope="col">{t("admin.gateways.key")}</th>
                        <th scope="col" className="num">
                          {t("admin.gateways.meters")}
                        </th>
                        <th scope="col">{t("admin.gateways.lastMessage")}</th>
                        <th scope="col" className="num">
                          {t("admin.gateways.messages24h")}
                        </th>
                        <th scope="col" className="num">
                          {t("admin.gateways.accepted24h")}
                        </th>
                        <th scope="col" className="num">
                          {t("admin.gateways.rejected24h")}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {gateways.map((g) => (
                        <tr key={g.id} data-testid="gateway-row">
                          <td data-label={t("admin.gateways.id")}>
                            <a
                              href={`/admin/gateways/${encodeURIComponent(g.id)}`}
                              aria-label={t("admin.gateways.details", { id: g.id })}
                            >
                              {g.id}
                            </a>
                          </td>
                          <td data-label={t("admin.gateways.status")}>
                            {g.active ? t("admin.gateways.active") : t("admin.gateways.inactive")}
                          </td>
                          <td className="mono" data-label={t("admin.gateways.key")}>
                            {g.keyAlgorithm} {g.keyPrefix}…
                          </td>
                          <td className="num" data-label={t("admin.gateways.meters")}>
                            {formatInteger(g.meters)}
                          </td>
                          <td data-label={t("admin.gateways.lastMessage")}>
                            {g.lastMessageAt
                              ? formatInstant(g.lastMessageAt, timeZone)
                              : t("admin.gateways.never")}
                          </td>
                          <td className="num" data-label={t("admin.gateways.messages24h")}>
                            {formatInteger(g.messages24h)}
                          </td>
                          <td className="num" data-label={t("admin.gateways.accepted24h")}>
                            {formatInteger(g.accepted24h)}
                          </td>
                          <td
                            className={`num${g.rejected24h > 0 ? " warn" : ""}`}
                            data-label={t("admin.gateways.rejected24h")}
                          >
                            {formatInteger(g.rejected24h)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
            {isAllowed(session.role, "gateway.write") && (
              <section className="card narrow-card" aria-labelledby="gw-register">
                <h2 id="gw-register">{t("admin.gateways.register.title")}</h2>
                <p className="hint">{t("admin.gateways.register.hint")}</p>
                <RegisterGatewayForm />
              </section>
            )}
          </>
        );
      }}
    </AdminShell>
  );
}
