/**
 * The lines of a supply bill for one period, unrounded: energy by the tariff's pricing kind,
 * capacity and demand charges, fixed charges, network charges, the renewable levy and export
 * compensation. Shared by the monthly and the advance invoice.
 */
import {
  type AggregatedConsumption,
  type Consumption,
  type PricePoint,
  aggregateIntervals,
  kwh,
} from "./consumption.ts";
import type { ContractTerms } from "./contract-terms.ts";
import { BillingInputError } from "./errors.ts";
import { capacityLines } from "./charges/capacity.ts";
import { dailyDemandLines, demandLines } from "./charges/demand.ts";
import { ENERGY_MODELS, energyLines } from "./charges/energy-models.ts";
import { feedInLines } from "./charges/export-compensation.ts";
import { adjustmentLines } from "./charges/adjustments.ts";
import { fixedChargeLines } from "./charges/fixed-charges.ts";
import { minimumChargeLines } from "./charges/minimum-charges.ts";
import { type LineContext, ZERO, fixedLines, perKwhLines } from "./charges/lines.ts";
import { netByBand, netEnergy } from "../energy/balance.ts";
import type { DraftLine } from "./invoice-builder.ts";
import type { LocalPeriod } from "./local-time.ts";
import { BillingDecimal, DECIMAL_PATTERN, formatDecimal } from "./money.ts";
import { monthsFraction } from "./price-schedule.ts";
import { type Tariff, energyKind, energyPricing } from "./tariff.ts";
import { SINGLE_BAND, checkPeriod } from "./tou-windows.ts";

export type BillLinesParams = {
  tariff: Tariff;
  terms: ContractTerms;
  period: LocalPeriod;
  timeZone: string;
  consumption: Consumption;
  marketPrices?: readonly PricePoint[];
};

/** The energy quantities a bill is computed from. */
export type BilledQuantities = {
  importKwh: BillingDecimal;
  exportKwh: BillingDecimal;
  /** Import per band after net metering (TOU), or under "all". */
  billedByBand: Map<string, BillingDecimal>;
  /** Import after net metering. */
  billedKwh: BillingDecimal;
  surplusExportKwh: BillingDecimal;
  peakDemandKw?: BillingDecimal;
  /** Peak kW per local day, for a demand charge per day. */
  dailyPeakDemandKw?: Map<string, BillingDecimal>;
  dynamicCost?: { energyKwh: BillingDecimal; cost: BillingDecimal };
};

/** All unrounded lines of the bill, in presentation order. */
export function billLines(params: BillLinesParams): { lines: DraftLine[]; quantities: BilledQuantities } {
  const { tariff, terms, period, timeZone } = params;
  checkPeriod(period, timeZone);
  const q = billedQuantities(params);
  const ctx: LineContext = { period, timeZone };
  const netInfo =
    tariff.export?.kind === "net_metering"
      ? {
          netMetering: {
            importKwh: formatDecimal(q.importKwh),
            exportKwh: formatDecimal(q.exportKwh),
            surplusExportKwh: formatDecimal(q.surplusExportKwh),
          },
        }
      : undefined;
  const lines = energyLines({ ...ctx, quantities: q, netInfo }, energyPricing(tariff));
  lines.push(...adjustmentLines(ctx, tariff.adjustments ?? [], q.billedKwh));
  if (tariff.capacity !== undefined) lines.push(...capacityLines(ctx, tariff.capacity));
  if (tariff.demand?.per === "day") {
    lines.push(...dailyDemandLines(ctx, tariff.demand, q.dailyPeakDemandKw ?? new Map()));
  } else if (tariff.demand !== undefined) {
    lines.push(...demandLines(ctx, tariff.demand, q.peakDemandKw ?? ZERO));
  }
  lines.push(...fixedChargeLines(ctx, tariff.fixedCharges ?? []));
  lines.push(...minimumChargeLines(ctx, tariff.minimumCharges ?? [], lines));
  lines.push(...networkLines(ctx, terms, q.billedKwh));
  if (!terms.priceIncludesLevy) {
    const levy = terms.levy;
    if (levy === undefined)
      throw new BillingInputError("invalid_input", "terms.levy is required when the price excludes it");
    lines.push(...perKwhLines(ctx, "levy", levy.code, levy.description, q.billedKwh, levy.price));
  }
  if (tariff.export?.kind === "feed_in") lines.push(...feedInLines(ctx, tariff.export.price, q.exportKwh));
  return { lines, quantities: q };
}

/** The network charges of the contract, when the customer pays them through the supplier. */
function networkLines(ctx: LineContext, terms: ContractTerms, billedKwh: BillingDecimal): DraftLine[] {
  if (terms.network === undefined || terms.network.paidBy !== "customer") return [];
  return terms.network.charges.flatMap((charge) =>
    charge.per === "kWh"
      ? perKwhLines(ctx, "network", charge.code, charge.description, billedKwh, charge.price)
      : fixedLines(ctx, "network", charge.code, charge.description, charge.per, charge.price),
  );
}

