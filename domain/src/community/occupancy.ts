/**
 * Who occupies a unit on which days of a billing period: the tenants' tenancies (move-in on any day,
 * move-out on any day) and, between them, vacancy billed to the owner. The segments of a unit cover
 * the period exactly, so the unit's energy is split between occupants without a Wh lost or counted
 * twice (a change of tenant splits the period exactly, at local midnight).
 */
import { addDays, daysBetween, type LocalPeriod, parseLocalDate } from "../billing/local-time.ts";
import { CommunityInputError } from "./errors.ts";
import type { DayEnergy } from "./compute-period.ts";

/** A tenancy: local dates, `from` inclusive (move-in day), `to` exclusive (day after move-out), null = open. */
export type Tenancy = { id: string; unitId: string; tenantId: string; from: string; to: string | null };

export type Occupant = { kind: "tenant"; tenancyId: string; tenantId: string } | { kind: "owner" };

/** A stretch of the period with one occupant; `start` inclusive, `end` exclusive, local dates. */
export type OccupancySegment = { unitId: string; occupant: Occupant; start: string; end: string };

/**
 * The segments of each unit over the period, in date order, covering it without gap or overlap.
 * Refuses overlapping tenancies of a unit and malformed dates, naming the tenancies.
 * @example occupancySegments({ start: "2026-01-01", end: "2026-04-01" }, ["A"], [{ id: "t1", unitId: "A", tenantId: "x", from: "2026-02-15", to: null }])
 * // [{ A, owner, 2026-01-01 → 2026-02-15 }, { A, t1, 2026-02-15 → 2026-04-01 }]
 */
export function occupancySegments(
  period: LocalPeriod,
  unitIds: readonly string[],
  tenancies: readonly Tenancy[],
): OccupancySegment[] {
  const units = new Set(unitIds);
  for (const t of tenancies) {
    if (!parseLocalDate(t.from))
      throw new CommunityInputError(`tenancy ${t.id}`, `move-in is not a date: ${JSON.stringify(t.from)}`);
    if (t.to !== null) {
      if (!parseLocalDate(t.to))
        throw new CommunityInputError(`tenancy ${t.id}`, `move-out is not a date: ${JSON.stringify(t.to)}`);
      if (daysBetween(t.from, t.to) <= 0)
        throw new CommunityInputError(`tenancy ${t.id}`, `ends ${t.to}, not after it starts ${t.from}`);
    }
    if (!units.has(t.unitId)) throw new CommunityInputError(`tenancy ${t.id}`, `unknown unit ${t.unitId}`);
  }
  const out: OccupancySegment[] = [];
  for (const unitId of unitIds) {
    const own = tenancies
      .filter((t) => t.unitId === unitId)
      .sort((a, b) => daysBetween(b.from, a.from) || a.id.localeCompare(b.id));
    for (let k = 1; k < own.length; k++) {
      const prev = own[k - 1]!;
      if (prev.to === null || daysBetween(own[k]!.from, prev.to) > 0) {
        throw new CommunityInputError(
          `tenancy ${own[k]!.id}`,
          `overlaps tenancy ${prev.id} of unit ${unitId}`,
        );
      }
    }
    let cursor = period.start;
    for (const t of own) {
      const start = later(t.from, period.start);
      const end = t.to === null ? period.end : earlier(t.to, period.end);
      if (daysBetween(start, end) <= 0) continue;
      if (daysBetween(cursor, start) > 0)
        out.push({ unitId, occupant: { kind: "owner" }, start: cursor, end: start });
      out.push({ unitId, occupant: { kind: "tenant", tenancyId: t.id, tenantId: t.tenantId }, start, end });
      cursor = end;
    }
    if (daysBetween(cursor, period.end) > 0)
      out.push({ unitId, occupant: { kind: "owner" }, start: cursor, end: period.end });
  }
  return out;
}

/** Σ of a unit's day energies over a segment (day index = days since the period start). */
export function segmentEnergy(
  days: readonly DayEnergy[],
  period: LocalPeriod,
  segment: OccupancySegment,
): DayEnergy {
  const from = daysBetween(period.start, segment.start);
  const to = daysBetween(period.start, segment.end);
  const gridWhByBand = new Map<string, bigint>();
  let solarWh = 0n;
  for (let d = from; d < to; d++) {
    const day = days[d];
    if (!day)
      throw new CommunityInputError(
        `segment ${segment.start}…${segment.end}`,
        `day ${addDays(period.start, d)} is outside the period`,
      );
    solarWh += day.solarWh;
    for (const [band, wh] of day.gridWhByBand) gridWhByBand.set(band, (gridWhByBand.get(band) ?? 0n) + wh);
  }
  return { solarWh, gridWhByBand };
}

const later = (a: string, b: string) => (daysBetween(a, b) > 0 ? b : a);
const earlier = (a: string, b: string) => (daysBetween(a, b) > 0 ? a : b);
