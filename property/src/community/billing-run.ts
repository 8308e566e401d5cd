// The community's billing run: one bill per occupant (resident, or the owner for a vacancy) and
// period, computed in the domain and stored as drafts in billing's invoice store (the preview), then
// issued with billing's gapless numbering. A period with missing quarter hours is previewed with its
// drafts held (`incomplete_data`, billing's hold) and refused at issue, naming the missing data.
import { type Buyer, deleteDraft, insertDraftInvoices, issueInvoicesIn } from "@c4e/billing/invoice-store";
import { BillingDecimal, type LocalPeriod } from "@c4e/domain";
import {
  type Language,
  occupancySegments,
  residentInvoice,
  segmentEnergy,
  solarPrice,
  type Tenancy,
} from "@c4e/domain/community";
import { type Queryable, withTransaction } from "@c4e/prisma";
import type pg from "pg";
import { getCommunity, type CommunityRow } from "./communities.ts";
import { CommunityError, type ManagerContext } from "./errors.ts";
import { cyclePeriod, type LoadedPeriod, loadCommunityPeriod } from "./load-period.ts";

export type RunItem = {
  position: number;
  unitId: string;
  unitName: string;
  /** null = vacancy (the owner) */
  tenancyId: string | null;
  occupantName: string;
  segmentStart: string;
  segmentEnd: string;
  invoiceId: string;
  solarWh: bigint;
  gridWh: bigint;
  selfSufficiencyPercent: string;
  netMinor: bigint;
  vatMinor: bigint;
  totalMinor: bigint;
};

export type RunSummary = {
  period: LocalPeriod;
  expectedIntervals: number;
  completeIntervals: number;
  complete: boolean;
  missing: { meterId: string; register: string; count: number; ranges: { start: string; end: string }[] }[];
  offGridIntervals: number;
  productionWh: string;
  consumptionWh: string;
  solarUsedWh: string;
  exportWh: string;
  gridImportWh: string;
  selfSufficiencyPercent: string;
  selfConsumptionPercent: string;
  solarPrice: ReturnType<typeof solarPrice>;
  plants: {
    meterId: string;
    ownerId: string;
    producedWh: string;
    toConsumersWh: string;
    toBatteryWh: string;
    exportWh: string;
  }[];
  months: {
    month: string;
    productionWh: string;
    consumptionWh: string;
    solarUsedWh: string;
    exportWh: string;
    selfSufficiencyPercent: string;
    selfConsumptionPercent: string;
    completeIntervals: number;
    expectedIntervals: number;
  }[];
};

export type CommunityRun = {
  id: string;
  communityId: string;
  status: "preview" | "issued";
  period: LocalPeriod;
  summary: RunSummary;
  items: RunItem[];
};

/** part / whole in percent, one decimal, half away from zero (as the resident's statement). */
const pct = (part: bigint, whole: bigint) =>
  whole === 0n ? "—" : new BillingDecimal(part.toString()).times(100).div(whole.toString()).toFixed(1);

/** The period's figures for the summary (Wh as strings; rates in percent with one decimal). */
export function summaryOf(loaded: LoadedPeriod, period: LocalPeriod): RunSummary {
  const c = loaded.computed;
  const tot = (k: "productionWh" | "consumptionWh" | "solarUsedWh" | "exportWh" | "gridImportWh") =>
    c.months.reduce((s, m) => s + m[k], 0n);
  const production = tot("productionWh");
  const consumption = tot("consumptionWh");
  const solarUsed = tot("solarUsedWh");
  return {
    period,
    expectedIntervals: c.expectedIntervals,
    completeIntervals: c.completeIntervals,
    complete: c.complete && loaded.offGrid === 0,
    missing: c.missing.map((m) => ({
      meterId: m.meterId,
      register: m.register,
      count: m.count,
      ranges: m.ranges.map((r) => ({
        start: new Date(r.startMs).toISOString(),
        end: new Date(r.endMs).toISOString(),
      })),
    })),
    offGridIntervals: loaded.offGrid,
    productionWh: production.toString(),
    consumptionWh: consumption.toString(),
    solarUsedWh: solarUsed.toString(),
    exportWh: tot("exportWh").toString(),
    gridImportWh: tot("gridImportWh").toString(),
    // self-sufficiency = solar used / consumption; self-consumption = solar used / (production + discharge)
    selfSufficiencyPercent: pct(solarUsed, consumption),
    selfConsumptionPercent: pct(solarUsed, production + (c.battery?.dischargeWh ?? 0n)),
    solarPrice: solarPrice(
      loaded.community.solarPrice,
      loaded.community.standardPricePerKwh,
      loaded.community.capRule,
    ),
    plants: c.plants.map((p) => ({
      meterId: p.meterId,
      ownerId: p.ownerId,
      producedWh: p.producedWh.toString(),
      toConsumersWh: p.toConsumersWh.toString(),
      toBatteryWh: p.toBatteryWh.toString(),
      exportWh: p.exportWh.toString(),
    })),
    months: c.months.map((m) => ({
      month: m.month,
      productionWh: m.productionWh.toString(),
      consumptionWh: m.consumptionWh.toString(),
      solarUsedWh: m.solarUsedWh.toString(),
      exportWh: m.exportWh.toString(),
      selfSufficiencyPercent: pct(m.solarUsedWh, m.consumptionWh),
      selfConsumptionPercent: pct(m.solarUsedWh, m.productionWh),
      completeIntervals: m.completeIntervals,
      expectedIntervals: m.expectedIntervals,
    })),
  };
}

