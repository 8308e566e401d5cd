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
import { marketCreditLines } from "./charges/market-credit.ts";
import { commodityOf, convertGasConsumption, labelQuantities } from "./charges/commodity.ts";
import { dailyDemandLines, demandLines } from "./charges/demand.ts";
import { ENERGY_MODELS, energyLines } from "./charges/energy-models.ts";
import { creditLines, feedInLines } from "./charges/export-compensation.ts";
import { adjustmentLines } from "./charges/adjustments.ts";
import { fixedChargeLines } from "./charges/fixed-charges.ts";
import { minimumChargeLines } from "./charges/minimum-charges.ts";
import { type LineContext, ZERO, fixedLines, perKwhLines } from "./charges/lines.ts";
import { type BandNetting, netByBand, netEnergy, netPerBand } from "../energy/balance.ts";
import type { DraftLine } from "./invoice-builder.ts";
import type { LocalPeriod } from "./local-time.ts";
import { BillingDecimal, DECIMAL_PATTERN, formatDecimal } from "./money.ts";
import { monthsFraction } from "./price-schedule.ts";
import { type PriceValue, type Tariff, energyKind, energyPricing } from "./tariff.ts";
import { SINGLE_BAND, checkPeriod } from "./tou-windows.ts";

export type BillLinesParams = {
  tariff: Tariff;
  terms: ContractTerms;
  period: LocalPeriod;
  timeZone: string;
  consumption: Consumption;
  marketPrices?: readonly PricePoint[];
  /** Net metering across invoices (`export.excess` roll-over or annual true-up). */
  netMetering?: NetMeteringState;
};

/**
 * Credit carried in from the previous invoice, kWh per band (`"all"` without TOU), and whether this
 * invoice is the annual true-up (the credit left is paid out and the carry-over restarts at 0).
 */
export type NetMeteringState = {
  carriedOverKwh?: Record<string, string>;
  /** with dynamic prices the credit is money (major units): see charges/market-credit.ts */
  carriedOverCredit?: string;
  trueUp?: boolean;
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
  /** Net metering per band (`netting: "band"`), by band. */
  bandNetting?: Map<string, BandNetting>;
  peakDemandKw?: BillingDecimal;
  /** Peak kW per local day, for a demand charge per day. */
  dailyPeakDemandKw?: Map<string, BillingDecimal>;
  dynamicCost?: { energyKwh: BillingDecimal; cost: BillingDecimal; excessValue?: BillingDecimal };
};

/** All unrounded lines of the bill, in presentation order. */
export function billLines(input: BillLinesParams): { lines: DraftLine[]; quantities: BilledQuantities } {
  const { tariff, terms, period, timeZone } = input;
  checkPeriod(period, timeZone);
  // Gas metered in m³ is priced in kWh: converted first, the conversion shown on the energy lines.
  const gas =
    tariff.gasConversion !== undefined
      ? convertGasConsumption(input.consumption, tariff.gasConversion, period, timeZone)
      : undefined;
  const params = gas !== undefined ? { ...input, consumption: gas.consumption } : input;
  const q = billedQuantities(params);
  const ctx: LineContext = { period, timeZone };
  const nm = tariff.export?.kind === "net_metering" ? tariff.export : undefined;
  const excess = excessOutcome(params, q);
  const netInfo =
    q.bandNetting !== undefined && nm !== undefined
      ? {
          netMetering: {
            importKwh: formatDecimal(q.importKwh),
            exportKwh: formatDecimal(q.exportKwh),
            surplusExportKwh: formatDecimal(q.surplusExportKwh),
            netting: "band",
            excess: nm.excess?.kind ?? "drop",
            bands: Object.fromEntries(
              [...q.bandNetting].map(([band, n]) => [
                band,
                {
                  importKwh: formatDecimal(n.importKwh),
                  exportKwh: formatDecimal(n.exportKwh),
                  carriedInKwh: formatDecimal(n.carriedInKwh),
                  billedKwh: formatDecimal(n.billedKwh),
                  excessKwh: formatDecimal(n.excessKwh),
                  ...(excess.carryOver !== undefined
                    ? { carryOverKwh: formatDecimal(excess.carryOver.get(band) ?? ZERO) }
                    : {}),
                },
              ]),
            ),
          },
        }
      : nm !== undefined
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
  lines.push(...excess.lines(ctx, lines));
  return { lines: labelQuantities(lines, commodityOf(tariff), gas?.breakdown), quantities: q };
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
  return quantitiesOf(tariff, agg, params.netMetering);
}

