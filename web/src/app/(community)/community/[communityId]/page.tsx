import { DataTable } from "@/components/admin/data-table.tsx";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff, isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { managerCommunity } from "@/server/community/manager.ts";
import { CommunityShell } from "../community-shell.tsx";
import { RunForms } from "../run-forms.tsx";

export const dynamic = "force-dynamic";

const kwh = (wh: string | bigint) => (Number(BigInt(wh) / 10n) / 100).toFixed(2);

/** One community: meters and their health, units and tenants, monthly rates, billing runs. */
export default async function CommunityPage({ params }: { params: Promise<{ communityId: string }> }) {
  const session = await getSession();
  const access = !session ? "sign-in" : isAllowed(session.role, "community.read") ? "ok" : "forbidden";
  const { communityId } = await params;
  return (
    <CommunityShell access={access} title="Community">
      {async () => {
        const scope = authorizeStaff(session, "community.read");
        const { community, meters, units, tenancies, runs, months } = await managerCommunity(
          getServerContext().db,
          scope,
          communityId,
          new Date(),
        );
        const unitName = new Map(units.map((u) => [u.id, u.name]));
        const today = new Date().toISOString().slice(0, 7);
        return (
          <>
            <section className="card" data-testid="community-header">
              <h2>{community.name}</h2>
              <p>
                {community.address} · {community.currency} · {community.timeZone} · billed{" "}
                {community.billingCycle.replace("_", "-")} · standard product {community.standardPricePerKwh}
                /kWh · cap rule {community.capRule.rule}
              </p>
              {isAllowed(scope.role, "community.write") ? (
                <RunForms communityId={community.id} start={`${today}-01`} />
              ) : null}
            </section>
            <section className="card">
              <h2>Meters</h2>
              <DataTable
                caption="Meters"
                testId="community-meters"
                rows={meters}
                rowKey={(m) => m.meterId}
                empty="No meters assigned."
                columns={[
                  { header: "Meter", className: "mono", cell: (m) => m.meterId },
                  { header: "Role", cell: (m) => m.role.replace("_", " ") },
                  {
                    header: "Unit",
                    cell: (m) => (m.unitId ? (unitName.get(m.unitId) ?? m.unitId) : "shared"),
                  },
                  { header: "Source", cell: (m) => m.source },
                  { header: "Last quarter hour", cell: (m) => m.lastIntervalEnd ?? "none" },
                  {
                    header: "Quarter hours, 7 days",
                    align: "number",
                    cell: (m) => `${m.intervalsLast7Days} / 672`,
                  },
                  { header: "Rejects, 7 days", align: "number", cell: (m) => String(m.rejectsLast7Days) },
                ]}
              />
            </section>
            <section className="card">
              <h2>Units and tenants</h2>
              <DataTable
                caption="Tenancies"
                testId="community-tenancies"
                rows={[
                  ...units.map((u) => ({
                    key: u.id,
                    unit: u.name,
                    area: u.areaM2,
                    who: "",
                    from: "",
                    to: "",
                  })),
                  ...tenancies.map((t) => ({
                    key: t.id,
                    unit: unitName.get(t.unitId) ?? t.unitId,
                    area: "",
                    who: t.name,
                    from: t.moveIn,
                    to: t.moveOut ?? "",
                  })),
                ]}
                rowKey={(r) => r.key}
                empty="No units."
                columns={[
                  { header: "Unit", cell: (r) => r.unit },
                  { header: "Area m²", align: "number", cell: (r) => r.area },
                  { header: "Resident", cell: (r) => r.who || (r.area ? "—" : "") },
                  { header: "Moved in", cell: (r) => r.from },
                  { header: "Moves out (excl.)", cell: (r) => r.to },
                ]}
              />
            </section>
            <section className="card">
              <h2>Self-sufficiency and self-consumption per month</h2>
              <DataTable
                caption="Months"
                testId="community-months"
                rows={months}
                rowKey={(m) => m.month}
                empty="No billing run yet."
                columns={[
                  { header: "Month", cell: (m) => m.month },
                  { header: "Production kWh", align: "number", cell: (m) => kwh(m.productionWh) },
                  { header: "Consumption kWh", align: "number", cell: (m) => kwh(m.consumptionWh) },
                  { header: "Self-sufficiency %", align: "number", cell: (m) => m.selfSufficiencyPercent },
                  { header: "Self-consumption %", align: "number", cell: (m) => m.selfConsumptionPercent },
                  {
                    header: "Complete quarter hours",
                    align: "number",
                    cell: (m) => `${m.completeIntervals} / ${m.expectedIntervals}`,
                  },
                ]}
              />
            </section>
            <section className="card">
              <h2>Billing runs</h2>
              <DataTable
                caption="Runs"
                testId="community-runs"
                rows={runs}
                rowKey={(r) => r.id}
                empty="No billing run yet."
                columns={[
                  { header: "Period", cell: (r) => `${r.period.start} – ${r.period.end}` },
                  { header: "Status", cell: (r) => r.status },
                  { header: "Data", cell: (r) => (r.complete ? "complete" : "quarter hours missing") },
                  {
                    header: "Downloads",
                    cell: (r) => (
                      <>
                        <a href={`/api/community/runs/${r.id}/xlsx`}>xlsx</a> ·{" "}
                        <a href={`/api/community/runs/${r.id}/csv`}>csv</a>
                      </>
                    ),
                  },
                ]}
              />
            </section>
          </>
        );
      }}
    </CommunityShell>
  );
}