type TenancyDb = Tenancy & { name: string; language: string; customerId: string; contractId: string };

/** The bills of a period without storing anything: the domain's invoices per occupant. */
export async function computeCommunityBills(db: Queryable, community: CommunityRow, period: LocalPeriod) {
  const loaded = await loadCommunityPeriod(db, community, period);
  const units = await db.query<{ id: string; name: string }>(
    `SELECT id, name FROM community_unit WHERE community_id = $1`,
    [community.id],
  );
  const unitName = new Map(units.rows.map((u) => [u.id, u.name]));
  const tenancies = await db.query<TenancyDb>(
    `SELECT id, unit_id AS "unitId", customer_id AS "tenantId", move_in::text AS "from", move_out::text AS "to", name, language,
       customer_id AS "customerId", contract_id AS "contractId"
     FROM community_tenancy WHERE community_id = $1`,
    [community.id],
  );
  const byId = new Map(tenancies.rows.map((t) => [t.id, t]));
  const segments = occupancySegments(
    period,
    loaded.setup.units.map((u) => u.id),
    tenancies.rows,
  );
  const price = solarPrice(community.solarPrice, community.standardPricePerKwh, community.capRule);
  const bills = segments.map((segment) => {
    const tenancy = segment.occupant.kind === "tenant" ? byId.get(segment.occupant.tenancyId)! : null;
    const energy = segmentEnergy(loaded.computed.unitDays.get(segment.unitId)!, period, segment);
    const r = residentInvoice({
      currency: community.currency,
      timeZone: community.timeZone,
      period,
      segment,
      energy,
      solarPrice: price,
      gridPricesPerKwh: community.gridTariff.pricesPerKwh,
      fees: community.fees,
      vatRate: community.vatRate,
      language: (tenancy?.language ?? community.language) as Language,
    });
    return { segment, tenancy, unitName: unitName.get(segment.unitId) ?? segment.unitId, energy, ...r };
  });
  return { loaded, bills, summary: summaryOf(loaded, period) };
}

/**
 * Previews a period: computes every bill and stores it as a draft in billing's invoice store (held
 * when data is missing), replacing the drafts of an earlier preview of the same period. Refused when
 * the period was already issued.
 */