function quantitiesOf(
  tariff: Tariff,
  agg: AggregatedConsumption,
  state: NetMeteringState | undefined,
): BilledQuantities {
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
  if (netMetering && tariff.export?.kind === "net_metering" && tariff.export.netting === "band") {
    const netted = bandNetted(tariff, agg, byBand, importKwh, exportKwh, state);
    return { ...netted, ...addOns(tariff, agg, netted.billedKwh) };
  }
  if (state?.carriedOverKwh !== undefined || state?.trueUp !== undefined) {
    throw new BillingInputError(
      "invalid_input",
      'netMetering (carried-over kWh, true-up) needs export.netting "band" with roll-over or annual-true-up',
    );
  }
  const { billedKwh, surplusExportKwh } = netEnergy({ importKwh, exportKwh, netMetering });
  // Net metering under TOU: the netted kWh come off every band in proportion to its import.
  const billedByBand =
    netMetering && tariff.tou !== undefined
      ? netByBand({ bands: tariff.tou.bands.map((b) => b.code), importByBand: byBand, importKwh, billedKwh })
      : byBand;
  return {
    importKwh,
    exportKwh,
    billedByBand,
    billedKwh,
    surplusExportKwh,
    ...addOns(tariff, agg, importKwh),
  };
}

/** The demand and dynamic quantities of the aggregate (`billedKwh`: the import the dynamic cost prices). */
function addOns(
  tariff: Tariff,
  agg: AggregatedConsumption,
  billedKwh: BillingDecimal,
): Pick<BilledQuantities, "peakDemandKw" | "dailyPeakDemandKw" | "dynamicCost"> {
  const out: Pick<BilledQuantities, "peakDemandKw" | "dailyPeakDemandKw" | "dynamicCost"> = {};
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
    if (!energyKwh.equals(billedKwh))
      throw new BillingInputError(
        "consumption_mismatch",
        `dynamicCost.energyKwh ≠ ${tariff.export?.kind === "net_metering" ? "netted import" : "importKwh"}`,
      );
    const excessValue = agg.dynamicCost.excessValue;
    if (excessValue !== undefined && !DECIMAL_PATTERN.test(excessValue))
      throw new BillingInputError("invalid_input", "dynamicCost.excessValue: not a decimal");
    out.dynamicCost = {
      energyKwh,
      cost: new BillingDecimal(agg.dynamicCost.cost),
      ...(excessValue !== undefined ? { excessValue: new BillingDecimal(excessValue) } : {}),
    };
  }
  return out;
}

