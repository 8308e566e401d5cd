import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { TimeZoneForm } from "@/components/admin/time-zone-form.tsx";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { supportedTimeZones } from "@/server/admin/retailer-settings.ts";

export const dynamic = "force-dynamic";

/** Retailer settings (retailer admins): the time zone of the admin pages. */
export default async function SettingsPage() {
  const access = await adminPageAccess("settings.write");
  return (
    <AdminShell access={access} section="settings" path="/admin/settings">
      {({ timeZone }) => (
        <>
          <div className="page-title">
            <h1>{t("admin.settings.title")}</h1>
          </div>
          <section className="card narrow-card" aria-labelledby="settings-tz">
            <h2 id="settings-tz">{t("admin.settings.timeZone.title")}</h2>
            <p className="hint">{t("admin.settings.timeZone.hint")}</p>
            <TimeZoneForm current={timeZone} zones={supportedTimeZones()} />
          </section>
        </>
      )}
    </AdminShell>
  );
}
