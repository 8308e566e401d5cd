import { DataTable } from "@/components/admin/data-table.tsx";
import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer, isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { residentBills, residentUnitMonth, residentUnits } from "@/server/community/resident.ts";
import { CommunityShell } from "../community-shell.tsx";

export const dynamic = "force-dynamic";

const kwh = (wh: string) => (Number(BigInt(wh) / 10n) / 100).toFixed(2);
const money = (minor: string, digits: number) =>
  digits === 0 ? minor : `${minor.slice(0, -digits) || "0"}.${minor.slice(-digits).padStart(digits, "0")}`;

/** The resident's own unit: this month by day with its solar share, and their community bills. */
export default async function ResidentPage({ searchParams }: { searchParams: Promise<{ month?: string }> }) {
  const session = await getSession();
  const access = !session ? "sign-in" : isAllowed(session.role, "resident.read") ? "ok" : "forbidden";
  const { month: asked } = await searchParams;
  const month = asked && /^\d{4}-\d{2}$/.test(asked) ? asked : new Date().toISOString().slice(0, 7);
  return (
    <CommunityShell access={access} title="My unit">
      {async () => {
        const scope = authorizeCustomer(session, "resident.read");
        const db = getServerContext().db;
        const units = await residentUnits(db, scope);
        const bills = await residentBills(db, scope);
        const views = await Promise.all(units.map((u) => residentUnitMonth(db, scope, u.unitId, month)));
        return (
          <>
            {views.map((v) => (
              <section className="card" key={v.unitId} data-testid="resident-unit">
                <h2>
                  {v.unitName} — {month}
                </h2>
                <p>
                  {kwh(v.consumptionWh)} kWh consumed, {kwh(v.solarWh)} kWh from the building's solar
                  {v.solarSharePercent === null ? "" : ` (${v.solarSharePercent} %)`}
                  {v.complete
                    ? ""
                    : ` — ${v.expectedQuarterHours - v.completeQuarterHours} of ${v.expectedQuarterHours} quarter hours are still missing in the building and not counted`}
                </p>
                <DataTable
                  caption="Days"
                  rows={v.days}
                  rowKey={(d) => d.date}
                  empty="No days of your tenancy in this month."
                  columns={[
                    { header: "Day", cell: (d) => d.date },
                    { header: "Solar kWh", align: "number", cell: (d) => kwh(d.solarWh) },
                    { header: "Grid kWh", align: "number", cell: (d) => kwh(d.gridWh) },
                  ]}
                />
              </section>
            ))}
            <section className="card">
              <h2>My bills</h2>
              <DataTable
                caption="Bills"
                testId="resident-bills"
                rows={bills}
                rowKey={(b) => b.id}
                empty="No bill yet."
                columns={[
                  {
                    header: "Number",
                    cell: (b) => <a href={`/api/prosumer/invoices/${b.id}/pdf`}>{b.number}</a>,
                  },
                  { header: "Period", cell: (b) => `${b.period_start} – ${b.period_end}` },
                  {
                    header: "Total",
                    align: "number",
                    cell: (b) => `${money(b.total_minor, b.digits)} ${b.currency}`,
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
