/**
 * Consumption as the billing functions accept it: raw intervals (cases, tests), quantities
 * pre-aggregated in SQL per TOU window (bill runs), a standard load profile (SLP) or two meter
 * readings. `aggregateIntervals` is the reference for what the SQL aggregation must produce.
 */
import { BillingInputError } from "./errors.ts";
import { type LocalPeriod, localDateOf, periodInstants } from "./local-time.ts";
import { BillingDecimal, DECIMAL_PATTERN, formatDecimal } from "./money.ts";
import type { Tariff } from "./tariff.ts";
import { SINGLE_BAND, checkPeriod, touWindows } from "./tou-windows.ts";

/** One metered interval; `start` is an ISO instant, the interval lasts `intervalMinutes`. */
export type IntervalReading = { start: string; importKwh: string; exportKwh?: string };
export type IntervalConsumption = {
  kind: "intervals";
  /** Length of each interval; default 15. */
  intervalMinutes?: 15 | 60;
  intervals: IntervalReading[];
};
export type AggregatedConsumption = {
  kind: "aggregated";
  /** kWh imported per TOU band (sum over the band's windows); missing bands count as 0. */
  importKwhByBand: Record<string, string>;
  exportKwh: string;
  importKwh: string;
  /** kWh exported per TOU band (needed by net metering with `netting: "band"`; missing bands = 0). */
  exportKwhByBand?: Record<string, string>;
  /** Peak mean kW over the tariff's demand resolution (needed by a demand charge). */
  peakDemandKw?: string;
  /** Peak mean kW of each local day `YYYY-MM-DD` (needed by a demand charge per day; missing days = 0). */
  dailyPeakDemandKw?: Record<string, string>;
  /** Exact Σ kWh × market price of each interval (needed by a dynamic tariff). */
  dynamicCost?: { energyKwh: string; cost: string; excessKwh?: string; excessValue?: string };
};
export type MeterReading = { at: string; kwh: string };
export type SlpConsumption = {
  kind: "slp";
  annualKwh: string;
  /** A reading reported by the customer: then the period is billed by reading. */
  reading?: { from: MeterReading; to: MeterReading };
};
export type ReadingConsumption = { kind: "readings"; from: MeterReading; to: MeterReading };
export type Consumption = IntervalConsumption | AggregatedConsumption | SlpConsumption | ReadingConsumption;

/** A market price valid from `start` (ISO instant) for the tariff's dynamic resolution, per kWh. */
export type PricePoint = { start: string; price: string };

export type AggregateIntervalsParams = {
  tariff: Tariff;
  period: LocalPeriod;
  timeZone: string;
  consumption: IntervalConsumption;
  marketPrices?: readonly PricePoint[];
};

/**
 * Sums intervals the way the SQL aggregation does: intervals whose start lies in the period, import
 * per TOU window band (window containing the interval start), total import and export, the peak mean
 * kW per demand bucket (UTC-aligned 15- or 60-minute buckets, i.e. local hours in zones with
 * whole-hour offsets; per local day of the bucket start for a demand charge per day) and the exact
 * dynamic cost Σ kWh × price (under net metering: Σ over price slots of max(0, import − export) × price,
 * the rest of export as `excessKwh`).
 */
