import { EmptyState } from "@/components/admin/empty-state.tsx";
import { DataTable } from "@/components/admin/data-table.tsx";
import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { formatInstant, formatInteger, formatTokenAmount, shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { listPartnersOverview } from "@/server/admin/partners.ts";
import { getServerContext } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

/** Partners overview (admins and agents): each partner's perks, redemptions and used coupons. */
export default async function PartnersPage() {
  const access = await adminPageAccess("partners.read");
  return (
    <AdminShell access={access} section="partners" path="/admin/partners">
      {async ({ scope, timeZone }) => {
        const { db, config } = getServerContext();
        const partners = await listPartnersOverview(db, scope, {
          chainId: config.chainId,
          perksAddress: config.perksAddress,
        });
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.partners.title")}</h1>
              <p className="hint">
                {config.perksAddress ? t("admin.partners.hint") : t("admin.partners.noContract")}
              </p>
            </div>
            {partners.length === 0 && (
              <section className="card">
                <EmptyState message={t("admin.partners.empty")} />
              </section>
            )}
            {partners.map((p) => (
              <section
                key={p.address}
                className="card"
                aria-labelledby={`partner-${p.address}`}
                data-testid="admin-partner"
                data-address={p.address.toLowerCase()}
              >
                <h2 id={`partner-${p.address}`}>
                  {p.name}{" "}
                  <span className="mono hint" title={p.address}>
                    {shortHex(p.address)}
                  </span>
                  {p.disabled && <span className="warn"> ({t("admin.partners.disabledPartner")})</span>}
                </h2>
                <h3>{t("admin.partners.perks")}</h3>
                <DataTable
                  caption={t("admin.partners.perks")}
                  rows={p.view.perks}
                  rowKey={(perk) => perk.perkId}
                  rowAttributes={() => ({ "data-testid": "admin-partner-perk" })}
                  empty={t("admin.partners.perksEmpty")}
                  columns={[
                    { header: t("admin.partners.perk"), cell: (perk) => perk.name },
                    {
                      header: t("admin.partners.price"),
                      align: "number",
                      cell: (perk) => `${formatTokenAmount(perk.price)} ${t("balance.unit")}`,
                    },
                    {
                      header: t("admin.partners.supply"),
                      align: "number",
                      cell: (perk) => `${formatInteger(perk.redeemed)} / ${formatInteger(perk.supply)}`,
                    },
                    {
                      header: t("admin.partners.validUntil"),
                      cell: (perk) => formatInstant(perk.validUntil, timeZone),
                    },
                  ]}
                />
                <h3>{t("admin.partners.redemptions")}</h3>
                <DataTable
                  caption={t("admin.partners.redemptions")}
                  rows={p.view.redemptions}
                  rowKey={(r) => `${r.txHash}-${r.perkId}-${r.account}`}
                  rowAttributes={() => ({ "data-testid": "admin-partner-redemption" })}
                  empty={t("admin.partners.redemptionsEmpty")}
                  columns={[
                    { header: t("admin.partners.when"), cell: (r) => formatInstant(r.blockTime, timeZone) },
                    { header: t("admin.partners.perk"), cell: (r) => r.name },
                    {
                      header: t("admin.partners.account"),
                      className: "mono",
                      title: (r) => r.account,
                      cell: (r) => shortHex(r.account),
                    },
                    {
                      header: t("admin.partners.price"),
                      align: "number",
                      cell: (r) => `${formatTokenAmount(r.price)} ${t("balance.unit")}`,
                    },
                  ]}
                />
                <h3>{t("admin.partners.consumptions")}</h3>
                <DataTable
                  caption={t("admin.partners.consumptions")}
                  rows={p.view.consumptions}
                  rowKey={(c) => `${c.txHash}-${c.perkId}-${c.holder}`}
                  rowAttributes={() => ({ "data-testid": "admin-partner-consumption" })}
                  empty={t("admin.partners.consumptionsEmpty")}
                  columns={[
                    { header: t("admin.partners.when"), cell: (c) => formatInstant(c.blockTime, timeZone) },
                    { header: t("admin.partners.perk"), cell: (c) => c.name },
                    {
                      header: t("admin.partners.account"),
                      className: "mono",
                      title: (c) => c.holder,
                      cell: (c) => shortHex(c.holder),
                    },
                    {
                      header: t("admin.partners.ref"),
                      className: "mono",
                      cell: (c) => shortHex(c.ref, 10, 4),
                    },
                  ]}
                />
              </section>
            ))}
          </>
        );
      }}
    </AdminShell>
  );
}
