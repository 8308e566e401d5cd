import { z } from "zod";
import { containsPattern, metersOfSites, type MeterRow, type ReportRow, selectReports } from "./customers.ts";
import type { StaffScope } from "@/server/core/authz.ts";
import { AppError } from "@/server/core/errors.ts";
import type { Queryable } from "@c4e/prisma";

/** Rows per page of the POD list. */
export const POD_PAGE_SIZE = 50;

/** Days of energy on the POD page (today and the 13 before, in the POD's time zone). */
export const POD_ENERGY_DAYS = 14;

export const POD_STATES = ["supplied", "signed_out", "no_contract"] as const;
export type PodState = (typeof POD_STATES)[number];

export const podFilter = z.object({
  q: z.string().trim().max(100).optional(),
  state: z.enum(POD_STATES).optional(),
  /** keyset cursor: the identifier of the last POD of the previous page */
  after: z.string().trim().min(1).max(200).optional(),
});
export type PodFilter = z.infer<typeof podFilter>;

/**
 * The retailer's PODs as SQL: a POD is the retailer's when its contract's customer is, or when its
 * trader belongs to the retailer (a POD between contracts, or supplied for a customer of a partner
 * trader). `$1` is the retailer id; `p` the pod.
 */
export const POD_IN_SCOPE = `(
  EXISTS (SELECT 1 FROM contract sc JOIN customer scu ON scu.id = sc.customer_id
          WHERE sc.id = p.contract_id AND scu.retailer_id = $1)
  OR p.trader_id IN (SELECT st.id FROM trader st WHERE st.retailer_id = $1))`;

export type PodListRow = {
  id: string;
  identifier: string;
  address: string;
  metering: "slp" | "amr";
  signInDate: string;
  signOutDate: string | null;
  customerId: string | null;
  customerName: string | null;
  state: PodState;
  /** reported readings waiting for review */
  pendingReports: number;
};

const stateOf = (hasContract: boolean, signOut: string | null, today: string): PodState =>
  !hasContract ? "no_contract" : signOut !== null && signOut <= today ? "signed_out" : "supplied";

/**
 * One page of the retailer's PODs ordered by identifier (keyset on the unique identifier). Search: the
 * identifier, name or address of the POD or the customer's name (contains). States: supplied (a
 * contract, not signed out by `today`), signed out (sign-out date reached), without contract.
 */
export async function listPods(
  db: Queryable,
  scope: StaffScope,
  filter: PodFilter,
  today: string,
  pageSize: number = POD_PAGE_SIZE,
): Promise<{ rows: PodListRow[]; nextAfter: string | null }> {
  const q = filter.q || null;
  const { rows } = await db.query<{
    id: string;
    identifier: string;
    address: string;
    metering: "slp" | "amr";
    sign_in_date: string;
    sign_out_date: string | null;
    has_contract: boolean;
    customer_id: string | null;
    customer_name: string | null;
    pending: number;
  }>(
    `SELECT p.id, p.identifier, p.address, p.metering::text AS metering, p.sign_in_date::text,
            p.sign_out_date::text, p.contract_id IS NOT NULL AS has_contract,
            cu.id AS customer_id, cu.name AS customer_name,
            (SELECT count(*)::int FROM meter_reading_report r WHERE r.pod_id = p.id AND r.status = 'pending') AS pending
     FROM pod p
     LEFT JOIN contract c ON c.id = p.contract_id
     LEFT JOIN customer cu ON cu.id = c.customer_id
     WHERE ${POD_IN_SCOPE}
       AND ($2::text IS NULL OR p.identifier ILIKE $3 OR p.name ILIKE $3 OR p.address ILIKE $3
            OR cu.name ILIKE $3)
       AND ($4::text IS NULL
            OR ($4 = 'no_contract' AND p.contract_id IS NULL)
            OR ($4 = 'signed_out' AND p.contract_id IS NOT NULL AND p.sign_out_date <= $5::date)
            OR ($4 = 'supplied' AND p.contract_id IS NOT NULL
                AND (p.sign_out_date IS NULL OR p.sign_out_date > $5::date)))
       AND ($6::text IS NULL OR p.identifier > $6)
     ORDER BY p.identifier
     LIMIT $7`,
    [
      scope.retailerId,
      q,
      q ? containsPattern(q) : null,
      filter.state ?? null,
      today,
      filter.after ?? null,
      pageSize + 1,
    ],
  );
  const page = rows.slice(0, pageSize).map((r) => ({
    id: r.id,
    identifier: r.identifier,
    address: r.address,
    metering: r.metering,
    signInDate: r.sign_in_date,
    signOutDate: r.sign_out_date,
    customerId: r.customer_id,
    customerName: r.customer_name,
    state: stateOf(r.has_contract, r.sign_out_date, today),
    pendingReports: r.pending,
  }));
  return { rows: page, nextAfter: rows.length > pageSize ? (page.at(-1)?.identifier ?? null) : null };
}