/** Resolves any consumption form into billed quantities (applying net metering). */
export function billedQuantities(params: BillLinesParams): BilledQuantities {
  const { tariff, period, timeZone } = params;
  const kind = energyKind(tariff);
  let agg: AggregatedConsumption;
  const c = params.consumption;
  if (c.kind === "intervals") {
    agg = aggregateIntervals({
      tariff,
      period,
      timeZone,
      consumption: c,
      marketPrices: params.marketPrices ?? [],
    });
  } else if (c.kind === "aggregated") {
    agg = c;
  } else {
    const reading = c.kind === "readings" ? { from: c.from, to: c.to } : c.reading;
    let importKwh: BillingDecimal;
    if (reading !== undefined) {
      importKwh = kwh(reading.to.kwh, "reading to").minus(kwh(reading.from.kwh, "reading from"));
      if (importKwh.isNegative()) {
        throw new BillingInputError(
          "consumption_mismatch",
          `meter reading went down: ${reading.from.kwh} → ${reading.to.kwh}`,
        );
      }
    } else if (c.kind === "slp") {
      importKwh = kwh(c.annualKwh, "annualKwh").div(12).times(monthsFraction(period));
    } else {
      throw new BillingInputError("invalid_input", "readings need from and to");
    }
    if (!ENERGY_MODELS[kind].billsTotals) {
      throw new BillingInputError(
        "unsupported_combination",
        `a ${kind} tariff needs interval or aggregated consumption, not ${c.kind}`,
      );
    }
    if (tariff.demand !== undefined) {
      throw new BillingInputError(
        "unsupported_combination",
        `a demand charge needs interval or aggregated consumption, not ${c.kind}`,
      );
    }
    agg = { kind: "aggregated", importKwhByBand: {}, importKwh: formatDecimal(importKwh), exportKwh: "0" };
  }
  return quantitiesOf(tariff, agg);
}

function quantitiesOf(tariff: Tariff, agg: AggregatedConsumption): BilledQuantities {
  const importKwh = kwh(agg.importKwh, "importKwh");
  const exportKwh = kwh(agg.exportKwh, "exportKwh");
  const byBand = new Map<string, BillingDecimal>();
  if (tariff.tou !== undefined) {
    const known = new Set(tariff.tou.bands.map((b) => b.code));
    let sum = ZERO;
    for (const [band, text] of Object.entries(agg.importKwhByBand)) {
      if (!known.has(band))
        throw new BillingInputError("consumption_mismatch", `importKwhByBand has unknown band ${band}`);
      const q = kwh(text, `importKwhByBand.${band}`);
      byBand.set(band, q);
      sum = sum.plus(q);
    }
    if (!sum.equals(importKwh)) {
      throw new BillingInputError(
        "consumption_mismatch",
        `Σ importKwhByBand ${formatDecimal(sum)} ≠ importKwh ${agg.importKwh}`,
      );
    }
  } else {
    byBand.set(SINGLE_BAND, importKwh);
  }
  const netMetering = tariff.export?.kind === "net_metering";
  const { billedKwh, surplusExportKwh } = netEnergy({ importKwh, exportKwh, netMetering });
  // Net metering under TOU: the netted kWh come off every band in proportion to its import.
  const billedByBand =
    netMetering && tariff.tou !== undefined
      ? netByBand({ bands: tariff.tou.bands.map((b) => b.code), importByBand: byBand, importKwh, billedKwh })
      : byBand;
  const out: BilledQuantities = { importKwh, exportKwh, billedByBand, billedKwh, surplusExportKwh };
  if (tariff.demand !== undefined) {
    if (agg.peakDemandKw === undefined)
      throw new BillingInputError("consumption_mismatch", "peakDemandKw is required by the demand charge");
    out.peakDemandKw = kwh(agg.peakDemandKw, "peakDemandKw");
    if (tariff.demand.per === "day") {
      if (agg.dailyPeakDemandKw === undefined)
        throw new BillingInputError(
          "consumption_mismatch",
          "dailyPeakDemandKw is required by a demand charge per day",
        );
      out.dailyPeakDemandKw = new Map(
        Object.entries(agg.dailyPeakDemandKw).map(([day, kw]) => [day, kwh(kw, `dailyPeakDemandKw.${day}`)]),
      );
    }
  }
  if (tariff.dynamic !== undefined) {
    if (agg.dynamicCost === undefined)
      throw new BillingInputError("consumption_mismatch", "dynamicCost is required by a dynamic tariff");
    const energyKwh = kwh(agg.dynamicCost.energyKwh, "dynamicCost.energyKwh");
    if (!DECIMAL_PATTERN.test(agg.dynamicCost.cost))
      throw new BillingInputError("invalid_input", "dynamicCost.cost: not a decimal");
    if (!energyKwh.equals(importKwh))
      throw new BillingInputError("consumption_mismatch", "dynamicCost.energyKwh ≠ importKwh");
    out.dynamicCost = { energyKwh, cost: new BillingDecimal(agg.dynamicCost.cost) };
  }
  return out;
}
