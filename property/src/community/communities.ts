// Communities, units, meters by role and tenancies: the manager's master data. Every function is
// scoped by the manager's tenant (retailer id); another tenant's community is `not_found`.
import { randomUUID } from "node:crypto";
import { closeCommunityAccount, openCommunityAccount } from "@c4e/billing/community-accounts";
import { isCurrencyCode, isValidTimeZone, parseTariff } from "@c4e/domain";
import { solarPrice, type CapRule, type SolarPriceBasis } from "@c4e/domain/community";
import { type Queryable, withTransaction } from "@c4e/prisma";
import type pg from "pg";
import type { z } from "zod";
import { CommunityError, type ManagerContext } from "./errors.ts";
import {
  addUnitSchema,
  assignMeterSchema,
  createCommunitySchema,
  type CreateCommunityInput,
  moveInSchema,
} from "./schemas.ts";

export type CommunityRow = {
  id: string;
  retailerId: string;
  name: string;
  address: string;
  currency: string;
  timeZone: string;
  billingCycle: "monthly" | "quarterly" | "half_yearly" | "yearly";
  standardPricePerKwh: string;
  solarPrice: SolarPriceBasis;
  capRule: CapRule;
  gridTariff: { pricesPerKwh: Record<string, string>; tariff?: unknown };
  fees: { code: string; description: string; per: "month" | "day" | "period"; price: string }[];
  vatRate: string;
  commonBasis: "area" | "equal";
  ownerName: string;
  ownerAddress: string;
  ownerCustomerId: string;
  ownerContractId: string;
  invoiceSeriesId: string;
  language: "en" | "de" | "fr" | "it";
};

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CommunityError(
      "bad_request",
      `${issue.path.join(".") || "input"}: ${issue.message}`,
      r.error.issues,
    );
  }
  return r.data;
}