export type PodDayEnergy = {
  /** local date YYYY-MM-DD */
  date: string;
  /** grid meter import / export and PV production from the verified readings (Wh, integer strings) */
  importWh: string;
  exportWh: string;
  productionWh: string;
  /** grid import from the interval data (what billing uses for AMR PODs) */
  intervalImportWh: string;
  intervals: number;
};

export type PodDetail = {
  pod: PodListRow & {
    name: string;
    timeZone: string;
    annualReferenceKwh: string;
    contractNumber: string | null;
    distributorName: string;
    traderName: string;
  };
  meters: MeterRow[];
  energy: PodDayEnergy[];
  settlementReadings: { date: string; kwh: string; source: string; createdAt: string }[];
  reports: ReportRow[];
};

/** One of the retailer's PODs with meters, 14 days of energy and its readings; others are `not_found`. */
export async function getPod(
  db: Queryable,
  scope: StaffScope,
  podId: string,
  today: string,
  now: Date = new Date(),
): Promise<PodDetail> {
  if (podId.length === 0 || podId.length > 200) throw new AppError("not_found", "no such POD");
  const found = await db.query<{
    id: string;
    identifier: string;
    name: string;
    address: string;
    metering: "slp" | "amr";
    sign_in_date: string;
    sign_out_date: string | null;
    time_zone: string;
    annual_reference_kwh: string;
    site_id: string | null;
    contract_number: string | null;
    customer_id: string | null;
    customer_name: string | null;
    distributor_name: string;
    trader_name: string;
  }>(
    `SELECT p.id, p.identifier, p.name, p.address, p.metering::text AS metering, p.sign_in_date::text,
            p.sign_out_date::text, p.time_zone, p.annual_reference_kwh::text, p.site_id,
            c.number AS contract_number, cu.id AS customer_id, cu.name AS customer_name,
            d.name AS distributor_name, t.name AS trader_name
     FROM pod p
     LEFT JOIN contract c ON c.id = p.contract_id
     LEFT JOIN customer cu ON cu.id = c.customer_id
     JOIN distributor d ON d.id = p.distributor_id
     JOIN trader t ON t.id = p.trader_id
     WHERE p.id = $2 AND ${POD_IN_SCOPE}`,
    [scope.retailerId, podId],
  );
  const p = found.rows[0];
  if (!p) throw new AppError("not_found", "no such POD");

  const [meters, energy, settlement, reports] = await Promise.all([
    p.site_id ? metersOfSites(db, [p.site_id]) : Promise.resolve([]),
    p.site_id ? dailyEnergy(db, p.site_id, p.time_zone, now) : Promise.resolve([]),
    db.query<{ read_on: string; kwh: string; source: string; created_at: Date }>(
      `SELECT read_on::text, kwh::text, source, created_at FROM settlement_reading
       WHERE pod_id = $1 ORDER BY read_on DESC LIMIT 100`,
      [p.id],
    ),
    selectReports(db, "r.pod_id = $1", [p.id]),
  ]);
  return {
    pod: {
      id: p.id,
      identifier: p.identifier,
      name: p.name,
      address: p.address,
      metering: p.metering,
      signInDate: p.sign_in_date,
      signOutDate: p.sign_out_date,
      timeZone: p.time_zone,
      annualReferenceKwh: p.annual_reference_kwh,
      contractNumber: p.contract_number,
      customerId: p.customer_id,
      customerName: p.customer_name,
      distributorName: p.distributor_name,
      traderName: p.trader_name,
      state: stateOf(p.contract_number !== null, p.sign_out_date, today),
      pendingReports: reports.filter((r) => r.status === "pending").length,
    },
    meters: meters.map(({ siteId: _, ...m }) => m),
    energy,
    settlementReadings: settlement.rows.map((r) => ({
      date: r.read_on,
      kwh: r.kwh,
      source: r.source,
      createdAt: r.created_at.toISOString(),
    })),
    reports,
  };
}

