import { AdminShell } from "@/components/admin/admin-shell.tsx";
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
              {requests.length === 0 ? (
                <p className="empty">{t("admin.switching.empty")}</p>
              ) : (
                <div className="table-scroll">
                  <table className="rewards" data-testid="switch-table">
                    <caption className="visually-hidden">{t("admin.switching.caption")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("admin.switching.reference")}</th>
                        <th scope="col">{t("admin.switching.name")}</th>
                        <th scope="col">{t("admin.switching.pod")}</th>
                        <th scope="col">{t("admin.switching.product")}</th>
                        <th scope="col">{t("admin.switching.status")}</th>
                        <th scope="col">{t("admin.switching.signedAt")}</th>
                        <th scope="col">{t("admin.switching.desiredStart")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {requests.map((r) => (
                        <tr key={r.id} data-testid="switch-row" data-status={r.status}>
                          <td data-label={t("admin.switching.reference")}>
                            <a href={`/admin/switching/${r.id}`}>{r.reference}</a>
                          </td>
                          <td data-label={t("admin.switching.name")}>{r.fullName}</td>
                          <td data-label={t("admin.switching.pod")} className="mono">
                            {r.podIdentifier}
                          </td>
                          <td data-label={t("admin.switching.product")}>
                            {r.productCode} v{r.productVersion}
                          </td>
                          <td data-label={t("admin.switching.status")}>
                            <span className="badge">{t(`switch.status.${r.status}`)}</span>
                          </td>
                          <td data-label={t("admin.switching.signedAt")}>
                            {r.signedAt ? formatInstant(r.signedAt, timeZone) : "—"}
                          </td>
                          <td data-label={t("admin.switching.desiredStart")}>
                            {formatLocalDate(r.desiredStart)}
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