/** Creates a community with its owner's billing account and invoice series. */
export async function createCommunity(
  pool: pg.Pool,
  ctx: ManagerContext,
  input: CreateCommunityInput,
): Promise<CommunityRow> {
  const c = parse(createCommunitySchema, input);
  if (!isCurrencyCode(c.currency))
    throw new CommunityError("bad_request", `currency: not an ISO 4217 code: ${c.currency}`);
  if (!isValidTimeZone(c.timeZone))
    throw new CommunityError("bad_request", `timeZone: not an IANA time zone: ${c.timeZone}`);
  // the price rule must be computable now, not at the first bill
  try {
    solarPrice(c.solarPrice, c.standardPricePerKwh, c.capRule);
  } catch (e) {
    throw new CommunityError("bad_request", (e as Error).message);
  }
  if (c.gridTariff.tariff !== undefined) {
    const t = parseTariff(c.gridTariff.tariff);
    if (!t.ok)
      throw new CommunityError(
        "bad_request",
        `gridTariff.tariff: ${t.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`,
      );
    const bands = t.tariff.tou?.bands.map((b) => b.code) ?? ["all"];
    const missing = bands.filter((b) => c.gridTariff.pricesPerKwh[b] === undefined);
    if (missing.length > 0)
      throw new CommunityError(
        "bad_request",
        `gridTariff.pricesPerKwh: no price for band ${missing.join(", ")}`,
      );
  } else if (c.gridTariff.pricesPerKwh.all === undefined) {
    throw new CommunityError(
      "bad_request",
      `gridTariff.pricesPerKwh.all: a price is needed without a TOU tariff`,
    );
  }
  const ownerCustomerId = `community-owner-${c.id}`;
  const ownerContractId = `community-owner-${c.id}`;
  const invoiceSeriesId = `community-${c.id}`;
  return withTransaction(pool, async (db) => {
    const exists = await db.query(`SELECT 1 FROM community WHERE id = $1`, [c.id]);
    if ((exists.rowCount ?? 0) > 0) throw new CommunityError("conflict", `community ${c.id} exists`);
    const account = await openCommunityAccount(db, {
      retailerId: ctx.retailerId,
      customerId: ownerCustomerId,
      name: c.ownerName,
      email: null,
      contractId: ownerContractId,
      contractNumber: `CO-${c.id.toUpperCase()}-OWNER`,
      validFrom: "2000-01-01",
      validTo: null,
      currency: c.currency,
      seriesId: invoiceSeriesId,
      seriesPrefix: `${c.id.toUpperCase()}-`,
    });
    if (!account.ok) throw new CommunityError("conflict", account.reason);
    await db.query(
      `INSERT INTO community (id, retailer_id, name, address, currency, time_zone, billing_cycle, standard_price_per_kwh,
         solar_price, cap_rule, grid_tariff, fees, vat_rate, common_basis, owner_name, owner_address, owner_customer_id,
         owner_contract_id, invoice_series_id, language)
       VALUES ($1, $2, $3, $4, $5, $6, $7::"CommunityBillingCycle", $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        c.id,
        ctx.retailerId,
        c.name,
        c.address,
        c.currency,
        c.timeZone,
        c.billingCycle,
        c.standardPricePerKwh,
        JSON.stringify(c.solarPrice),
        JSON.stringify(c.capRule),
        JSON.stringify(c.gridTariff),
        JSON.stringify(c.fees),
        c.vatRate,
        c.commonBasis,
        c.ownerName,
        c.ownerAddress,
        ownerCustomerId,
        ownerContractId,
        invoiceSeriesId,
        c.language,
      ],
    );
    return (await loadCommunity(db, ctx, c.id))!;
  });
}

const COMMUNITY_COLUMNS = `id, retailer_id AS "retailerId", name, address, currency, time_zone AS "timeZone",
  billing_cycle::text AS "billingCycle", standard_price_per_kwh::text AS "standardPricePerKwh", solar_price AS "solarPrice",
  cap_rule AS "capRule", grid_tariff AS "gridTariff", fees, vat_rate::text AS "vatRate", common_basis AS "commonBasis",
  owner_name AS "ownerName", owner_address AS "ownerAddress", owner_customer_id AS "ownerCustomerId",
  owner_contract_id AS "ownerContractId", invoice_series_id AS "invoiceSeriesId", language`;

/** The community if it belongs to the tenant (undefined otherwise). */
export async function loadCommunity(
  db: Queryable,
  ctx: ManagerContext,
  id: string,
): Promise<CommunityRow | undefined> {
  const r = await db.query<CommunityRow>(
    `SELECT ${COMMUNITY_COLUMNS} FROM community WHERE id = $1 AND retailer_id = $2`,
    [id, ctx.retailerId],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return { ...row, standardPricePerKwh: trim(row.standardPricePerKwh), vatRate: trim(row.vatRate) };
}

/** The community, or `not_found` (also for another tenant's). */
export async function getCommunity(db: Queryable, ctx: ManagerContext, id: string): Promise<CommunityRow> {
  const c = await loadCommunity(db, ctx, id);
  if (!c) throw new CommunityError("not_found", `community ${id} not found`);
  return c;
}

export async function listCommunities(db: Queryable, ctx: ManagerContext): Promise<CommunityRow[]> {
  const r = await db.query<CommunityRow>(
    `SELECT ${COMMUNITY_COLUMNS} FROM community WHERE retailer_id = $1 ORDER BY name, id`,
    [ctx.retailerId],
  );
  return r.rows.map((row) => ({
    ...row,
    standardPricePerKwh: trim(row.standardPricePerKwh),
    vatRate: trim(row.vatRate),
  }));
}

export type UnitRow = { id: string; communityId: string; name: string; areaM2: string };

export async function addUnit(
  db: Queryable,
  ctx: ManagerContext,
  input: z.input<typeof addUnitSchema>,
): Promise<UnitRow> {
  const u = parse(addUnitSchema, input);
  await getCommunity(db, ctx, u.communityId);
  const id = `${u.communityId}-${u.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  const r = await db.query(
    `INSERT INTO community_unit (id, community_id, name, area_m2) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [id, u.communityId, u.name, u.areaM2],
  );
  if ((r.rowCount ?? 0) === 0)
    throw new CommunityError("conflict", `unit ${u.name} exists in community ${u.communityId}`);
  return { id, communityId: u.communityId, name: u.name, areaM2: u.areaM2 };
}

export async function listUnits(db: Queryable, ctx: ManagerContext, communityId: string): Promise<UnitRow[]> {
  await getCommunity(db, ctx, communityId);
  const r = await db.query<UnitRow>(
    `SELECT id, community_id AS "communityId", name, area_m2::text AS "areaM2" FROM community_unit
     WHERE community_id = $1 ORDER BY name`,
    [communityId],
  );
  return r.rows.map((u) => ({ ...u, areaM2: trim(u.areaM2) }));
}

export type MeterRow = {
  meterId: string;
  communityId: string;
  role: string;
  unitId: string | null;
  plantOwner: string | null;
  source: "gateway" | "csv";
};

/**
 * Gives a registered meter (ingest's `meter`) a role in the community. Refused when the meter does not
 * exist, belongs to another community, a consumer role names no unit of this community where it
 * needs one, or a plant has no owner.
 */
export async function assignMeter(
  db: Queryable,
  ctx: ManagerContext,
  input: z.input<typeof assignMeterSchema>,
): Promise<MeterRow> {
  const m = parse(assignMeterSchema, input);
  await getCommunity(db, ctx, m.communityId);
  const meter = await db.query(`SELECT 1 FROM meter WHERE id = $1`, [m.meterId]);
  if ((meter.rowCount ?? 0) === 0)
    throw new CommunityError("not_found", `meterId: no meter ${m.meterId} is registered`);
  if (m.role === "apartment" && m.unitId === null)
    throw new CommunityError("bad_request", `unitId: an apartment meter needs its unit`);
  if (["grid", "plant", "battery"].includes(m.role) && m.unitId !== null) {
    throw new CommunityError("bad_request", `unitId: a ${m.role} meter belongs to no unit`);
  }
  if (m.role === "plant" && !m.plantOwner)
    throw new CommunityError("bad_request", `plantOwner: a plant needs its owner`);
  if (m.source === "csv" && m.role !== "ev_charger")
    throw new CommunityError("bad_request", `source: only EV chargers are imported from CSV`);
  if (m.unitId !== null) {
    const unit = await db.query(`SELECT 1 FROM community_unit WHERE id = $1 AND community_id = $2`, [
      m.unitId,
      m.communityId,
    ]);
    if ((unit.rowCount ?? 0) === 0)
      throw new CommunityError("not_found", `unitId: no unit ${m.unitId} in community ${m.communityId}`);
  }
  if (m.role === "grid" || m.role === "battery") {
    const one = await db.query(
      `SELECT meter_id FROM community_meter WHERE community_id = $1 AND role = $2::"CommunityMeterRole"`,
      [m.communityId, m.role],
    );
    if (one.rows.length > 0)
      throw new CommunityError("conflict", `role: the community already has a ${m.role} meter`);
  }
  const r = await db.query(
    `INSERT INTO community_meter (meter_id, community_id, role, unit_id, plant_owner, source)
     VALUES ($1, $2, $3::"CommunityMeterRole", $4, $5, $6) ON CONFLICT (meter_id) DO NOTHING`,
    [m.meterId, m.communityId, m.role, m.unitId, m.role === "plant" ? m.plantOwner : null, m.source],
  );
  if ((r.rowCount ?? 0) === 0)
    throw new CommunityError("conflict", `meterId: meter ${m.meterId} already has a community role`);
  return {
    meterId: m.meterId,
    communityId: m.communityId,
    role: m.role,
    unitId: m.unitId,
    plantOwner: m.role === "plant" ? m.plantOwner : null,
    source: m.source,
  };
}

export type MeterStatus = MeterRow & {
  /** end of the latest stored quarter hour (gateway: reading_interval; csv: community_ev_interval) */
  lastIntervalEnd: string | null;
  /** quarter hours stored for the import (consumers) or export (plants) register over the last 7 days */
  intervalsLast7Days: number;
  /** readings of the meter's gateway that ingest rejected in the last 7 days */
  rejectsLast7Days: number;
};

/** The community's meters with their last reading, recent coverage and rejects (gateway health). */
export async function listMeters(
  db: Queryable,
  ctx: ManagerContext,
  communityId: string,
  now: Date,
): Promise<MeterStatus[]> {
  await getCommunity(db, ctx, communityId);
  const r = await db.query<MeterRow & { last: Date | null; recent: number; rejects: number }>(
    `SELECT cm.meter_id AS "meterId", cm.community_id AS "communityId", cm.role::text AS role, cm.unit_id AS "unitId",
       cm.plant_owner AS "plantOwner", cm.source,
       CASE WHEN cm.source = 'csv'
         THEN (SELECT max(e.start_at) + interval '15 minutes' FROM community_ev_interval e WHERE e.meter_id = cm.meter_id)
         ELSE (SELECT max(ri.end_at) FROM reading_interval ri WHERE ri.meter_id = cm.meter_id) END AS last,
       CASE WHEN cm.source = 'csv'
         THEN (SELECT count(*) FROM community_ev_interval e WHERE e.meter_id = cm.meter_id AND e.start_at >= $2::timestamptz - interval '7 days')
         ELSE (SELECT count(*) FROM reading_interval ri WHERE ri.meter_id = cm.meter_id
                 AND ri.register = CASE WHEN cm.role = 'plant' THEN 'export' ELSE 'import' END
                 AND ri.start_at >= $2::timestamptz - interval '7 days') END::int AS recent,
       (SELECT count(*) FROM rejected_input ri JOIN meter m ON m.id = cm.meter_id
         WHERE (ri.meter_id = cm.meter_id OR (ri.meter_id IS NULL AND ri.gateway_id = m.gateway_id)) AND ri.received_at >= $2::timestamptz - interval '7 days')::int AS rejects
     FROM community_meter cm WHERE cm.community_id = $1 ORDER BY cm.role, cm.meter_id`,
    [communityId, now],
  );
  return r.rows.map(({ last, recent, rejects, ...m }) => ({
    ...m,
    lastIntervalEnd: last ? new Date(last).toISOString() : null,
    intervalsLast7Days: recent,
    rejectsLast7Days: rejects,
  }));
}

export type TenancyRow = {
  id: string;
  communityId: string;
  unitId: string;
  name: string;
  email: string | null;
  language: string;
  customerId: string;
  contractId: string;
  moveIn: string;
  moveOut: string | null;
};

/**
 * A resident moves into a unit (any day; `moveOut` exclusive, or open): refused when it overlaps
 * another tenancy of the unit. Opens the resident's billing account (customer, contract).
 */
export async function moveIn(
  pool: pg.Pool,
  ctx: ManagerContext,
  input: z.input<typeof moveInSchema>,
): Promise<TenancyRow> {
  const t = parse(moveInSchema, input);
  if (t.moveOut !== null && t.moveOut <= t.moveIn)
    throw new CommunityError("bad_request", `moveOut: not after moveIn ${t.moveIn}`);
  return withTransaction(pool, async (db) => {
    const community = await getCommunity(db, ctx, t.communityId);
    const unit = await db.query(
      `SELECT 1 FROM community_unit WHERE id = $1 AND community_id = $2 FOR UPDATE`,
      [t.unitId, t.communityId],
    );
    if ((unit.rowCount ?? 0) === 0)
      throw new CommunityError("not_found", `unitId: no unit ${t.unitId} in community ${t.communityId}`);
    const overlap = await db.query<{ id: string; name: string }>(
      `SELECT id, name FROM community_tenancy WHERE unit_id = $1
         AND move_in < coalesce($3::date, 'infinity'::date) AND coalesce(move_out, 'infinity'::date) > $2::date`,
      [t.unitId, t.moveIn, t.moveOut],
    );
    if (overlap.rows[0]) {
      throw new CommunityError(
        "conflict",
        `moveIn: overlaps the tenancy of ${overlap.rows[0].name} (${overlap.rows[0].id})`,
      );
    }
    if (t.customerId !== undefined) {
      const c = await db.query(`SELECT 1 FROM customer WHERE id = $1 AND retailer_id = $2`, [
        t.customerId,
        ctx.retailerId,
      ]);
      if ((c.rowCount ?? 0) === 0)
        throw new CommunityError("not_found", `customerId: no customer ${t.customerId}`);
    }
    const id = randomUUID();
    const customerId = t.customerId ?? `resident-${id}`;
    const contractId = `community-${id}`;
    const account = await openCommunityAccount(db, {
      retailerId: ctx.retailerId,
      customerId,
      name: t.name,
      email: t.email,
      contractId,
      contractNumber: `CO-${community.id.toUpperCase()}-${id.slice(0, 8).toUpperCase()}`,
      validFrom: t.moveIn,
      validTo: t.moveOut,
      currency: community.currency,
      seriesId: community.invoiceSeriesId,
      seriesPrefix: `${community.id.toUpperCase()}-`,
    });
    if (!account.ok) throw new CommunityError("conflict", account.reason);
    await db.query(
      `INSERT INTO community_tenancy (id, community_id, unit_id, name, email, language, customer_id, contract_id, move_in, move_out)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10::date)`,
      [id, t.communityId, t.unitId, t.name, t.email, t.language, customerId, contractId, t.moveIn, t.moveOut],
    );
    return {
      id,
      communityId: t.communityId,
      unitId: t.unitId,
      name: t.name,
      email: t.email,
      language: t.language,
      customerId,
      contractId,
      moveIn: t.moveIn,
      moveOut: t.moveOut,
    };
  });
}

/** A resident moves out: `moveOut` is the day after the last day (exclusive), any day after move-in. */
export async function moveOut(
  pool: pg.Pool,
  ctx: ManagerContext,
  input: { tenancyId: string; moveOut: string },
): Promise<void> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.moveOut))
    throw new CommunityError("bad_request", `moveOut: not a date ${input.moveOut}`);
  await withTransaction(pool, async (db) => {
    const r = await db.query<{ unit_id: string; move_in: string; contract_id: string }>(
      `SELECT t.unit_id, t.move_in::text AS move_in, t.contract_id FROM community_tenancy t JOIN community c ON c.id = t.community_id
       WHERE t.id = $1 AND c.retailer_id = $2 FOR UPDATE OF t`,
      [input.tenancyId, ctx.retailerId],
    );
    const t = r.rows[0];
    if (!t) throw new CommunityError("not_found", `tenancy ${input.tenancyId} not found`);
    if (input.moveOut <= t.move_in)
      throw new CommunityError("bad_request", `moveOut: not after the move-in ${t.move_in}`);
    const overlap = await db.query(
      `SELECT 1 FROM community_tenancy WHERE unit_id = $1 AND id <> $2 AND move_in >= $3::date AND move_in < $4::date`,
      [t.unit_id, input.tenancyId, t.move_in, input.moveOut],
    );
    if ((overlap.rowCount ?? 0) > 0)
      throw new CommunityError("conflict", `moveOut: the next tenancy starts before ${input.moveOut}`);
    await db.query(`UPDATE community_tenancy SET move_out = $2::date WHERE id = $1`, [
      input.tenancyId,
      input.moveOut,
    ]);
    await closeCommunityAccount(db, t.contract_id, input.moveOut);
  });
}

export async function listTenancies(
  db: Queryable,
  ctx: ManagerContext,
  communityId: string,
): Promise<TenancyRow[]> {
  await getCommunity(db, ctx, communityId);
  const r = await db.query<TenancyRow>(
    `SELECT id, community_id AS "communityId", unit_id AS "unitId", name, email, language, customer_id AS "customerId",
       contract_id AS "contractId", move_in::text AS "moveIn", move_out::text AS "moveOut"
     FROM community_tenancy WHERE community_id = $1 ORDER BY unit_id, move_in`,
    [communityId],
  );
  return r.rows;
}

function trim(decimal: string): string {
  return decimal.includes(".") ? decimal.replace(/0+$/, "").replace(/\.$/, "") : decimal;
}
