import { DataTable } from "@/components/admin/data-table.tsx";
import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { formatInteger, formatLocalDate } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { listPods, POD_STATES, podFilter } from "@/server/admin/pods.ts";
import { getServerContext } from "@/server/core/context.ts";
import { localToday } from "@/server/prosumer/meter-readings.ts";

export const dynamic = "force-dynamic";

function pageHref(raw: Record<string, string>, after: string | null): string {
  const params = new URLSearchParams();
  for (const key of ["q", "state"] as const) if (raw[key]) params.set(key, raw[key]);
  if (after) params.set("after", after);
  const query = params.toString();
  return query ? `/admin/pods?${query}` : "/admin/pods";
}

/** The retailer's points of delivery: search, state filter (supplied, signed out, without contract), keyset pages. */
export default async function PodsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const raw = await searchParams;
  const parsed = podFilter.safeParse({
    q: raw.q || undefined,
    state: raw.state || undefined,
    after: raw.after || undefined,
  });
  const filter = parsed.success ? parsed.data : {};
  const access = await adminPageAccess("customers.read");
  return (
    <AdminShell access={access} section="pods" path="/admin/pods">
      {async ({ scope, timeZone }) => {
        const page = await listPods(getServerContext().db, scope, filter, localToday(timeZone, new Date()));
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.pods.title")}</h1>
            </div>
            <section className="card" aria-labelledby="pods">
              <h2 id="pods" className="visually-hidden">
                {t("admin.pods.caption")}
              </h2>
              <form method="get" className="form-row" role="search" data-testid="pod-search">
                <label>
                  {t("admin.pods.searchLabel")}
                  <input type="search" name="q" defaultValue={filter.q ?? ""} maxLength={100} />
                </label>
                <label>
                  {t("admin.pods.stateFilter")}
                  <select name="state" defaultValue={filter.state ?? ""}>
                    <option value="">{t("admin.pods.allStates")}</option>
                    {POD_STATES.map((s) => (
                      <option key={s} value={s}>
                        {t(`admin.pods.state.${s}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit">{t("admin.pods.filter")}</button>
              </form>
              <DataTable
                caption={t("admin.pods.caption")}
                testId="pod-table"
                rows={page.rows}
                rowKey={(p) => p.id}
                rowAttributes={() => ({ "data-testid": "pod-row" })}
                empty={t("admin.pods.empty")}
                columns={[
                  {
                    header: t("admin.pods.identifier"),
                    className: "mono",
                    cell: (p) => <a href={`/admin/pods/${encodeURIComponent(p.id)}`}>{p.identifier}</a>,
                  },
                  { header: t("admin.pods.address"), cell: (p) => p.address },
                  {
                    header: t("admin.pods.customer"),
                    cell: (p) =>
                      p.customerId ? (
                        <a href={`/admin/customers/${encodeURIComponent(p.customerId)}`}>{p.customerName}</a>
                      ) : (
                        "—"
                      ),
                  },
                  {
                    header: t("admin.pods.state"),
                    cell: (p) => <span className="badge">{t(`admin.pods.state.${p.state}`)}</span>,
                  },
                  {
                    header: t("admin.pods.supply"),
                    cell: (p) =>
                      p.signOutDate
                        ? t("admin.pods.supplyRange", {
                            from: formatLocalDate(p.signInDate),
                            to: formatLocalDate(p.signOutDate),
                          })
                        : t("admin.pods.supplyOpen", { from: formatLocalDate(p.signInDate) }),
                  },
                  {
                    header: t("admin.pods.pending"),
                    align: "number",
                    cell: (p) => formatInteger(p.pendingReports),
                  },
                ]}
              />
              <nav className="form-row" aria-label={t("admin.pods.caption")}>
                {filter.after && <a href={pageHref(raw, null)}>{t("admin.customers.first")}</a>}
                {page.nextAfter && (
                  <a href={pageHref(raw, page.nextAfter)} rel="next">
                    {t("admin.customers.next")}
                  </a>
                )}
              </nav>
            </section>
          </>
        );
      }}
    </AdminShell>
  );
}
