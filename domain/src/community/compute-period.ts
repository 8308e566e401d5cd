/**
 * A billing period of a community: every complete quarter hour split (`splitInterval`), summed per
 * consumer meter and local day, common meters shared among the units per day by largest remainder,
 * plants' and battery's totals, monthly rates, and the missing data.
 *
 * Completeness: a quarter hour is billable only when EVERY meter of the community delivered every
 * register its role requires (`REQUIRED_REGISTERS`). An incomplete quarter hour is not split and not
 * billed: it is listed (per meter and register, as ranges), never counted as zero.
 */
import { allocateLargestRemainder } from "../allocation/index.ts";
import { CommunityInputError } from "./errors.ts";
import type { PeriodGrid } from "./period-grid.ts";
import { type CommunitySetup, REQUIRED_REGISTERS, metersOf, validateSetup } from "./setup.ts";
import { splitInterval } from "./split-interval.ts";

/** Wh per interval of the grid, aligned with `grid.startsMs`; null = no reading. */
export type RegisterSeries = readonly (bigint | null)[];
export type MeterSeries = { import?: RegisterSeries; export?: RegisterSeries };

export type ComputePeriodParams = {
  setup: CommunitySetup;
  grid: PeriodGrid;
  /** per meter id; a meter without an entry has no data at all */
  series: ReadonlyMap<string, MeterSeries>;
};

/** Solar and grid Wh of one consumer or unit on one local day, grid per tariff band. */
export type DayEnergy = { solarWh: bigint; gridWhByBand: Map<string, bigint> };

export type MissingData = {
  meterId: string;
  register: "import" | "export";
  /** quarter hours missing */
  count: number;
  /** merged ranges [startMs, endMs) */
  ranges: { startMs: number; endMs: number }[];
};

export type PlantTotals = {
  meterId: string;
  ownerId: string;
  producedWh: bigint;
  toConsumersWh: bigint;
  toBatteryWh: bigint;
  exportWh: bigint;
};

export type MonthStats = {
  month: string;
  productionWh: bigint;
  consumptionWh: bigint;
  /** solar (incl. battery discharge) used by the consumers */
  solarUsedWh: bigint;
  exportWh: bigint;
  /** what the consumers and the battery took from the grid (computed from the sub-meters) */
  gridImportWh: bigint;
  /** the grid meter's own import and export, when the community has one */
  measuredGridImportWh: bigint | null;
  measuredGridExportWh: bigint | null;
  completeIntervals: number;
  expectedIntervals: number;
};

export type CommunityPeriod = {
  grid: PeriodGrid;
  expectedIntervals: number;
  completeIntervals: number;
  /** true when every quarter hour of the period is complete */
  complete: boolean;
  missing: MissingData[];
  /** per consumer meter: day → energy (index = grid.days) */
  consumerDays: Map<string, DayEnergy[]>;
  /** per unit: its own meters plus its share of the common meters, per day */
  unitDays: Map<string, DayEnergy[]>;
  plants: PlantTotals[];
  battery: {
    meterId: string;
    chargeWh: bigint;
    dischargeWh: bigint;
    toConsumersWh: bigint;
    exportWh: bigint;
    chargeFromSolarWh: bigint;
    chargeFromGridWh: bigint;
  } | null;
  months: MonthStats[];
};

