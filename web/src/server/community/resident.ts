// A resident's view of their own unit (prosumer session → their tenancies by customer id): days of a
// month with consumption and its solar share, limited to the days of their own tenancy, and their
// community bills. Any other unit id is `not_found`, whatever is typed into the URL.
import { BillingDecimal } from "@c4e/domain";
import { loadCommunity } from "@c4e/property/community/communities";
import { loadCommunityPeriod } from "@c4e/property/community/load-period";
import type pg from "pg";
import type { CustomerScope } from "@/server/core/authz.ts";
import { AppError } from "@/server/core/errors.ts";
import { communityCall } from "./errors.ts";

type TenancyOfResident = {
  tenancy_id: string;
  unit_id: string;
  unit_name: string;
  community_id: string;
  community_name: string;
  move_in: string;
  move_out: string | null;
};

async function tenanciesOf(db: pg.Pool, scope: CustomerScope): Promise<TenancyOfResident[]> {
  const r = await db.query<TenancyOfResident>(
    `SELECT t.id AS tenancy_id, t.unit_id, u.name AS unit_name, c.id AS community_id, c.name AS community_name,
       t.move_in::text AS move_in, t.move_out::text AS move_out
     FROM community_tenancy t JOIN community_unit u ON u.id = t.unit_id JOIN community c ON c.id = t.community_id
     WHERE t.customer_id = $1 AND c.retailer_id = $2 ORDER BY t.move_in`,
    [scope.customerId, scope.retailerId],
  );
  return r.rows;
}

/** The resident's units (one row per tenancy). */
export async function residentUnits(db: pg.Pool, scope: CustomerScope) {
  return (await tenanciesOf(db, scope)).map((t) => ({
    unitId: t.unit_id,
    unitName: t.unit_name,
    communityName: t.community_name,
    moveIn: t.move_in,
    moveOut: t.move_out,
  }));
}

/**
 * One month of the resident's unit: per day solar and grid Wh (the unit's own meters and its share
 * of the common ones), only for days of the resident's tenancy; days of other occupants are left out.
 */
export async function residentUnitMonth(db: pg.Pool, scope: CustomerScope, unitId: string, month: string) {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new AppError("bad_request", "month: YYYY-MM");
  const own = (await tenanciesOf(db, scope)).filter((t) => t.unit_id === unitId);
  if (own.length === 0) throw new AppError("not_found", `unit ${unitId} not found`);
  const retailer = scope.retailerId;
  return communityCall(async () => {
    const community = await loadCommunity(db, { retailerId: retailer }, own[0]!.community_id);
    if (!community) throw new AppError("not_found", `unit ${unitId} not found`);
    const [y, m] = month.split("-").map(Number) as [number, number];
    const end = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    const loaded = await loadCommunityPeriod(db, community, { start: `${month}-01`, end });
    const days = loaded.computed.unitDays.get(unitId) ?? [];
    const mine = (date: string) =>
      own.some((t) => t.move_in <= date && (t.move_out === null || date < t.move_out));
    const rows = loaded.computed.grid.days
      .map((date, d) => ({ date, day: days[d]! }))
      .filter((r) => mine(r.date))
      .map(({ date, day }) => {
        const gridWh = [...day.gridWhByBand.values()].reduce((a, b) => a + b, 0n);
        return { date, solarWh: day.solarWh.toString(), gridWh: gridWh.toString() };
      });
    const solar = rows.reduce((s, r) => s + BigInt(r.solarWh), 0n);
    const total = rows.reduce((s, r) => s + BigInt(r.solarWh) + BigInt(r.gridWh), 0n);
    return {
      unitId,
      unitName: own[0]!.unit_name,
      month,
      days: rows,
      solarWh: solar.toString(),
      consumptionWh: total.toString(),
      solarSharePercent:
        total === 0n
          ? null
          : new BillingDecimal(solar.toString()).times(100).div(total.toString()).toFixed(1),
      // a day with a missing quarter hour anywhere in the building counts only its complete ones
      complete: loaded.computed.complete,
      // quarter hours missing on any meter of the building are in neither figure (never counted as 0)
      completeQuarterHours: loaded.computed.completeIntervals,
      expectedQuarterHours: loaded.computed.expectedIntervals,
    };
  });
}

/** The resident's issued community bills (their tenancies' contracts). */
export async function residentBills(db: pg.Pool, scope: CustomerScope) {
  const r = await db.query<{
    id: string;
    number: string;
    period_start: string;
    period_end: string;
    total_minor: string;
    currency: string;
    digits: number;
  }>(
    `SELECT i.id, i.number, i.period_start::text, i.period_end::text, i.total_minor::text, i.currency, i.minor_unit_digits AS digits
     FROM invoice i JOIN community_tenancy t ON t.contract_id = i.contract_id JOIN community c ON c.id = t.community_id
     WHERE t.customer_id = $1 AND c.retailer_id = $2 AND i.status IN ('issued', 'voided') ORDER BY i.period_start DESC`,
    [scope.customerId, scope.retailerId],
  );
  return r.rows;
}

/**
 * A year of the resident's unit by month (solar and grid Wh of the days of their tenancy), from the
 * same computation as the month view; months without a day of the tenancy are left out.
 */
export async function residentUnitYear(db: pg.Pool, scope: CustomerScope, unitId: string, year: string) {
  if (!/^\d{4}$/.test(year)) throw new AppError("bad_request", "year: YYYY");
  const months = [];
  for (let m = 1; m <= 12; m++) {
    const v = await residentUnitMonth(db, scope, unitId, `${year}-${String(m).padStart(2, "0")}`);
    if (v.days.length === 0) continue;
    months.push({
      month: v.month,
      solarWh: v.solarWh,
      consumptionWh: v.consumptionWh,
      solarSharePercent: v.solarSharePercent,
      completeQuarterHours: v.completeQuarterHours,
      expectedQuarterHours: v.expectedQuarterHours,
    });
  }
  return { unitId, year, months };
}
