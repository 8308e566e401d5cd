import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { DataTable } from "@/components/admin/data-table.tsx";
import { CreateLeadForm } from "@/components/admin/crm-forms.tsx";
import { formatInstant, formatInteger } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { getServerContext } from "@/server/core/context.ts";
import { customerFilter, listCustomers } from "@/server/admin/customers.ts";
import { CRM_STAGES, leadFilter, listLeads, pipelineCounts } from "@/server/admin/crm.ts";
import { localToday } from "@/server/prosumer/meter-readings.ts";

export const dynamic = "force-dynamic";

/** CRM: pipeline counts, searchable list of leads and customers, new lead form. */
export default async function CrmPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const raw = await searchParams;
  const parsed = leadFilter.safeParse({ q: raw.q || undefined, stage: raw.stage || undefined });
  const filter = parsed.success ? parsed.data : {};
  const access = await adminPageAccess("crm.read");
  return (
    <AdminShell access={access} section="crm" path="/admin/crm">
      {async ({ scope, timeZone }) => {
        const { db } = getServerContext();
        // Leads and customers in one search: customers no lead is linked to are listed below the
        // leads (a lead linked to a customer links to the customer page itself).
        const [leads, pipeline, customers] = await Promise.all([
          listLeads(db, scope, filter),
          pipelineCounts(db, scope),
          filter.q && !filter.stage
            ? listCustomers(
                db,
                scope,
                customerFilter.parse({ q: filter.q, noLead: "1" }),
                localToday(timeZone, new Date()),
                20,
              )
            : null,
        ]);
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.crm.title")}</h1>
            </div>
            <section className="card" aria-labelledby="pipeline">
              <h2 id="pipeline">{t("admin.crm.pipeline")}</h2>
              <ol className="pipeline" data-testid="pipeline">
                {CRM_STAGES.map((s) => (
                  <li key={s}>
                    <a href={`/admin/crm?stage=${s}`} aria-current={filter.stage === s ? "true" : undefined}>
                      <span className="pipeline-count">{formatInteger(pipeline[s])}</span>
                      <span>{t(`admin.crm.stage.${s}`)}</span>
                    </a>
                  </li>
                ))}
              </ol>
            </section>
            <div className="grid admin-grid">
              <section className="card wide-2" aria-labelledby="leads">
                <h2 id="leads">{t("admin.crm.caption")}</h2>
                <form method="get" className="form-row" role="search">
                  <label>
                    {t("admin.crm.searchLabel")}
                    <input type="search" name="q" defaultValue={filter.q ?? ""} maxLength={100} />
                  </label>
                  <label>
                    {t("admin.crm.stageFilter")}
                    <select name="stage" defaultValue={filter.stage ?? ""}>
                      <option value="">{t("admin.crm.allStages")}</option>
                      {CRM_STAGES.map((s) => (
                        <option key={s} value={s}>
                          {t(`admin.crm.stage.${s}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button type="submit">{t("admin.crm.filter")}</button>
                </form>
                <DataTable
                  caption={t("admin.crm.caption")}
                  testId="lead-table"
                  rows={leads}
                  rowKey={(l) => l.id}
                  rowAttributes={() => ({ "data-testid": "lead-row" })}
                  empty={t("admin.crm.empty")}
                  columns={[
                    { header: t("admin.crm.name"), cell: (l) => <a href={`/admin/crm/${l.id}`}>{l.name}</a> },
                    { header: t("admin.crm.kind"), cell: (l) => t(`admin.crm.kind.${l.kind}`) },
                    {
                      header: t("admin.crm.stage"),
                      cell: (l) => <span className="badge">{t(`admin.crm.stage.${l.stage}`)}</span>,
                    },
                    { header: t("admin.crm.email"), cell: (l) => l.email ?? "—" },
                    { header: t("admin.crm.updated"), cell: (l) => formatInstant(l.updatedAt, timeZone) },
                  ]}
                />
                {customers && customers.rows.length > 0 && (
                  <>
                    <h3 id="crm-customers">{t("admin.crm.customers")}</h3>
                    <p className="hint">{t("admin.crm.customersHint")}</p>
                    <ul className="plain-list" data-testid="crm-customers" aria-labelledby="crm-customers">
                      {customers.rows.map((c) => (
                        <li key={c.id}>
                          <a href={`/admin/customers/${encodeURIComponent(c.id)}`}>{c.name}</a> ·{" "}
                          {t(`admin.crm.kind.${c.kind}`)}
                          {c.email ? ` · ${c.email}` : ""}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </section>
              <section className="card" aria-labelledby="new-lead">
                <h2 id="new-lead">{t("admin.crm.create.title")}</h2>
                <CreateLeadForm />
              </section>
            </div>
          </>
        );
      }}
    </AdminShell>
  );
}
