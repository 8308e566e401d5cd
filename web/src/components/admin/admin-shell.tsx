import { headers } from "next/headers";
import type { ReactNode } from "react";
import { getServerConfig } from "../../env.ts";
import { shortHex } from "../../lib/format.ts";
import { t } from "../../messages/en.ts";
import type { AdminPageAccess } from "../../server/admin-page.ts";
import { AdminSignIn, SignOutButton } from "./admin-client.tsx";

type Section = "gateways" | "rewards" | "crm" | "billing" | "audit";
const SECTIONS: { key: Section; href: string; adminOnly?: boolean }[] = [
  { key: "gateways", href: "/admin/gateways" },
  { key: "rewards", href: "/admin/rewards" },
  { key: "crm", href: "/admin/crm" },
  { key: "billing", href: "/admin/billing" },
  { key: "audit", href: "/admin/audit", adminOnly: true },
];

async function canonicalOrigin(): Promise<string | null> {
  const { webOrigin } = getServerConfig();
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host");
  return host && host !== new URL(webOrigin).host ? webOrigin : null;
}

/**
 * Frame of every admin page: the sign-in when there is no session, a refusal for a role the page's
 * action does not allow, otherwise the header, the section navigation and the page.
 */
export async function AdminShell({
  access,
  section,
  path,
  children,
}: {
  access: AdminPageAccess;
  section: Section;
  path: string;
  children: (scope: Extract<AdminPageAccess, { kind: "ok" }>) => ReactNode | Promise<ReactNode>;
}) {
  if (access.kind === "sign-in") {
    return (
      <>
        <header className="app-header">
          <div className="brand">{t("app.title")}</div>
          <div className="tagline muted">{t("admin.title")}</div>
        </header>
        <AdminSignIn canonicalOrigin={await canonicalOrigin()} path={path} />
      </>
    );
  }
  const { session } = access;
  return (
    <>
      <header className="app-header">
        <div className="brand">
          {t("app.title")} <span className="brand-sub">{t("admin.title")}</span>
        </div>
        <div className="account">
          <span className="address" title={session.address} data-testid="session-address">
            {t("header.signedInAs", { address: shortHex(session.address) })}
          </span>
          <span className={`badge badge-${session.role}`}>{t(`header.role.${session.role}`)}</span>
          <SignOutButton />
        </div>
      </header>
      {access.kind === "forbidden" ? (
        <main id="main" className="dashboard">
          <section className="card guest" data-testid="admin-forbidden">
            <h1>{t("admin.forbidden.title")}</h1>
            <p>{t("admin.forbidden.body", { role: t(`header.role.${session.role}`) })}</p>
          </section>
        </main>
      ) : (
        <div className="admin">
          <nav className="admin-nav" aria-label={t("admin.nav.label")}>
            <ul>
              {SECTIONS.filter((s) => !s.adminOnly || session.role === "retailer_admin").map((s) => (
                <li key={s.key}>
                  <a
                    href={s.href}
                    aria-current={s.key === section ? "page" : undefined}
                    data-testid={`nav-${s.key}`}
                  >
                    {t(`admin.nav.${s.key}`)}
                  </a>
                </li>
              ))}
            </ul>
            <p className="hint">{t("admin.nav.later")}</p>
          </nav>
          <main id="main" className="admin-main">
            {await children(access)}
          </main>
        </div>
      )}
    </>
  );
}