export function computeCommunityPeriod(params: ComputePeriodParams): CommunityPeriod {
  const { setup, grid, series } = params;
  validateSetup(setup);
  const n = grid.startsMs.length;
  const meters = metersOf(setup);
  const seriesFor = (meterId: string, register: "import" | "export"): RegisterSeries | undefined => {
    const s = series.get(meterId)?.[register];
    if (s !== undefined && s.length !== n) {
      throw new CommunityInputError(
        `meter ${meterId} ${register}`,
        `${s.length} values for ${n} quarter hours`,
      );
    }
    return s;
  };
  const required = meters.flatMap((m) =>
    REQUIRED_REGISTERS[m.role].map((register) => ({
      meterId: m.meterId,
      register,
      values: seriesFor(m.meterId, register),
    })),
  );
  const plantSeries = setup.plants.map((p) => seriesFor(p.meterId, "export"));
  const consumerSeries = setup.consumers.map((c) => seriesFor(c.meterId, "import"));
  const batteryCharge = setup.battery ? seriesFor(setup.battery.meterId, "import") : undefined;
  const batteryDischarge = setup.battery ? seriesFor(setup.battery.meterId, "export") : undefined;
  const gridImport = setup.grid ? seriesFor(setup.grid.meterId, "import") : undefined;
  const gridExport = setup.grid ? seriesFor(setup.grid.meterId, "export") : undefined;

  const bandIndex = new Map(grid.bands.map((b, i) => [b, i]));
  const dayCount = grid.days.length;
  const nb = grid.bands.length;
  // Flat accumulators: [consumer][day] solar and [consumer][day × bands] grid.
  const cSolar = setup.consumers.map(() => new Array<bigint>(dayCount).fill(0n));
  const cGrid = setup.consumers.map(() => new Array<bigint>(dayCount * nb).fill(0n));
  const plants: PlantTotals[] = setup.plants.map((p) => ({
    meterId: p.meterId,
    ownerId: p.ownerId,
    producedWh: 0n,
    toConsumersWh: 0n,
    toBatteryWh: 0n,
    exportWh: 0n,
  }));
  const battery = setup.battery
    ? {
        meterId: setup.battery.meterId,
        chargeWh: 0n,
        dischargeWh: 0n,
        toConsumersWh: 0n,
        exportWh: 0n,
        chargeFromSolarWh: 0n,
        chargeFromGridWh: 0n,
      }
    : null;
  const monthOf = (day: number) => grid.days[day]!.slice(0, 7);
  const months = new Map<string, MonthStats>();
  for (let i = 0; i < n; i++) {
    const m = monthOf(grid.dayIndex[i]!);
    let s = months.get(m);
    if (!s) {
      s = {
        month: m,
        productionWh: 0n,
        consumptionWh: 0n,
        solarUsedWh: 0n,
        exportWh: 0n,
        gridImportWh: 0n,
        measuredGridImportWh: setup.grid ? 0n : null,
        measuredGridExportWh: setup.grid ? 0n : null,
        completeIntervals: 0,
        expectedIntervals: 0,
      };
      months.set(m, s);
    }
    s.expectedIntervals++;
  }

  const missingOpen = required.map(() => ({ count: 0, ranges: [] as { startMs: number; endMs: number }[] }));
  let completeIntervals = 0;
  for (let i = 0; i < n; i++) {
    let complete = true;
    for (let r = 0; r < required.length; r++) {
      const v = required[r]!.values?.[i];
      if (v === undefined || v === null) {
        complete = false;
        const miss = missingOpen[r]!;
        miss.count++;
        const start = grid.startsMs[i]!;
        const last = miss.ranges[miss.ranges.length - 1];
        if (last && last.endMs === start) last.endMs = start + 900_000;
        else miss.ranges.push({ startMs: start, endMs: start + 900_000 });
      } else if (v < 0n) {
        throw new CommunityInputError(
          `meter ${required[r]!.meterId} ${required[r]!.register}`,
          `negative energy ${v} Wh at ${new Date(grid.startsMs[i]!).toISOString()}`,
        );
      }
    }
    if (!complete) continue;
    completeIntervals++;
    const productionWh = plantSeries.map((s) => s![i]!);
    const consumptionWh = consumerSeries.map((s) => s![i]!);
    const bat = battery ? { chargeWh: batteryCharge![i]!, dischargeWh: batteryDischarge![i]! } : undefined;
    const split = splitInterval(
      bat ? { productionWh, consumptionWh, battery: bat } : { productionWh, consumptionWh },
    );
    const day = grid.dayIndex[i]!;
    const b = bandIndex.get(grid.band[i]!)!;
    let consumed = 0n;
    let solarUsed = 0n;
    split.consumers.forEach((c, k) => {
      cSolar[k]![day] = cSolar[k]![day]! + c.solarWh;
      const gi = day * nb + b;
      cGrid[k]![gi] = cGrid[k]![gi]! + c.gridWh;
      consumed += c.solarWh + c.gridWh;
      solarUsed += c.solarWh;
    });
    let produced = 0n;
    split.plants.forEach((p, k) => {
      const t = plants[k]!;
      t.producedWh += productionWh[k]!;
      t.toConsumersWh += p.toConsumersWh;
      t.toBatteryWh += p.toBatteryWh;
      t.exportWh += p.exportWh;
      produced += productionWh[k]!;
    });
    if (battery && bat && split.battery) {
      battery.chargeWh += bat.chargeWh;
      battery.dischargeWh += bat.dischargeWh;
      battery.toConsumersWh += split.battery.toConsumersWh;
      battery.exportWh += split.battery.exportWh;
      battery.chargeFromSolarWh += split.battery.chargeFromSolarWh;
      battery.chargeFromGridWh += split.battery.chargeFromGridWh;
    }
    const s = months.get(monthOf(day))!;
    s.completeIntervals++;
    s.productionWh += produced;
    s.consumptionWh += consumed;
    s.solarUsedWh += solarUsed;
    s.exportWh += split.exportWh;
    s.gridImportWh += split.gridImportWh;
    if (gridImport && gridExport) {
      s.measuredGridImportWh = s.measuredGridImportWh! + gridImport[i]!;
      s.measuredGridExportWh = s.measuredGridExportWh! + gridExport[i]!;
    }
  }

  const toDays = (solar: bigint[], gridWh: bigint[]): DayEnergy[] =>
    solar.map((solarWh, d) => ({
      solarWh,
      gridWhByBand: new Map(grid.bands.map((band, bi) => [band, gridWh[d * nb + bi]!])),
    }));
  const consumerDays = new Map<string, DayEnergy[]>();
  setup.consumers.forEach((c, k) => consumerDays.set(c.meterId, toDays(cSolar[k]!, cGrid[k]!)));

  // Units: own meters, then the common meters' day totals by largest remainder over common weights.
  const unitIndex = new Map(setup.units.map((u, k) => [u.id, k]));
  const uSolar = setup.units.map(() => new Array<bigint>(dayCount).fill(0n));
  const uGrid = setup.units.map(() => new Array<bigint>(dayCount * nb).fill(0n));
  const commonSolar = new Array<bigint>(dayCount).fill(0n);
  const commonGrid = new Array<bigint>(dayCount * nb).fill(0n);
  setup.consumers.forEach((c, k) => {
    const own = c.unitId === null ? null : unitIndex.get(c.unitId)!;
    const solarTarget = own === null ? commonSolar : uSolar[own]!;
    const gridTarget = own === null ? commonGrid : uGrid[own]!;
    cSolar[k]!.forEach((v, d) => (solarTarget[d] = solarTarget[d]! + v));
    cGrid[k]!.forEach((v, j) => (gridTarget[j] = gridTarget[j]! + v));
  });
  if (setup.consumers.some((c) => c.unitId === null)) {
    const weights = setup.units.map((u) => u.commonWeight);
    for (let d = 0; d < dayCount; d++) {
      allocateLargestRemainder(commonSolar[d]!, weights).forEach(
        (v, u) => (uSolar[u]![d] = uSolar[u]![d]! + v),
      );
      for (let bi = 0; bi < nb; bi++) {
        const j = d * nb + bi;
        allocateLargestRemainder(commonGrid[j]!, weights).forEach(
          (v, u) => (uGrid[u]![j] = uGrid[u]![j]! + v),
        );
      }
    }
  }
  const unitDays = new Map<string, DayEnergy[]>();
  setup.units.forEach((u, k) => unitDays.set(u.id, toDays(uSolar[k]!, uGrid[k]!)));

  const missing: MissingData[] = required
    .map((r, k) => ({ meterId: r.meterId, register: r.register, ...missingOpen[k]! }))
    .filter((m) => m.count > 0);
  return {
    grid,
    expectedIntervals: n,
    completeIntervals,
    complete: completeIntervals === n,
    missing,
    consumerDays,
    unitDays,
    plants,
    battery,
    months: [...months.values()],
  };
}
