/**
 * A community's metering setup as the allocation sees it: which meter plays which role, which unit
 * a consumer meter belongs to, and how common consumption (stairwell, heat pump without a unit) is
 * shared among the units.
 */
import { CommunityInputError } from "./errors.ts";

/** Roles of meters that consume: an apartment, common electricity, a heat pump, an EV charger. */
export type ConsumerRole = "apartment" | "common" | "heat_pump" | "ev_charger";
/** Every meter role of a community. */
export type MeterRole = "grid" | "plant" | "battery" | ConsumerRole;
export const METER_ROLES: readonly MeterRole[] = [
  "grid",
  "plant",
  "battery",
  "apartment",
  "common",
  "heat_pump",
  "ev_charger",
];

/**
 * Which registers a role must deliver for an interval to be complete. Plants deliver production on
 * the export register (as ingest's `pv` meters do), batteries charge on import and discharge on
 * export, the grid connection both directions, consumers their import.
 */
export const REQUIRED_REGISTERS: Readonly<Record<MeterRole, readonly ("import" | "export")[]>> = {
  grid: ["import", "export"],
  plant: ["export"],
  battery: ["import", "export"],
  apartment: ["import"],
  common: ["import"],
  heat_pump: ["import"],
  ev_charger: ["import"],
};

export type PlantMeter = { meterId: string; ownerId: string };
/** A consumer meter; `unitId` null = shared among all units by their common weight. */
export type ConsumerMeter = { meterId: string; role: ConsumerRole; unitId: string | null };
/** A unit and its weight in the common consumption (m², a ratio, or "1" for equal shares). */
export type CommunityUnit = { id: string; commonWeight: string };

export type CommunitySetup = {
  plants: readonly PlantMeter[];
  consumers: readonly ConsumerMeter[];
  battery?: { meterId: string };
  grid?: { meterId: string };
  units: readonly CommunityUnit[];
};

/** Every meter with its role, in a fixed order (grid, plants, battery, consumers). */
export function metersOf(setup: CommunitySetup): { meterId: string; role: MeterRole }[] {
  return [
    ...(setup.grid ? [{ meterId: setup.grid.meterId, role: "grid" as const }] : []),
    ...setup.plants.map((p) => ({ meterId: p.meterId, role: "plant" as const })),
    ...(setup.battery ? [{ meterId: setup.battery.meterId, role: "battery" as const }] : []),
    ...setup.consumers.map((c) => ({ meterId: c.meterId, role: c.role })),
  ];
}

/** Refuses a setup the split cannot run on, naming the meter or unit. */
export function validateSetup(setup: CommunitySetup): void {
  const seen = new Set<string>();
  for (const m of metersOf(setup)) {
    if (seen.has(m.meterId))
      throw new CommunityInputError(`meter ${m.meterId}`, "has more than one role in the community");
    seen.add(m.meterId);
  }
  const units = new Set<string>();
  for (const u of setup.units) {
    if (units.has(u.id)) throw new CommunityInputError(`unit ${u.id}`, "listed twice");
    units.add(u.id);
    if (!/^\d+(\.\d+)?$/.test(u.commonWeight)) {
      throw new CommunityInputError(
        `unit ${u.id}`,
        `common weight is not a non-negative decimal: ${JSON.stringify(u.commonWeight)}`,
      );
    }
  }
  for (const c of setup.consumers) {
    if (c.unitId !== null && !units.has(c.unitId)) {
      throw new CommunityInputError(`meter ${c.meterId}`, `belongs to unknown unit ${c.unitId}`);
    }
  }
  const shared = setup.consumers.some((c) => c.unitId === null);
  if (shared && !setup.units.some((u) => /[1-9]/.test(u.commonWeight))) {
    throw new CommunityInputError(
      "units",
      "common meters need at least one unit with a positive common weight",
    );
  }
  if (setup.plants.length === 0)
    throw new CommunityInputError("plants", "a community needs at least one plant meter");
}