/**
 * Daily energy of a site's meters for the last POD_ENERGY_DAYS local days (today included). A reading
 * at instant t carries the energy of (previous reading, t], so it counts for the day containing
 * t − 1 ms; interval rows count for the day their interval starts in. Bounded by the reading primary
 * key (meter_id, at, …) and the interval key (meter_id, register, start_at).
 */
async function dailyEnergy(
  db: Queryable,
  siteId: string,
  timeZone: string,
  now: Date,
): Promise<PodDayEnergy[]> {
  const { rows } = await db.query<{
    day: string;
    import_wh: string;
    export_wh: string;
    production_wh: string;
    interval_import_wh: string;
    intervals: number;
  }>(
    `WITH bounds AS (
       SELECT (date_trunc('day', $2::timestamptz AT TIME ZONE $3) - ($4::int - 1) * interval '1 day')
                AT TIME ZONE $3 AS start_at
     ),
     days AS (
       SELECT to_char(d, 'YYYY-MM-DD') AS day
       FROM generate_series(date_trunc('day', $2::timestamptz AT TIME ZONE $3) - ($4::int - 1) * interval '1 day',
                            date_trunc('day', $2::timestamptz AT TIME ZONE $3), interval '1 day') AS d
     ),
     meter_days AS (
       SELECT to_char((r.at - interval '1 millisecond') AT TIME ZONE $3, 'YYYY-MM-DD') AS day,
              sum(r.delta_wh) FILTER (WHERE m.kind = 'grid' AND r.register = 'import') AS import_wh,
              sum(r.delta_wh) FILTER (WHERE m.kind = 'grid' AND r.register = 'export') AS export_wh,
              sum(r.delta_wh) FILTER (WHERE m.kind = 'pv' AND r.register = 'export') AS production_wh
       FROM meter m JOIN reading r ON r.meter_id = m.id, bounds b
       WHERE m.site_id = $1 AND r.at > b.start_at AND r.delta_wh IS NOT NULL
       GROUP BY 1
     ),
     interval_days AS (
       SELECT to_char(i.start_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day,
              sum(i.energy_wh) AS import_wh, count(*)::int AS n
       FROM meter m JOIN reading_interval i ON i.meter_id = m.id AND i.register = 'import', bounds b
       WHERE m.site_id = $1 AND m.kind = 'grid' AND i.start_at >= b.start_at
       GROUP BY 1
     )
     SELECT d.day, coalesce(md.import_wh, 0)::text AS import_wh, coalesce(md.export_wh, 0)::text AS export_wh,
            coalesce(md.production_wh, 0)::text AS production_wh,
            coalesce(idy.import_wh, 0)::text AS interval_import_wh, coalesce(idy.n, 0) AS intervals
     FROM days d LEFT JOIN meter_days md ON md.day = d.day LEFT JOIN interval_days idy ON idy.day = d.day
     ORDER BY d.day DESC`,
    [siteId, now.toISOString(), timeZone, POD_ENERGY_DAYS],
  );
  return rows.map((r) => ({
    date: r.day,
    importWh: r.import_wh,
    exportWh: r.export_wh,
    productionWh: r.production_wh,
    intervalImportWh: r.interval_import_wh,
    intervals: r.intervals,
  }));
}
