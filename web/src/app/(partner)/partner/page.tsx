import { headers } from "next/headers";
import { SignOutButton } from "../../../components/admin/admin-client.tsx";
import { PartnerSignIn } from "../../../components/partner/partner-client.tsx";
import { PartnerPortal } from "../../../components/partner/partner-portal.tsx";
import { getServerConfig } from "../../../env.ts";
import { shortHex } from "../../../lib/format.ts";
import { t } from "../../../messages/en.ts";
import { partnerPageAccess } from "../../../server/partner-page.ts";

export const dynamic = "force-dynamic";

/** The partner portal. It takes no id: the perks shown are those listed by the session's wallet. */
export default async function PartnerPage() {
  const access = await partnerPageAccess("partner.read");
  const config = getServerConfig();
  if (access.kind === "sign-in") {
    const h = await headers();
    const host = h.get("x-forwarded-host") ?? h.get("host");
    const canonicalOrigin = host && host !== new URL(config.webOrigin).host ? config.webOrigin : null;
    return (
      <>
        <header className="app-header">
          <div className="brand">{t("app.title")}</div>
          <div className="tagline muted">{t("partner.title")}</div>
        </header>
        <PartnerSignIn canonicalOrigin={canonicalOrigin} />
      </>
    );
  }
  const { session } = access;
  return (
    <>
      <header className="app-header">
        <div className="brand">
          {t("app.title")} <span className="brand-sub">{t("partner.title")}</span>
        </div>
        <div className="account">
          <span className="address" title={session.address} data-testid="session-address">
            {t("header.signedInAs", { address: shortHex(session.address) })}
          </span>
          <span className={`badge badge-${session.role}`}>{t(`header.role.${session.role}`)}</span>
          <SignOutButton />
        </div>
      </header>
      <main id="main" className="dashboard">
        {access.kind === "forbidden" ? (
          <section className="card guest" data-testid="partner-forbidden">
            <h1>{t("partner.forbidden.title")}</h1>
            <p>{t("partner.forbidden.body", { role: t(`header.role.${session.role}`) })}</p>
          </section>
        ) : (
          <>
            <div className="page-title">
              <h1>{t("partner.title")}</h1>
              <p className="hint">{t("partner.hint")}</p>
            </div>
            <PartnerPortal account={session.address} enabled={config.perksAddress !== null} />
          </>
        )}
      </main>
    </>
  );
}
