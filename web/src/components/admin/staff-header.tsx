import { shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import type { Session } from "@/server/core/session.ts";
import { SignOutButton } from "./admin-client.tsx";

/** The header of the admin and partner pages: brand and area, and the session with sign-out once signed in. */
export function StaffHeader({ area, session }: { area: string; session?: Session }) {
  if (!session)
    return (
      <header className="app-header">
        <div className="brand">{t("app.title")}</div>
        <div className="tagline muted">{area}</div>
      </header>
    );
  return (
    <header className="app-header">
      <div className="brand">
        {t("app.title")} <span className="brand-sub">{area}</span>
      </div>
      <div className="account">
        <span className="address" title={session.address} data-testid="session-address">
          {t("header.signedInAs", { address: shortHex(session.address) })}
        </span>
        <span className={`badge badge-${session.role}`}>{t(`header.role.${session.role}`)}</span>
        <SignOutButton />
      </div>
    </header>
  );
}
