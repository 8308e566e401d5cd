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
                <p className="empty">{t("admin.partners.empty")}</p>
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
                {p.view.perks.length === 0 ? (
                  <p className="empty">{t("admin.partners.perksEmpty")}</p>
                ) : (
                  <div className="table-scroll">
                    <table className="rewards">
                      <caption className="visually-hidden">{t("admin.partners.perks")}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("admin.partners.perk")}</th>
                          <th scope="col" className="num">
                            {t("admin.partners.price")}
                          </th>
                          <th scope="col" className="num">
                            {t("admin.partners.supply")}
                          </th>
                          <th scope="col">{t("admin.partners.validUntil")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {p.view.perks.map((perk) => (
                          <tr key={perk.perkId} data-testid="admin-partner-perk">
                            <td data-label={t("admin.partners.perk")}>{perk.name}</td>
                            <td className="num" data-label={t("admin.partners.price")}>
                              {formatTokenAmount(perk.price)} {t("balance.unit")}
                            </td>
                            <td className="num" data-label={t("admin.partners.supply")}>
                              {formatInteger(perk.redeemed)} / {formatInteger(perk.supply)}
                            </td>
                            <td data-label={t("admin.partners.validUntil")}>
                              {formatInstant(perk.validUntil, timeZone)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                <h3>{t("admin.partners.redemptions")}</h3>
                {p.view.redemptions.length === 0 ? (
                  <p className="empty">{t("admin.partners.redemptionsEmpty")}</p>
                ) : (
                  <div className="table-scroll">
                    <table className="rewards">
                      <caption className="visually-hidden">{t("admin.partners.redemptions")}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("admin.partners.when")}</th>
                          <th scope="col">{t("admin.partners.perk")}</th>
                          <th scope="col">{t("admin.partners.account")}</th>
                          <th scope="col" className="num">
                            {t("admin.partners.price")}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {p.view.redemptions.map((r) => (
                          <tr
                            key={`${r.txHash}-${r.perkId}-${r.account}`}
                            data-testid="admin-partner-redemption"
                          >
                            <td data-label={t("admin.partners.when")}>
                              {formatInstant(r.blockTime, timeZone)}
                            </td>
                            <td data-label={t("admin.partners.perk")}>{r.name}</td>
                            <td className="mono" data-label={t("admin.partners.account")} title={r.account}>
                              {shortHex(r.account)}
                            </td>
                            <td className="num" data-label={t("admin.partners.price")}>
                              {formatTokenAmount(r.price)} {t("balance.unit")}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                <h3>{t("admin.partners.consumptions")}</h3>
                {p.view.consumptions.length === 0 ? (
                  <p className="empty">{t("admin.partners.consumptionsEmpty")}</p>
                ) : (
                  <div className="table-scroll">
                    <table className="rewards">
                      <caption className="visually-hidden">{t("admin.partners.consumptions")}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("admin.partners.when")}</th>
                          <th scope="col">{t("admin.partners.perk")}</th>
                          <th scope="col">{t("admin.partners.account")}</th>
                          <th scope="col">{t("admin.partners.ref")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {p.view.consumptions.map((c) => (
                          <tr
                            key={`${c.txHash}-${c.perkId}-${c.holder}`}
                            data-testid="admin-partner-consumption"
                          >
                            <td data-label={t("admin.partners.when")}>
                              {formatInstant(c.blockTime, timeZone)}
                            </td>
                            <td data-label={t("admin.partners.perk")}>{c.name}</td>
                            <td className="mono" data-label={t("admin.partners.account")} title={c.holder}>
                              {shortHex(c.holder)}
                            </td>
                            <td className="mono" data-label={t("admin.partners.ref")}>
                              {shortHex(c.ref, 10, 4)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
            ))}
          </>
        );
      }}
    </AdminShell>
  );
}