export async function previewCommunityRun(
  pool: pg.Pool,
  ctx: ManagerContext,
  input: { communityId: string; start: string },
): Promise<CommunityRun> {
  return withTransaction(pool, async (db) => {
    const community = await getCommunity(db, ctx, input.communityId);
    const period = cyclePeriod(community.billingCycle, input.start);
    // one preview at a time per community and period
    await db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `community-run:${community.id}:${period.start}`,
    ]);
    const existing = await db.query<{ id: string; status: string }>(
      `SELECT id, status::text FROM community_run WHERE community_id = $1 AND period_start = $2::date AND period_end = $3::date FOR UPDATE`,
      [community.id, period.start, period.end],
    );
    const old = existing.rows[0];
    if (old?.status === "issued") {
      throw new CommunityError(
        "conflict",
        `the period ${period.start}…${period.end} of ${community.id} is issued (run ${old.id})`,
      );
    }
    if (old) {
      const drafts = await db.query<{ invoice_id: string }>(
        `SELECT invoice_id FROM community_run_item WHERE run_id = $1`,
        [old.id],
      );
      await db.query(`DELETE FROM community_run WHERE id = $1`, [old.id]);
      for (const d of drafts.rows) await deleteDraft(db, d.invoice_id);
    }
    const { bills, summary } = await computeCommunityBills(db, community, period);
    const runId = (
      await db.query<{ id: string }>(
        `INSERT INTO community_run (id, community_id, period_start, period_end, summary) VALUES (gen_random_uuid(), $1, $2::date, $3::date, $4)
         RETURNING id`,
        [community.id, period.start, period.end, JSON.stringify(summary)],
      )
    ).rows[0]!.id;
    const holdReason = summary.complete ? null : "incomplete_data";
    const ids = await insertDraftInvoices(
      db,
      bills.map((b, i) => {
        const buyer: Buyer = {
          customerId: b.tenancy?.customerId ?? community.ownerCustomerId,
          customerName: b.tenancy?.name ?? community.ownerName,
          customerAddress: `${b.unitName}, ${community.address}`,
          contractNumber: b.tenancy
            ? `CO-${community.id.toUpperCase()}-${b.tenancy.id.slice(0, 8).toUpperCase()}`
            : `CO-${community.id.toUpperCase()}-OWNER`,
        };
        return {
          invoice: b.invoice,
          contractId: b.tenancy?.contractId ?? community.ownerContractId,
          seriesId: community.invoiceSeriesId,
          buyer,
          paymentTermsDays: 30,
          idempotencyKey: `community:${runId}:${i + 1}`,
          billingInput: {
            community: community.id,
            unitId: b.segment.unitId,
            occupant: b.segment.occupant,
            segment: { start: b.segment.start, end: b.segment.end },
            solarWh: b.energy.solarWh.toString(),
            gridWhByBand: Object.fromEntries([...b.energy.gridWhByBand].map(([k, v]) => [k, v.toString()])),
            solarPrice: summary.solarPrice,
          },
          holdReason,
        };
      }),
    );
    const items: RunItem[] = bills.map((b, i) => ({
      position: i + 1,
      unitId: b.segment.unitId,
      unitName: b.unitName,
      tenancyId: b.tenancy?.id ?? null,
      occupantName: b.tenancy?.name ?? community.ownerName,
      segmentStart: b.segment.start,
      segmentEnd: b.segment.end,
      invoiceId: ids[i]!,
      solarWh: b.statement.solarWh,
      gridWh: b.statement.gridWh,
      selfSufficiencyPercent: b.statement.selfSufficiencyPercent,
      netMinor: b.invoice.netMinor,
      vatMinor: b.invoice.vatMinor,
      totalMinor: b.invoice.totalMinor,
    }));
    if (items.some((it) => it.invoiceId === null))
      throw new Error(`drafts of run ${runId} collided with existing invoices`);
    await db.query(
      `INSERT INTO community_run_item (run_id, position, unit_id, tenancy_id, segment_start, segment_end, invoice_id, solar_wh, grid_wh,
         total_minor, self_sufficiency_percent)
       SELECT $1, u.position, u.unit_id, u.tenancy_id, u.segment_start, u.segment_end, u.invoice_id, u.solar_wh, u.grid_wh, u.total_minor,
         u.self_sufficiency_percent
       FROM json_to_recordset($2::json) AS u(position int, unit_id text, tenancy_id text, segment_start date, segment_end date,
         invoice_id uuid, solar_wh bigint, grid_wh bigint, total_minor bigint, self_sufficiency_percent numeric)`,
      [
        runId,
        JSON.stringify(
          items.map((it) => ({
            position: it.position,
            unit_id: it.unitId,
            tenancy_id: it.tenancyId,
            segment_start: it.segmentStart,
            segment_end: it.segmentEnd,
            invoice_id: it.invoiceId,
            solar_wh: it.solarWh.toString(),
            grid_wh: it.gridWh.toString(),
            total_minor: it.totalMinor.toString(),
            self_sufficiency_percent: it.selfSufficiencyPercent === "—" ? null : it.selfSufficiencyPercent,
          })),
        ),
      ],
    );
    return { id: runId, communityId: community.id, status: "preview", period, summary, items };
  });
}

/**
 * Issues a previewed run: billing numbers every draft (gapless per series) in one transaction.
 * Refused when the run is not a preview or its period has missing quarter hours.
 */
