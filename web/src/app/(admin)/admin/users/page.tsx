import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { DataTable } from "@/components/admin/data-table.tsx";
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
              <DataTable
                caption={t("admin.users.caption")}
                testId="users-table"
                rows={users}
                rowKey={(u) => u.address}
                rowAttributes={(u) => ({
                  "data-testid": "user-row",
                  "data-address": u.address.toLowerCase(),
                  "data-disabled": u.disabledAt ? "true" : "false",
                })}
                empty={t("admin.users.empty")}
                columns={[
                  {
                    header: t("admin.users.address"),
                    className: "mono",
                    title: (u) => u.address,
                    cell: (u) => shortHex(u.address),
                  },
                  {
                    header: t("admin.users.name"),
                    cell: (u) => (
                      <>
                        {u.name} {u.address.toLowerCase() === me && t("admin.users.you")}
                      </>
                    ),
                  },
                  { header: t("admin.users.role"), cell: (u) => t(`header.role.${u.role}`) },
                  {
                    header: t("admin.users.grantedBy"),
                    title: (u) => u.grantedBy ?? undefined,
                    cell: (u) => (
                      <>
                        {u.grantedBy ? shortHex(u.grantedBy) : t("admin.users.seeded")}
                        <br />
                        <span className="hint">{formatInstant(u.createdAt, timeZone)}</span>
                      </>
                    ),
                  },
                  {
                    header: t("admin.users.status"),
                    cell: (u) => (
                      <>
                        <span data-testid="user-status">
                          {u.disabledAt
                            ? t("admin.users.disabledSince", {
                                time: formatInstant(u.disabledAt, timeZone),
                              })
                            : t("admin.users.enabled")}
                        </span>
                        <br />
                        {u.address.toLowerCase() !== me && (
                          <UserStatusButton
                            address={u.address}
                            name={u.name}
                            disabled={Boolean(u.disabledAt)}
                          />
                        )}
                      </>
                    ),
                  },
                  {
                    header: t("admin.users.onChain"),
                    cell: (u) => {
                      const held = onChain.held.get(u.address);
                      return u.role !== "partner" ? (
                        t("admin.users.onChain.notPartner")
                      ) : held === true ? (
                        <span className="ok-text" data-testid="partner-role-held">
                          {t("admin.users.onChain.held")}
                        </span>
                      ) : held === false && onChain.role ? (
                        <>
                          <span data-testid="partner-role-missing">{t("admin.users.onChain.missing")}</span>
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
                      );
                    },
                  },
                ]}
              />
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
