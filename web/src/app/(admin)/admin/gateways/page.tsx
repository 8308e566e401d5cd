import { DataTable } from "@/components/admin/data-table.tsx";
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
              <DataTable
                caption={t("admin.gateways.caption")}
                testId="gateway-table"
                rows={gateways}
                rowKey={(g) => g.id}
                rowAttributes={() => ({ "data-testid": "gateway-row" })}
                empty={t("admin.gateways.empty")}
                columns={[
                  {
                    header: t("admin.gateways.id"),
                    cell: (g) => (
                      <a
                        href={`/admin/gateways/${encodeURIComponent(g.id)}`}
                        aria-label={t("admin.gateways.details", { id: g.id })}
                      >
                        {g.id}
                      </a>
                    ),
                  },
                  {
                    header: t("admin.gateways.status"),
                    cell: (g) => (g.active ? t("admin.gateways.active") : t("admin.gateways.inactive")),
                  },
                  {
                    header: t("admin.gateways.key"),
                    className: "mono",
                    cell: (g) => `${g.keyAlgorithm} ${g.keyPrefix}…`,
                  },
                  {
                    header: t("admin.gateways.meters"),
                    align: "number",
                    cell: (g) => formatInteger(g.meters),
                  },
                  {
                    header: t("admin.gateways.lastMessage"),
                    cell: (g) =>
                      g.lastMessageAt ? formatInstant(g.lastMessageAt, timeZone) : t("admin.gateways.never"),
                  },
                  {
                    header: t("admin.gateways.messages24h"),
                    align: "number",
                    cell: (g) => formatInteger(g.messages24h),
                  },
                  {
                    header: t("admin.gateways.accepted24h"),
                    align: "number",
                    cell: (g) => formatInteger(g.accepted24h),
                  },
                  {
                    header: t("admin.gateways.rejected24h"),
                    align: "number",
                    className: (g) => (g.rejected24h > 0 ? "warn" : undefined),
                    cell: (g) => formatInteger(g.rejected24h),
                  },
                ]}
              />
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
