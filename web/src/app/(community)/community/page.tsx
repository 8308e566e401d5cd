import { DataTable } from "@/components/admin/data-table.tsx";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff, isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { managerCommunities } from "@/server/community/manager.ts";
import { CommunityShell } from "./community-shell.tsx";

export const dynamic = "force-dynamic";

/** The property manager's communities. */
export default async function CommunitiesPage() {
  const session = await getSession();
  const access = !session ? "sign-in" : isAllowed(session.role, "community.read") ? "ok" : "forbidden";
  return (
    <CommunityShell access={access} title="Self-consumption communities">
      {async () => {
        const scope = authorizeStaff(session, "community.read");
        const communities = await managerCommunities(getServerContext().db, scope);
        return (
          <section className="card">
            <DataTable
              caption="Communities"
              testId="community-table"
              rows={communities}
              rowKey={(c) => c.id}
              empty="No community yet (npm run c4e -- billing-seed seeds the demo one)."
              columns={[
                {
                  header: "Community",
                  cell: (c) => <a href={`/community/${encodeURIComponent(c.id)}`}>{c.name}</a>,
                },
                { header: "Address", cell: (c) => c.address },
                { header: "Billing cycle", cell: (c) => c.billingCycle.replace("_", "-") },
                {
                  header: "Standard product / kWh",
                  align: "number",
                  cell: (c) => `${c.standardPricePerKwh} ${c.currency}`,
                },
              ]}
            />
          </section>
        );
      }}
    </CommunityShell>
  );
}