/** Net metering within each band (`netting: "band"`), with the credit carried in. */
function bandNetted(
  tariff: Tariff,
  agg: AggregatedConsumption,
  importByBand: Map<string, BillingDecimal>,
  importKwh: BillingDecimal,
  exportKwh: BillingDecimal,
  state: NetMeteringState | undefined,
): Omit<BilledQuantities, "peakDemandKw" | "dailyPeakDemandKw" | "dynamicCost"> {
  const rule = tariff.export?.kind === "net_metering" ? (tariff.export.excess?.kind ?? "drop") : "drop";
  if (tariff.dynamic !== undefined) return dynamicNetted(agg, importKwh, exportKwh, state, rule);
  const bands = tariff.tou !== undefined ? tariff.tou.bands.map((b) => b.code) : [SINGLE_BAND];
  const known = new Set(bands);
  const exportByBand = new Map<string, BillingDecimal>();
  if (tariff.tou === undefined) {
    exportByBand.set(SINGLE_BAND, exportKwh);
  } else {
    if (agg.exportKwhByBand === undefined)
      throw new BillingInputError("consumption_mismatch", 'exportKwhByBand is required by netting "band"');
    let sum = ZERO;
    for (const [band, text] of Object.entries(agg.exportKwhByBand)) {
      if (!known.has(band))
        throw new BillingInputError("consumption_mismatch", `exportKwhByBand has unknown band ${band}`);
      const q = kwh(text, `exportKwhByBand.${band}`);
      exportByBand.set(band, q);
      sum = sum.plus(q);
    }
    if (!sum.equals(exportKwh))
      throw new BillingInputError(
        "consumption_mismatch",
        `Σ exportKwhByBand ${formatDecimal(sum)} ≠ exportKwh ${agg.exportKwh}`,
      );
  }
  const carries = rule === "roll-over" || rule === "annual-true-up";
  if (state?.carriedOverCredit !== undefined)
    throw new BillingInputError(
      "invalid_input",
      "a carried credit in money is for dynamic prices: use carriedOverKwh",
    );
  const carriedInByBand = new Map<string, BillingDecimal>();
  for (const [band, text] of Object.entries(state?.carriedOverKwh ?? {})) {
    if (!carries)
      throw new BillingInputError(
        "invalid_input",
        `carried-over kWh need excess roll-over or annual-true-up, not ${rule}`,
      );
    if (!known.has(band))
      throw new BillingInputError("invalid_input", `carriedOverKwh has unknown band ${band}`);
    carriedInByBand.set(band, kwh(text, `carriedOverKwh.${band}`));
  }
  if (state?.trueUp !== undefined && rule !== "annual-true-up")
    throw new BillingInputError("invalid_input", `trueUp needs excess annual-true-up, not ${rule}`);
  const bandNetting = netPerBand({ bands, importByBand, exportByBand, carriedInByBand });
  let billedKwh = ZERO;
  let surplusExportKwh = ZERO;
  const billedByBand = new Map<string, BillingDecimal>();
  for (const [band, n] of bandNetting) {
    billedByBand.set(band, n.billedKwh);
    billedKwh = billedKwh.plus(n.billedKwh);
    surplusExportKwh = surplusExportKwh.plus(n.excessKwh);
  }
  return { importKwh, exportKwh, billedByBand, billedKwh, surplusExportKwh, bandNetting };
}

/** Dynamic prices: netted within each price slot by the aggregation (`dynamicCost.energyKwh`, `excessKwh`). */
function dynamicNetted(
  agg: AggregatedConsumption,
  importKwh: BillingDecimal,
  exportKwh: BillingDecimal,
  state: NetMeteringState | undefined,
  rule: string,
): Omit<BilledQuantities, "peakDemandKw" | "dailyPeakDemandKw" | "dynamicCost"> {
  if (state?.carriedOverKwh !== undefined)
    throw new BillingInputError(
      "invalid_input",
      "with dynamic prices the carried credit is money: netMetering.carriedOverCredit, not carriedOverKwh",
    );
  if (state?.carriedOverCredit !== undefined && rule !== "roll-over" && rule !== "annual-true-up")
    throw new BillingInputError(
      "invalid_input",
      `a carried credit needs excess roll-over or annual-true-up, not ${rule}`,
    );
  if (state?.trueUp !== undefined && rule !== "annual-true-up")
    throw new BillingInputError("invalid_input", `trueUp needs excess annual-true-up, not ${rule}`);
  const excess = agg.dynamicCost?.excessKwh;
  if (agg.dynamicCost === undefined || excess === undefined)
    throw new BillingInputError(
      "consumption_mismatch",
      "dynamicCost with excessKwh is required by net metering with dynamic prices",
    );
  const billedKwh = kwh(agg.dynamicCost.energyKwh, "dynamicCost.energyKwh");
  const excessKwh = kwh(excess, "dynamicCost.excessKwh");
  if (billedKwh.greaterThan(importKwh) || excessKwh.greaterThan(exportKwh))
    throw new BillingInputError("consumption_mismatch", "netted kWh exceed import or export");
  const bandNetting = new Map<string, BandNetting>([
    [SINGLE_BAND, { importKwh, exportKwh, carriedInKwh: ZERO, billedKwh, excessKwh }],
  ]);
  return {
    importKwh,
    exportKwh,
    billedByBand: new Map([[SINGLE_BAND, billedKwh]]),
    billedKwh,
    surplusExportKwh: excessKwh,
    bandNetting,
  };
}