export function aggregateIntervals(params: AggregateIntervalsParams): AggregatedConsumption {
  const { tariff, period, timeZone, consumption } = params;
  checkPeriod(period, timeZone);
  const { startMs, endMs } = periodInstants(period, timeZone);
  const intervalMinutes = consumption.intervalMinutes ?? 15;
  const windows = touWindows({ tariff, period, timeZone });
  const bands = new Map<string, BillingDecimal>();
  if (tariff.tou !== undefined) for (const b of tariff.tou.bands) bands.set(b.code, new BillingDecimal(0));
  else bands.set(SINGLE_BAND, new BillingDecimal(0));

  const demandMinutes = tariff.demand?.resolutionMinutes;
  if (demandMinutes !== undefined && intervalMinutes > demandMinutes) {
    throw new BillingInputError(
      "unsupported_combination",
      `${intervalMinutes}-minute intervals cannot give ${demandMinutes}-minute demand`,
    );
  }
  const demandBuckets = new Map<number, BillingDecimal>();
  const prices =
    tariff.dynamic !== undefined
      ? priceIndex(params.marketPrices ?? [], tariff.dynamic.resolutionMinutes)
      : undefined;

  const exportBands =
    tariff.export?.kind === "net_metering" && tariff.export.netting === "band"
      ? new Map([...bands.keys()].map((b) => [b, new BillingDecimal(0)]))
      : undefined;
  // Net metering with dynamic prices nets within each price slot, at that slot's price.
  const netSlots =
    tariff.dynamic !== undefined && tariff.export?.kind === "net_metering"
      ? new Map<number, { price: BillingDecimal; net: BillingDecimal }>()
      : undefined;
  let importKwh = new BillingDecimal(0);
  let exportKwh = new BillingDecimal(0);
  let cost = new BillingDecimal(0);
  const seen = new Set<number>();
  let w = 0;
  const sorted = consumption.intervals
    .map((r) => ({ r, ms: instantMs(r.start) }))
    .filter((x) => x.ms >= startMs && x.ms < endMs)
    .sort((a, b) => a.ms - b.ms);
  for (const { r, ms } of sorted) {
    if (seen.has(ms)) throw new BillingInputError("consumption_mismatch", `duplicate interval at ${r.start}`);
    seen.add(ms);
    const imp = kwh(r.importKwh, `interval ${r.start} importKwh`);
    const exp = kwh(r.exportKwh ?? "0", `interval ${r.start} exportKwh`);
    importKwh = importKwh.plus(imp);
    exportKwh = exportKwh.plus(exp);
    while (w < windows.length && windows[w]!.end.getTime() <= ms) w++;
    const window = windows[w];
    if (window === undefined || window.start.getTime() > ms) {
      throw new BillingInputError("invalid_input", `no TOU window for ${r.start}`);
    }
    bands.set(window.band, (bands.get(window.band) ?? new BillingDecimal(0)).plus(imp));
    if (exportBands !== undefined)
      exportBands.set(window.band, (exportBands.get(window.band) ?? new BillingDecimal(0)).plus(exp));
    if (demandMinutes !== undefined) {
      const bucket = Math.floor(ms / (demandMinutes * 60_000));
      demandBuckets.set(bucket, (demandBuckets.get(bucket) ?? new BillingDecimal(0)).plus(imp));
    }
    if (prices !== undefined && tariff.dynamic !== undefined) {
      const res = tariff.dynamic.resolutionMinutes * 60_000;
      const slotMs = Math.floor(ms / res) * res;
      const price = prices.get(slotMs);
      if (price === undefined)
        throw new BillingInputError("market_price_missing", `no market price for ${r.start}`);
      if (netSlots !== undefined) {
        const slot = netSlots.get(slotMs) ?? { price, net: new BillingDecimal(0) };
        netSlots.set(slotMs, { price, net: slot.net.plus(imp).minus(exp) });
      } else {
        cost = cost.plus(imp.times(price));
      }
    }
  }
  const out: AggregatedConsumption = {
    kind: "aggregated",
    importKwhByBand: Object.fromEntries([...bands].map(([b, q]) => [b, formatDecimal(q)])),
    exportKwh: formatDecimal(exportKwh),
    importKwh: formatDecimal(importKwh),
  };
  if (exportBands !== undefined) {
    out.exportKwhByBand = Object.fromEntries([...exportBands].map(([b, q]) => [b, formatDecimal(q)]));
  }
  if (demandMinutes !== undefined) {
    let peak = new BillingDecimal(0);
    for (const q of demandBuckets.values()) peak = BillingDecimal.max(peak, q);
    out.peakDemandKw = formatDecimal(peak.times(60).div(demandMinutes));
    if (tariff.demand?.per === "day") {
      // A bucket belongs to the local day of its start.
      const daily = new Map<string, BillingDecimal>();
      for (const [bucket, q] of demandBuckets) {
        const day = localDateOf(bucket * demandMinutes * 60_000, timeZone);
        daily.set(day, BillingDecimal.max(daily.get(day) ?? new BillingDecimal(0), q));
      }
      out.dailyPeakDemandKw = Object.fromEntries(
        [...daily]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([day, q]) => [day, formatDecimal(q.times(60).div(demandMinutes))]),
      );
    }
  }
  if (prices !== undefined)
    if (netSlots !== undefined) {
      let energyKwh = new BillingDecimal(0);
      let excessKwh = new BillingDecimal(0);
      let excessValue = new BillingDecimal(0);
      for (const { price, net } of netSlots.values()) {
        if (net.isPositive() && !net.isZero()) {
          energyKwh = energyKwh.plus(net);
          cost = cost.plus(net.times(price));
        } else {
          excessKwh = excessKwh.minus(net);
          excessValue = excessValue.minus(net.times(price));
        }
      }
      out.dynamicCost = {
        energyKwh: formatDecimal(energyKwh),
        cost: formatDecimal(cost),
        excessKwh: formatDecimal(excessKwh),
        excessValue: formatDecimal(excessValue),
      };
    } else {
      out.dynamicCost = { energyKwh: formatDecimal(importKwh), cost: formatDecimal(cost) };
    }
  return out;
}

function priceIndex(points: readonly PricePoint[], resolutionMinutes: number): Map<number, BillingDecimal> {
  const res = resolutionMinutes * 60_000;
  const index = new Map<number, BillingDecimal>();
  for (const p of points) {
    const ms = instantMs(p.start);
    if (ms % res !== 0) {
      throw new BillingInputError(
        "invalid_input",
        `market price ${p.start} is not on a ${resolutionMinutes}-minute boundary`,
      );
    }
    if (!DECIMAL_PATTERN.test(p.price))
      throw new BillingInputError("invalid_input", `market price ${p.start}: bad price`);
    index.set(ms, new BillingDecimal(p.price));
  }
  return index;
}

/** Parses an ISO instant with an explicit offset or Z. */
export function instantMs(text: string): number {
  const ms = /(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw new BillingInputError("invalid_input", `not an ISO instant with offset: ${text}`);
  return ms;
}

/** Parses a non-negative kWh decimal string. */
export function kwh(text: string, what: string): BillingDecimal {
  if (!DECIMAL_PATTERN.test(text))
    throw new BillingInputError("invalid_input", `${what}: not a decimal (${text})`);
  const d = new BillingDecimal(text);
  if (d.isNegative() && !d.isZero())
    throw new BillingInputError("invalid_input", `${what}: negative (${text})`);
  return d;
}
