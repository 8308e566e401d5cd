import type { ReactNode } from "react";
import { formatTimeZoneName } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import type { AdminPageAccess } from "@/server/admin/page.ts";
import { canonicalOrigin } from "@/server/core/canonical-origin.ts";
import { AdminSignIn } from "./admin-client.tsx";
import { StaffHeader } from "./staff-header.tsx";

type Section =
  | "gateways"
  | "rewards"
  | "crm"
  | "customers"
  | "pods"
  | "products"
  | "billing"
  | "switching"
  | "partners"
  | "users"
  | "settings"
  | "audit";
const SECTIONS: { key: Section; href: string; adminOnly?: boolean }[] = [
  { key: "gateways", href: "/admin/gateways" },
  { key: "rewards", href: "/admin/rewards" },
  { key: "crm", href: "/admin/crm" },
  { key: "customers", href: "/admin/customers" },
  { key: "pods", href: "/admin/pods" },
  { key: "products", href: "/admin/products" },
  { key: "billing", href: "/admin/billing" },
  { key: "switching", href: "/admin/switching" },
  { key: "partners", href: "/admin/partners" },
  { key: "users", href: "/admin/users", adminOnly: true },
  { key: "settings", href: "/admin/settings", adminOnly: true },
  { key: "audit", href: "/admin/audit", adminOnly: true },
];

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
        <StaffHeader area={t("admin.title")} />
        <AdminSignIn canonicalOrigin={await canonicalOrigin()} path={path} />
      </>
    );
  }
  const { session } = access;
  return (
    <>
      <StaffHeader area={t("admin.title")} session={session} />
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
            <p className="hint" data-testid="admin-time-zone">
              {t("admin.timeZone", { zone: formatTimeZoneName(access.timeZone) })}
            </p>
          </nav>
          <main id="main" className="admin-main">
            {await children(access)}
          </main>
        </div>
      )}
    </>
  );
}