/** What the excess rule makes of the credit left after band netting: credit lines and the carry-over. */
function excessOutcome(
  params: BillLinesParams,
  q: BilledQuantities,
): {
  lines: (ctx: LineContext, sofar: readonly DraftLine[]) => DraftLine[];
  carryOver?: Map<string, BillingDecimal>;
} {
  const nm = params.tariff.export?.kind === "net_metering" ? params.tariff.export : undefined;
  const rule = nm?.excess;
  if (q.bandNetting === undefined || rule === undefined || rule.kind === "drop") return { lines: () => [] };
  if (params.tariff.dynamic !== undefined && (rule.kind === "roll-over" || rule.kind === "annual-true-up")) {
    const excessValue = q.dynamicCost?.excessValue;
    if (excessValue === undefined)
      throw new BillingInputError(
        "consumption_mismatch",
        "dynamicCost.excessValue is required by a carried credit with dynamic prices",
      );
    const carriedIn = params.netMetering?.carriedOverCredit;
    return {
      lines: (ctx, sofar) =>
        marketCreditLines(ctx, {
          currency: params.tariff.currency,
          excessKwh: q.surplusExportKwh,
          excessValue,
          carriedIn: carriedIn === undefined ? ZERO : kwh(carriedIn, "netMetering.carriedOverCredit"),
          energyCharges: sofar
            .filter((l) => l.code === "energy.spot" || l.code === "energy.margin")
            .reduce((s, l) => s.plus(l.precise), ZERO),
          trueUp: params.netMetering?.trueUp === true,
        }),
    };
  }
  const excessByBand = new Map([...q.bandNetting].map(([band, n]) => [band, n.excessKwh]));
  if (rule.kind === "sell-back") {
    return {
      lines: (ctx) =>
        creditLines(ctx, "export.sell_back", "Net metering excess sold back", q.surplusExportKwh, rule.price),
    };
  }
  if (rule.kind === "roll-over" || params.netMetering?.trueUp !== true) {
    return { lines: () => [], carryOver: excessByBand };
  }
  const zeros = new Map([...excessByBand.keys()].map((band) => [band, ZERO]));
  const price = rule.price;
  if (price !== "retail") {
    return {
      lines: (ctx) =>
        creditLines(ctx, "export.true_up", "Net metering annual true-up", q.surplusExportKwh, price),
      carryOver: zeros,
    };
  }
  return {
    lines: (ctx) =>
      [...excessByBand].flatMap(([band, kwhLeft]) =>
        kwhLeft.isZero()
          ? []
          : creditLines(
              ctx,
              band === SINGLE_BAND ? "export.true_up" : `export.true_up.${band}`,
              band === SINGLE_BAND
                ? "Net metering annual true-up (retail)"
                : `Net metering annual true-up ${band} (retail)`,
              kwhLeft,
              retailPrice(params.tariff, band),
            ),
      ),
    carryOver: zeros,
  };
}

/** The retail energy price of a band: its price (a tiered band's first block), the single price or the first tier. */
function retailPrice(tariff: Tariff, band: string): PriceValue {
  if (tariff.tou !== undefined) {
    const b = tariff.tou.bands.find((x) => x.code === band);
    if (b === undefined) throw new BillingInputError("invalid_input", `unknown band ${band}`);
    return b.price;
  }
  if (tariff.tiered !== undefined) return tariff.tiered.tiers[0]!.price;
  if (tariff.single !== undefined) return tariff.single.price;
  throw new BillingInputError("unsupported_combination", "a retail true-up needs a fixed energy price");
}
