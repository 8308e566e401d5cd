import { DataTable } from "@/components/admin/data-table.tsx";
import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { t } from "@/messages/en.ts";
import { customerFilter, listCustomers } from "@/server/admin/customers.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { getServerContext } from "@/server/core/context.ts";
import { localToday } from "@/server/prosumer/meter-readings.ts";

export const dynamic = "force-dynamic";

/** The link to another page of the same search (the filters kept, `after` set or cleared). */
function pageHref(raw: Record<string, string>, after: string | null): string {
  const params = new URLSearchParams();
  for (const key of ["q", "kind", "active"] as const) if (raw[key]) params.set(key, raw[key]);
  if (after) params.set("after", after);
  const query = params.toString();
  return query ? `/admin/customers?${query}` : "/admin/customers";
}

/** The retailer's customers: search (name, e-mail, POD, wallet), kind and active-contract filters, keyset pages. */
export default async function CustomersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string>>;
}) {
  const raw = await searchParams;
  const parsed = customerFilter.safeParse({
    q: raw.q || undefined,
    kind: raw.kind || undefined,
    active: raw.active || undefined,
    after: raw.after || undefined,
  });
  const filter = parsed.success ? parsed.data : customerFilter.parse({});
  const access = await adminPageAccess("customers.read");
  return (
    <AdminShell access={access} section="customers" path="/admin/customers">
      {async ({ scope, timeZone }) => {
        const page = await listCustomers(
          getServerContext().db,
          scope,
          filter,
          localToday(timeZone, new Date()),
        );
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.customers.title")}</h1>
            </div>
            <section className="card" aria-labelledby="customers">
              <h2 id="customers" className="visually-hidden">
                {t("admin.customers.caption")}
              </h2>
              <form method="get" className="form-row" role="search" data-testid="customer-search">
                <label>
                  {t("admin.customers.searchLabel")}
                  <input type="search" name="q" defaultValue={filter.q ?? ""} maxLength={100} />
                </label>
                <label>
                  {t("admin.customers.kindFilter")}
                  <select name="kind" defaultValue={filter.kind ?? ""}>
                    <option value="">{t("admin.customers.allKinds")}</option>
                    <option value="retail">{t("admin.crm.kind.retail")}</option>
                    <option value="b2b">{t("admin.crm.kind.b2b")}</option>
                  </select>
                </label>
                <label className="checkbox">
                  <input type="checkbox" name="active" value="1" defaultChecked={filter.active} />
                  {t("admin.customers.activeOnly")}
                </label>
                <button type="submit">{t("admin.customers.filter")}</button>
              </form>
              <DataTable
                caption={t("admin.customers.caption")}
                testId="customer-table"
                rows={page.rows}
                rowKey={(c) => c.id}
                rowAttributes={() => ({ "data-testid": "customer-row" })}
                empty={t("admin.customers.empty")}
                columns={[
                  {
                    header: t("admin.customers.name"),
                    cell: (c) => <a href={`/admin/customers/${encodeURIComponent(c.id)}`}>{c.name}</a>,
                  },
                  { header: t("admin.customers.kind"), cell: (c) => t(`admin.crm.kind.${c.kind}`) },
                  { header: t("admin.customers.email"), cell: (c) => c.email ?? "—" },
                  {
                    header: t("admin.customers.pods"),
                    className: "mono",
                    cell: (c) => (c.pods.length === 0 ? "—" : c.pods.join(", ")),
                  },
                  {
                    header: t("admin.customers.active"),
                    cell: (c) => (c.activeContract ? t("admin.customers.yes") : t("admin.customers.no")),
                  },
                ]}
              />
              <nav className="form-row" aria-label={t("admin.customers.caption")}>
                {filter.after && <a href={pageHref(raw, null)}>{t("admin.customers.first")}</a>}
                {page.nextAfter && (
                  <a href={pageHref(raw, page.nextAfter)} data-testid="customers-next" rel="next">
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
