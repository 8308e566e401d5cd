import { StaffHeader } from "@/components/admin/staff-header.tsx";
import { PartnerSignIn } from "@/components/partner/partner-client.tsx";
import { PartnerPortal } from "@/components/partner/partner-portal.tsx";
import { getServerConfig } from "@/env.ts";
import { t } from "@/messages/en.ts";
import { canonicalOrigin } from "@/server/core/canonical-origin.ts";
import { partnerPageAccess } from "@/server/partner/page.ts";

export const dynamic = "force-dynamic";

/** The partner portal. It takes no id: the perks shown are those listed by the session's wallet. */
export default async function PartnerPage() {
  const access = await partnerPageAccess("partner.read");
  const config = getServerConfig();
  if (access.kind === "sign-in") {
    return (
      <>
        <StaffHeader area={t("partner.title")} />
        <PartnerSignIn canonicalOrigin={await canonicalOrigin()} />
      </>
    );
  }
  const { session } = access;
  return (
    <>
      <StaffHeader area={t("partner.title")} session={session} />
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
