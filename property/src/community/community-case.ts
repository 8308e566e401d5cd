// Community billing cases (property/cases/<name>/case.json → expected.json): a whole period of a
// community computed by the domain from compact meter profiles, without a database. The cases are
// the worked examples of docs/communities.md; `community case <dir>` prints a case's result.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type LocalPeriod, mustParseTariff, touWindows, utcOffsetMs } from "@c4e/domain";
import {
  type CapRule,
  type CommunitySetup,
  computeCommunityPeriod,
  type ConsumerRole,
  type Language,
  type MeterSeries,
  occupancySegments,
  periodGrid,
  residentInvoice,
  segmentEnergy,
  solarPrice,
  type SolarPriceBasis,
  type Tenancy,
  type UnitFee,
} from "@c4e/domain/community";

/** Wh per quarter hour: the same everywhere, by local hour of day (24 values), or every value. */
export type Profile = { wh: number } | { byLocalHour: number[] } | { values: (number | null)[] };

export type CaseMeter =
  | { meterId: string; role: "plant"; ownerId: string; profile: Profile }
  | { meterId: string; role: ConsumerRole; unitId: string | null; profile: Profile }
  | { meterId: string; role: "battery"; charge: Profile; discharge: Profile }
  | { meterId: string; role: "grid"; import: Profile; export: Profile };

export type CommunityCase = {
  description: string;
  timeZone: string;
  currency: string;
  period: LocalPeriod;
  standardPricePerKwh: string;
  solarPrice: SolarPriceBasis;
  capRule: CapRule;
  gridPricesPerKwh: Record<string, string>;
  gridTariff?: unknown;
  fees: UnitFee[];
  vatRate: string;
  language: Language;
  units: { id: string; commonWeight: string }[];
  meters: CaseMeter[];
  tenancies: Tenancy[];
};

export async function loadCommunityCase(dir: string): Promise<CommunityCase> {
  return JSON.parse(await readFile(join(dir, "case.json"), "utf8")) as CommunityCase;
}

function expand(
  profile: Profile,
  starts: readonly number[],
  timeZone: string,
  where: string,
): (bigint | null)[] {
  if ("wh" in profile) return starts.map(() => BigInt(profile.wh));
  if ("values" in profile) {
    if (profile.values.length !== starts.length)
      throw new Error(`${where}: ${profile.values.length} values for ${starts.length} quarter hours`);
    return profile.values.map((v) => (v === null ? null : BigInt(v)));
  }
  if (profile.byLocalHour.length !== 24) throw new Error(`${where}: byLocalHour needs 24 values`);
  return starts.map((t) =>
    BigInt(profile.byLocalHour[new Date(t + utcOffsetMs(timeZone, t)).getUTCHours()]!),
  );
}

/** Runs a case; the result is plain JSON (Wh and minor units as strings). */
export function runCommunityCase(c: CommunityCase) {
  const windows =
    c.gridTariff === undefined
      ? undefined
      : touWindows({ tariff: mustParseTariff(c.gridTariff), period: c.period, timeZone: c.timeZone });
  const grid = periodGrid(c.period, c.timeZone, windows);
  const series = new Map<string, MeterSeries>();
  const setup: CommunitySetup = { plants: [], consumers: [], units: c.units };
  const plants: CommunitySetup["plants"][number][] = [];
  const consumers: CommunitySetup["consumers"][number][] = [];
  for (const m of c.meters) {
    const at = (p: Profile, register: string) =>
      expand(p, grid.startsMs, c.timeZone, `${m.meterId} ${register}`);
    switch (m.role) {
      case "plant":
        plants.push({ meterId: m.meterId, ownerId: m.ownerId });
        series.set(m.meterId, { export: at(m.profile, "export") });
        break;
      case "battery":
        setup.battery = { meterId: m.meterId };
        series.set(m.meterId, { import: at(m.charge, "charge"), export: at(m.discharge, "discharge") });
        break;
      case "grid":
        setup.grid = { meterId: m.meterId };
        series.set(m.meterId, { import: at(m.import, "import"), export: at(m.export, "export") });
        break;
      default:
        consumers.push({ meterId: m.meterId, role: m.role, unitId: m.unitId });
        series.set(m.meterId, { import: at(m.profile, "import") });
    }
  }
  setup.plants = plants;
  setup.consumers = consumers;
  const computed = computeCommunityPeriod({ setup, grid, series });
  const price = solarPrice(c.solarPrice, c.standardPricePerKwh, c.capRule);
  const segments = occupancySegments(
    c.period,
    c.units.map((u) => u.id),
    c.tenancies,
  );
  const bills = segments.map((segment) => {
    const energy = segmentEnergy(computed.unitDays.get(segment.unitId)!, c.period, segment);
    const { invoice, statement } = residentInvoice({
      currency: c.currency,
      timeZone: c.timeZone,
      period: c.period,
      segment,
      energy,
      solarPrice: price,
      gridPricesPerKwh: c.gridPricesPerKwh,
      fees: c.fees,
      vatRate: c.vatRate,
      language: c.language,
    });
    return {
      unitId: segment.unitId,
      occupant: segment.occupant.kind === "owner" ? "owner" : `tenancy ${segment.occupant.tenancyId}`,
      start: segment.start,
      end: segment.end,
      solarWh: statement.solarWh.toString(),
      gridWh: statement.gridWh.toString(),
      selfSufficiencyPercent: statement.selfSufficiencyPercent,
      lines: invoice.lines.map((l) => [l.code, l.quantity, l.unitPrice, l.amountMinor.toString()]),
      netMinor: invoice.netMinor.toString(),
      vatMinor: invoice.vatMinor.toString(),
      totalMinor: invoice.totalMinor.toString(),
    };
  });
  return {
    quarterHours: computed.expectedIntervals,
    complete: computed.complete,
    solarPrice: {
      pricePerKwh: price.pricePerKwh,
      costPricePerKwh: price.costPricePerKwh,
      capBinding: price.capBinding,
      rule: price.rule,
    },
    plants: computed.plants.map((p) => ({
      meterId: p.meterId,
      ownerId: p.ownerId,
      producedWh: p.producedWh.toString(),
      toConsumersWh: p.toConsumersWh.toString(),
      toBatteryWh: p.toBatteryWh.toString(),
      exportWh: p.exportWh.toString(),
    })),
    battery: computed.battery
      ? Object.fromEntries(
          Object.entries(computed.battery).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]),
        )
      : null,
    bills,
  };
}
