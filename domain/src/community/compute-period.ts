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
import { splitKernel, kernelBuffers } from "./split-kernel.ts";
import { splitInterval } from "./split-interval.ts";

/**
 * Wh per interval of the grid, aligned with `grid.startsMs`; null = no reading. Integer Wh as bigint
 * or as a safe integer number (a bulk loader's compact form); anything else is refused.
 */
export type RegisterSeries = readonly (bigint | number | null)[];
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

/** The largest Wh of one quarter hour taken (2⁵³ − 1; any real meter is many orders below). */
const MAX_SAFE_WH = BigInt(Number.MAX_SAFE_INTEGER);

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
  // Accumulators hold integer Wh in numbers (exact below 2⁵³, checked at the end); see split-kernel.ts.
  const P = setup.plants.length;
  const K = setup.consumers.length;
  const nSolar = setup.consumers.map(() => new Array<number>(dayCount).fill(0));
  const nGrid = setup.consumers.map(() => new Array<number>(dayCount * nb).fill(0));
  const nPlant = setup.plants.map(() => ({ produced: 0, toConsumers: 0, toBattery: 0, export: 0 }));
  const nBattery = { charge: 0, discharge: 0, toConsumers: 0, export: 0, fromSolar: 0, fromGrid: 0 };
  const monthKeys = [...months.keys()];
  const nMonth = monthKeys.map(() => ({
    production: 0,
    consumption: 0,
    solarUsed: 0,
    export: 0,
    gridImport: 0,
    measuredImport: 0,
    measuredExport: 0,
    complete: 0,
  }));
  const monthIndexOfDay = grid.days.map((d) => monthKeys.indexOf(d.slice(0, 7)));
  const prod = new Array<number>(P).fill(0);
  const cons = new Array<number>(K).fill(0);
  const buffers = kernelBuffers(P, K);
  let completeIntervals = 0;
  const requiredValues = required.map((r) => r.values ?? new Array<null>(n).fill(null));
  const R = requiredValues.length;
  for (let i = 0; i < n; i++) {
    let complete = true;
    for (let r = 0; r < R; r++) {
      const v = requiredValues[r]![i];
      if (v === null || v === undefined) {
        complete = false;
        const miss = missingOpen[r]!;
        miss.count++;
        const start = grid.startsMs[i]!;
        const last = miss.ranges[miss.ranges.length - 1];
        if (last && last.endMs === start) last.endMs = start + 900_000;
        else miss.ranges.push({ startMs: start, endMs: start + 900_000 });
      } else if (v < 0 || (typeof v === "number" ? !Number.isSafeInteger(v) : v > MAX_SAFE_WH)) {
        throw new CommunityInputError(
          `meter ${required[r]!.meterId} ${required[r]!.register}`,
          `${v < 0 ? "negative energy" : "not a plausible whole number of"} ${v} Wh at ${new Date(grid.startsMs[i]!).toISOString()}`,
        );
      }
    }
    if (!complete) continue;
    completeIntervals++;
    let produced = 0;
    for (let k = 0; k < P; k++) produced += prod[k] = Number(plantSeries[k]![i]!);
    for (let j = 0; j < K; j++) cons[j] = Number(consumerSeries[j]![i]!);
    const charge = setup.battery ? Number(batteryCharge![i]!) : 0;
    const discharge = setup.battery ? Number(batteryDischarge![i]!) : 0;
    let fromSolar = splitKernel(prod, P, cons, K, charge, discharge, buffers);
    if (fromSolar < 0) {
      // a product beyond 2⁵³: the bigint reference for this quarter hour
      const split = splitInterval({
        productionWh: prod.map(BigInt),
        consumptionWh: cons.map(BigInt),
        ...(setup.battery ? { battery: { chargeWh: BigInt(charge), dischargeWh: BigInt(discharge) } } : {}),
      });
      split.consumers.forEach((c, j) => (buffers.solar[j] = Number(c.solarWh)));
      split.plants.forEach((p, k) => {
        buffers.toConsumers[k] = Number(p.toConsumersWh);
        buffers.toBattery[k] = Number(p.toBatteryWh);
      });
      buffers.toConsumers[P] = Number(split.battery?.toConsumersWh ?? 0n);
      fromSolar = Number(split.battery?.chargeFromSolarWh ?? 0n);
    }
    const day = grid.dayIndex[i]!;
    const gi = day * nb + bandIndex.get(grid.band[i]!)!;
    let consumed = 0;
    let solarUsed = 0;
    let gridUsed = 0;
    for (let j = 0; j < K; j++) {
      const solar = buffers.solar[j]!;
      const fromGrid = cons[j]! - solar;
      const sj = nSolar[j]!;
      const gj = nGrid[j]!;
      sj[day] = sj[day]! + solar;
      gj[gi] = gj[gi]! + fromGrid;
      consumed += cons[j]!;
      solarUsed += solar;
      gridUsed += fromGrid;
    }
    let exported = 0;
    for (let k = 0; k < P; k++) {
      const t = nPlant[k]!;
      const toC = buffers.toConsumers[k]!;
      const toB = buffers.toBattery[k]!;
      t.produced += prod[k]!;
      t.toConsumers += toC;
      t.toBattery += toB;
      t.export += prod[k]! - toC - toB;
      exported += prod[k]! - toC - toB;
    }
    if (setup.battery) {
      const toC = buffers.toConsumers[P]!;
      nBattery.charge += charge;
      nBattery.discharge += discharge;
      nBattery.toConsumers += toC;
      nBattery.export += discharge - toC;
      nBattery.fromSolar += fromSolar;
      nBattery.fromGrid += charge - fromSolar;
      exported += discharge - toC;
      gridUsed += charge - fromSolar;
    }
    const s = nMonth[monthIndexOfDay[day]!]!;
    s.complete++;
    s.production += produced;
    s.consumption += consumed;
    s.solarUsed += solarUsed;
    s.export += exported;
    s.gridImport += gridUsed;
    if (gridImport && gridExport) {
      s.measuredImport += Number(gridImport[i]!);
      s.measuredExport += Number(gridExport[i]!);
    }
  }

  const big = (x: number, what: string): bigint => {
    if (!Number.isSafeInteger(x))
      throw new CommunityInputError(what, `a total beyond 2^53 Wh cannot be summed exactly`);
    return BigInt(x);
  };
  const cSolar = nSolar.map((a, j) => a.map((x) => big(x, `meter ${setup.consumers[j]!.meterId}`)));
  const cGrid = nGrid.map((a, j) => a.map((x) => big(x, `meter ${setup.consumers[j]!.meterId}`)));
  const plants: PlantTotals[] = setup.plants.map((p, k) => ({
    meterId: p.meterId,
    ownerId: p.ownerId,
    producedWh: big(nPlant[k]!.produced, `meter ${p.meterId}`),
    toConsumersWh: big(nPlant[k]!.toConsumers, `meter ${p.meterId}`),
    toBatteryWh: big(nPlant[k]!.toBattery, `meter ${p.meterId}`),
    exportWh: big(nPlant[k]!.export, `meter ${p.meterId}`),
  }));
  const battery = setup.battery
    ? {
        meterId: setup.battery.meterId,
        chargeWh: big(nBattery.charge, "battery"),
        dischargeWh: big(nBattery.discharge, "battery"),
        toConsumersWh: big(nBattery.toConsumers, "battery"),
        exportWh: big(nBattery.export, "battery"),
        chargeFromSolarWh: big(nBattery.fromSolar, "battery"),
        chargeFromGridWh: big(nBattery.fromGrid, "battery"),
      }
    : null;
  monthKeys.forEach((key, m) => {
    const s = months.get(key)!;
    const x = nMonth[m]!;
    s.completeIntervals = x.complete;
    s.productionWh = big(x.production, `month ${key}`);
    s.consumptionWh = big(x.consumption, `month ${key}`);
    s.solarUsedWh = big(x.solarUsed, `month ${key}`);
    s.exportWh = big(x.export, `month ${key}`);
    s.gridImportWh = big(x.gridImport, `month ${key}`);
    if (setup.grid) {
      s.measuredGridImportWh = big(x.measuredImport, `month ${key}`);
      s.measuredGridExportWh = big(x.measuredExport, `month ${key}`);
    }
  });

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
