import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { GrantOnChainButton, GrantRoleForm, UserStatusButton } from "@/components/admin/users-client.tsx";
import { formatInstant, shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { partnerRolesOnChain } from "@/server/admin/partners.ts";
import { listWebUsers } from "@/server/admin/users.ts";
import { getServerContext } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

/**
 * Staff and partner roles of the retailer (retailer admins): who has which role, granted by whom,
 * disabled or not; grant a role, disable / re-enable, and for partners the role on the perks contract.
 */
export default async function UsersPage() {
  const access = await adminPageAccess("users.read");
  return (
    <AdminShell access={access} section="users" path="/admin/users">
      {async ({ scope, session, timeZone }) => {
        const { db, chain, config } = getServerContext();
        const users = await listWebUsers(db, scope);
        const partners = users.filter((u) => u.role === "partner").map((u) => u.address);
        const onChain = await partnerRolesOnChain(chain, config.perksAddress, partners);
        const me = session.address.toLowerCase();
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.users.title")}</h1>
            </div>
            <section className="card" aria-labelledby="users-list">
              <h2 id="users-list" className="visually-hidden">
                {t("admin.users.caption")}
              </h2>
              {users.length === 0 ? (
                <p className="empty">{t("admin.users.empty")}</p>
              ) : (
                <div className="table-scroll">
                  <table className="rewards" data-testid="users-table">
                    <caption className="visually-hidden">{t("admin.users.caption")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("admin.users.address")}</th>
                        <th scope="col">{t("admin.users.name")}</th>
                        <th scope="col">{t("admin.users.role")}</th>
                        <th scope="col">{t("admin.users.grantedBy")}</th>
                        <th scope="col">{t("admin.users.status")}</th>
                        <th scope="col">{t("admin.users.onChain")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {users.map((u) => {
                        const held = onChain.held.get(u.address);
                        const self = u.address.toLowerCase() === me;
                        return (
                          <tr
                            key={u.address}
                            data-testid="user-row"
                            data-address={u.address.toLowerCase()}
                            data-disabled={u.disabledAt ? "true" : "false"}
                          >
                            <td className="mono" data-label={t("admin.users.address")} title={u.address}>
                              {shortHex(u.address)}
                            </td>
                            <td data-label={t("admin.users.name")}>
                              {u.name} {self && t("admin.users.you")}
                            </td>
                            <td data-label={t("admin.users.role")}>{t(`header.role.${u.role}`)}</td>
                            <td data-label={t("admin.users.grantedBy")} title={u.grantedBy ?? undefined}>
                              {u.grantedBy ? shortHex(u.grantedBy) : t("admin.users.seeded")}
                              <br />
                              <span className="hint">{formatInstant(u.createdAt, timeZone)}</span>
                            </td>
                            <td data-label={t("admin.users.status")}>
                              <span data-testid="user-status">
                                {u.disabledAt
                                  ? t("admin.users.disabledSince", {
                                      time: formatInstant(u.disabledAt, timeZone),
                                    })
                                  : t("admin.users.enabled")}
                              </span>
                              <br />
                              {!self && (
                                <UserStatusButton
                                  address={u.address}
                                  name={u.name}
                                  disabled={Boolean(u.disabledAt)}
                                />
                              )}
                            </td>
                            <td data-label={t("admin.users.onChain")}>
                              {u.role !== "partner" ? (
                                t("admin.users.onChain.notPartner")
                              ) : held === true ? (
                                <span className="ok-text" data-testid="partner-role-held">
                                  {t("admin.users.onChain.held")}
                                </span>
                              ) : held === false && onChain.role ? (
                                <>
                                  <span data-testid="partner-role-missing">
                                    {t("admin.users.onChain.missing")}
                                  </span>
                                  <br />
                                  <GrantOnChainButton
                                    account={session.address}
                                    partner={u.address}
                                    name={u.name}
                                    role={onChain.role}
                                  />
                                </>
                              ) : (
                                <span className="warn">{t("admin.users.onChain.unknown")}</span>
                              )}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
            <section className="card narrow-card" aria-labelledby="users-grant">
              <h2 id="users-grant">{t("admin.users.grant.title")}</h2>
              <p className="hint">{t("admin.users.grant.hint")}</p>
              <GrantRoleForm />
            </section>
          </>
        );
      }}
    </AdminShell>
  );
}
