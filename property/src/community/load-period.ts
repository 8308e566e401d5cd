// A community's period as the domain computes it: the setup (meters by role, units, common weights),
// the quarter-hour grid with the grid tariff's bands, and every meter's quarter hours — read from
// ingest's `reading_interval` (the verified intervals billing also aggregates), or from
// `community_ev_interval` for EV chargers imported from CSV.
import { type LocalPeriod, parseTariff, touWindows } from "@c4e/domain";
import {
  type CommunitySetup,
  type ConsumerRole,
  computeCommunityPeriod,
  type CommunityPeriod,
  type MeterSeries,
  periodGrid,
  QUARTER_HOUR_MS,
} from "@c4e/domain/community";
import type { Queryable } from "@c4e/prisma";
import type { CommunityRow } from "./communities.ts";
import { CommunityError } from "./errors.ts";

export type LoadedPeriod = {
  community: CommunityRow;
  setup: CommunitySetup;
  computed: CommunityPeriod;
  offGrid: number;
};

/** The billing period of a cycle starting at `start` (which must be a cycle start: 1st of a month, quarter …). */
export function cyclePeriod(cycle: CommunityRow["billingCycle"], start: string): LocalPeriod {
  const m = /^(\d{4})-(\d{2})-01$/.exec(start);
  const months = { monthly: 1, quarterly: 3, half_yearly: 6, yearly: 12 }[cycle];
  if (!m || (Number(m[2]) - 1) % months !== 0) {
    throw new CommunityError(
      "bad_request",
      `start: ${start} does not start a ${cycle.replace("_", "-")} period`,
    );
  }
  const index = Number(m[1]) * 12 + Number(m[2]) - 1 + months;
  const end = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}-01`;
  return { start, end };
}

/** The community's setup from its meters and units. */
export async function loadSetup(
  db: Queryable,
  community: CommunityRow,
): Promise<{ setup: CommunitySetup; csvMeters: string[] }> {
  const meters = await db.query<{
    meter_id: string;
    role: string;
    unit_id: string | null;
    plant_owner: string | null;
    source: string;
  }>(
    `SELECT meter_id, role::text, unit_id, plant_owner, source FROM community_meter WHERE community_id = $1 ORDER BY meter_id`,
    [community.id],
  );
  const units = await db.query<{ id: string; area_m2: string }>(
    `SELECT id, area_m2::text FROM community_unit WHERE community_id = $1 ORDER BY name, id`,
    [community.id],
  );
  const grid = meters.rows.find((m) => m.role === "grid");
  const battery = meters.rows.find((m) => m.role === "battery");
  const setup: CommunitySetup = {
    plants: meters.rows
      .filter((m) => m.role === "plant")
      .map((m) => ({ meterId: m.meter_id, ownerId: m.plant_owner ?? "" })),
    consumers: meters.rows
      .filter((m) => !["grid", "plant", "battery"].includes(m.role))
      .map((m) => ({ meterId: m.meter_id, role: m.role as ConsumerRole, unitId: m.unit_id })),
    units: units.rows.map((u) => ({
      id: u.id,
      commonWeight: community.commonBasis === "equal" ? "1" : u.area_m2,
    })),
  };
  if (grid) setup.grid = { meterId: grid.meter_id };
  if (battery) setup.battery = { meterId: battery.meter_id };
  return { setup, csvMeters: meters.rows.filter((m) => m.source === "csv").map((m) => m.meter_id) };
}

/** Loads and computes the community's period (no writes). */
export async function loadCommunityPeriod(
  db: Queryable,
  community: CommunityRow,
  period: LocalPeriod,
): Promise<LoadedPeriod> {
  const { setup, csvMeters } = await loadSetup(db, community);
  if (setup.plants.length === 0)
    throw new CommunityError("bad_request", `community ${community.id} has no plant meter`);
  if (setup.units.length === 0)
    throw new CommunityError("bad_request", `community ${community.id} has no units`);
  let windows;
  if (community.gridTariff.tariff !== undefined) {
    const t = parseTariff(community.gridTariff.tariff);
    if (!t.ok) throw new CommunityError("bad_request", `gridTariff.tariff is not a valid tariff`);
    windows = touWindows({ tariff: t.tariff, period, timeZone: community.timeZone });
  }
  const grid = periodGrid(period, community.timeZone, windows);
  const n = grid.startsMs.length;
  const t0 = grid.startsMs[0]!;
  const startAt = new Date(t0);
  const endAt = new Date(grid.startsMs[n - 1]! + QUARTER_HOUR_MS);
  const gatewayMeters = [
    ...(setup.grid ? [setup.grid.meterId] : []),
    ...setup.plants.map((p) => p.meterId),
    ...(setup.battery ? [setup.battery.meterId] : []),
    ...setup.consumers.map((c) => c.meterId),
  ].filter((id) => !csvMeters.includes(id));
  const series = new Map<string, { import?: (bigint | null)[]; export?: (bigint | null)[] }>();
  const slot = (meterId: string, register: "import" | "export") => {
    let s = series.get(meterId);
    if (!s) series.set(meterId, (s = {}));
    return (s[register] ??= new Array<bigint | null>(n).fill(null));
  };
  let offGrid = 0;
  const put = (meterId: string, register: string, at: Date, wh: string) => {
    if (register !== "import" && register !== "export") return;
    const offset = at.getTime() - t0;
    if (offset % QUARTER_HOUR_MS !== 0) {
      offGrid++;
      return;
    }
    slot(meterId, register)[offset / QUARTER_HOUR_MS] = BigInt(wh);
  };
  // LATERAL: one index range scan per meter (meter_id, register, start_at), as billing's aggregation.
  const rows = await db.query<{ meter_id: string; register: string; start_at: Date; energy_wh: string }>(
    `SELECT m.meter_id, i.register, i.start_at, i.energy_wh::text
     FROM unnest($1::text[]) AS m(meter_id) CROSS JOIN LATERAL (
       SELECT r.register, r.start_at, r.energy_wh FROM reading_interval r
       WHERE r.meter_id = m.meter_id AND r.start_at >= $2 AND r.start_at < $3) AS i`,
    [gatewayMeters, startAt, endAt],
  );
  for (const r of rows.rows) put(r.meter_id, r.register, r.start_at, r.energy_wh);
  if (csvMeters.length > 0) {
    const ev = await db.query<{ meter_id: string; start_at: Date; energy_wh: string }>(
      `SELECT meter_id, start_at, energy_wh::text FROM community_ev_interval
       WHERE meter_id = ANY($1::text[]) AND start_at >= $2 AND start_at < $3`,
      [csvMeters, startAt, endAt],
    );
    for (const r of ev.rows) put(r.meter_id, "import", r.start_at, r.energy_wh);
  }
  const computed = computeCommunityPeriod({ setup, grid, series: series as Map<string, MeterSeries> });
  return { community, setup, computed, offGrid };
}
