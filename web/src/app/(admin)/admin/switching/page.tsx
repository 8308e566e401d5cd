import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { DataTable } from "@/components/admin/data-table.tsx";
import { ActivateDueForm } from "@/components/admin/switch-forms.tsx";
import { formatInstant, formatInteger, formatLocalDate } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { listSwitchRequests, switchFilter, switchStatusCounts } from "@/server/switch/back-office.ts";
import { SWITCH_STATUSES } from "@c4e/domain";

export const dynamic = "force-dynamic";

const QUEUE_STATUSES = SWITCH_STATUSES.filter((s) => s !== "draft");

/** The supplier-switch queue: counts per status, filterable list, "activate due". */
export default async function SwitchingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string>>;
}) {
  const raw = await searchParams;
  const parsed = switchFilter.safeParse({ status: raw.status || undefined, q: raw.q || undefined });
  const filter = parsed.success ? parsed.data : {};
  const access = await adminPageAccess("switch.read");
  return (
    <AdminShell access={access} section="switching" path="/admin/switching">
      {async ({ scope, session, timeZone }) => {
        const { db } = getServerContext();
        const [requests, counts] = await Promise.all([
          listSwitchRequests(db, scope, filter),
          switchStatusCounts(db, scope),
        ]);
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.switching.title")}</h1>
            </div>
            <section className="card" aria-labelledby="switch-pipeline">
              <h2 id="switch-pipeline" className="visually-hidden">
                {t("admin.switching.status")}
              </h2>
              <ol className="pipeline" data-testid="switch-pipeline">
                {QUEUE_STATUSES.map((s) => (
                  <li key={s}>
                    <a
                      href={`/admin/switching?status=${s}`}
                      aria-current={filter.status === s ? "true" : undefined}
                    >
                      <span className="pipeline-count">{formatInteger(counts[s])}</span>
                      <span>{t(`switch.status.${s}`)}</span>
                    </a>
                  </li>
                ))}
              </ol>
              {isAllowed(session.role, "switch.write") && (
                <>
                  <p className="hint">{t("admin.switching.activateDue.hint")}</p>
                  <ActivateDueForm />
                </>
              )}
            </section>
            <section className="card" aria-labelledby="switch-list">
              <h2 id="switch-list">{t("admin.switching.caption")}</h2>
              <form method="get" className="form-row" role="search">
                <label>
                  {t("admin.switching.search")}
                  <input type="search" name="q" defaultValue={filter.q ?? ""} maxLength={100} />
                </label>
                <label>
                  {t("admin.switching.statusFilter")}
                  <select name="status" defaultValue={filter.status ?? ""}>
                    <option value="">{t("admin.switching.allStatuses")}</option>
                    {QUEUE_STATUSES.map((s) => (
                      <option key={s} value={s}>
                        {t(`switch.status.${s}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit">{t("admin.switching.filter")}</button>
              </form>
              <DataTable
                caption={t("admin.switching.caption")}
                testId="switch-table"
                rows={requests}
                rowKey={(r) => r.id}
                rowAttributes={(r) => ({ "data-testid": "switch-row", "data-status": r.status })}
                empty={t("admin.switching.empty")}
                columns={[
                  {
                    header: t("admin.switching.reference"),
                    cell: (r) => <a href={`/admin/switching/${r.id}`}>{r.reference}</a>,
                  },
                  { header: t("admin.switching.name"), cell: (r) => r.fullName },
                  { header: t("admin.switching.pod"), className: "mono", cell: (r) => r.podIdentifier },
                  {
                    header: t("admin.switching.product"),
                    cell: (r) => `${r.productCode} v${r.productVersion}`,
                  },
                  {
                    header: t("admin.switching.status"),
                    cell: (r) => <span className="badge">{t(`switch.status.${r.status}`)}</span>,
                  },
                  {
                    header: t("admin.switching.signedAt"),
                    cell: (r) => (r.signedAt ? formatInstant(r.signedAt, timeZone) : "—"),
                  },
                  { header: t("admin.switching.desiredStart"), cell: (r) => formatLocalDate(r.desiredStart) },
                ]}
              />
            </section>
          </>
        );
      }}
    </AdminShell>
  );
}