export async function issueCommunityRun(
  pool: pg.Pool,
  ctx: ManagerContext,
  input: { runId: string; issueDate?: string },
): Promise<{ issued: { invoiceId: string; number: string }[] }> {
  return withTransaction(pool, async (db) => {
    const run = await db.query<{ id: string; status: string; summary: RunSummary }>(
      `SELECT r.id, r.status::text, r.summary FROM community_run r JOIN community c ON c.id = r.community_id
       WHERE r.id::text = $1 AND c.retailer_id = $2 FOR UPDATE OF r`,
      [input.runId, ctx.retailerId],
    );
    const r = run.rows[0];
    if (!r) throw new CommunityError("not_found", `run ${input.runId} not found`);
    if (r.status !== "preview") throw new CommunityError("conflict", `run ${input.runId} is already issued`);
    if (!r.summary.complete) {
      const list = r.summary.missing
        .map((m) => `${m.meterId} ${m.register}: ${m.count} quarter hours`)
        .join("; ");
      throw new CommunityError(
        "incomplete_data",
        `run ${input.runId} cannot be issued: quarter hours are missing (${list || `${r.summary.offGridIntervals} off the grid`})`,
        r.summary.missing,
      );
    }
    const ids = (
      await db.query<{ invoice_id: string }>(
        `SELECT invoice_id FROM community_run_item WHERE run_id = $1 ORDER BY position`,
        [r.id],
      )
    ).rows.map((x) => x.invoice_id);
    const result = await issueInvoicesIn(db, { invoiceIds: ids }, { issueDate: input.issueDate });
    await db.query(`UPDATE community_run SET status = 'issued', issued_at = now() WHERE id = $1`, [r.id]);
    return { issued: result.issued.map((i) => ({ invoiceId: i.id, number: i.number })) };
  });
}

/** A run with its items (tenant-scoped). */
export async function getCommunityRun(
  db: Queryable,
  ctx: ManagerContext,
  runId: string,
): Promise<CommunityRun> {
  const run = await db.query<{
    id: string;
    community_id: string;
    status: "preview" | "issued";
    period_start: string;
    period_end: string;
    summary: RunSummary;
  }>(
    `SELECT r.id, r.community_id, r.status::text AS status, r.period_start::text, r.period_end::text, r.summary
     FROM community_run r JOIN community c ON c.id = r.community_id WHERE r.id::text = $1 AND c.retailer_id = $2`,
    [runId, ctx.retailerId],
  );
  const r = run.rows[0];
  if (!r) throw new CommunityError("not_found", `run ${runId} not found`);
  const items = await db.query<{
    position: number;
    unit_id: string;
    unit_name: string;
    tenancy_id: string | null;
    occupant: string | null;
    segment_start: string;
    segment_end: string;
    invoice_id: string;
    solar_wh: string;
    grid_wh: string;
    ss: string | null;
    net_minor: string;
    vat_minor: string;
    total_minor: string;
  }>(
    `SELECT i.position, i.unit_id, u.name AS unit_name, i.tenancy_id, t.name AS occupant, i.segment_start::text, i.segment_end::text,
       i.invoice_id, i.solar_wh::text, i.grid_wh::text, i.self_sufficiency_percent::text AS ss, inv.net_minor::text, inv.vat_minor::text,
       inv.total_minor::text
     FROM community_run_item i JOIN community_unit u ON u.id = i.unit_id LEFT JOIN community_tenancy t ON t.id = i.tenancy_id
     JOIN invoice inv ON inv.id = i.invoice_id
     WHERE i.run_id = $1 ORDER BY i.position`,
    [r.id],
  );
  const community = await getCommunity(db, ctx, r.community_id);
  return {
    id: r.id,
    communityId: r.community_id,
    status: r.status,
    period: { start: r.period_start, end: r.period_end },
    summary: r.summary,
    items: items.rows.map((i) => ({
      position: i.position,
      unitId: i.unit_id,
      unitName: i.unit_name,
      tenancyId: i.tenancy_id,
      occupantName: i.occupant ?? community.ownerName,
      segmentStart: i.segment_start,
      segmentEnd: i.segment_end,
      invoiceId: i.invoice_id,
      solarWh: BigInt(i.solar_wh),
      gridWh: BigInt(i.grid_wh),
      selfSufficiencyPercent: i.ss ?? "—",
      netMinor: BigInt(i.net_minor),
      vatMinor: BigInt(i.vat_minor),
      totalMinor: BigInt(i.total_minor),
    })),
  };
}

export async function listCommunityRuns(db: Queryable, ctx: ManagerContext, communityId: string) {
  await getCommunity(db, ctx, communityId);
  const r = await db.query<{
    id: string;
    status: string;
    period_start: string;
    period_end: string;
    complete: boolean;
    created_at: Date;
    issued_at: Date | null;
  }>(
    `SELECT id, status::text, period_start::text, period_end::text, (summary->>'complete')::boolean AS complete, created_at, issued_at
     FROM community_run WHERE community_id = $1 ORDER BY period_start DESC`,
    [communityId],
  );
  return r.rows.map((x) => ({
    id: x.id,
    status: x.status,
    period: { start: x.period_start, end: x.period_end },
    complete: x.complete,
    createdAt: x.created_at.toISOString(),
    issuedAt: x.issued_at?.toISOString() ?? null,
  }));
}
