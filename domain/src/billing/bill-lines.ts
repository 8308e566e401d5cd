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
import type { DraftLine } from "./invoice-builder.ts";
import type { LineGroup } from "./invoice.ts";
import { type LocalPeriod, daysBetween, localMidnightUtcMs } from "./local-time.ts";
import { BillingDecimal, DECIMAL_PATTERN, formatDecimal } from "./money.ts";
import { monthsFraction, priceSegments } from "./price-schedule.ts";
import { type PriceValue, type Tariff, energyKind } from "./tariff.ts";
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
  dynamicCost?: { energyKwh: BillingDecimal; cost: BillingDecimal };
};

const ZERO = new BillingDecimal(0);

/** All unrounded lines of the bill, in presentation order. */
export function billLines(params: BillLinesParams): { lines: DraftLine[]; quantities: BilledQuantities } {
  const { tariff, terms, period, timeZone } = params;
  checkPeriod(period, timeZone);
  const q = billedQuantities(params);
  const ctx: LineContext = { period, timeZone };
  const lines: DraftLine[] = [];
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

  switch (energyKind(tariff)) {
    case "single":
      lines.push(
        ...perKwhLines(ctx, "energy", "energy", "Energy", q.billedKwh, tariff.single!.price, netInfo),
      );
      break;
    case "tou":
      for (const band of tariff.tou!.bands) {
        const qty = q.billedByBand.get(band.code) ?? ZERO;
        lines.push(
          ...perKwhLines(
            ctx,
            "energy",
            `energy.${band.code}`,
            `Energy ${band.name}`,
            qty,
            band.price,
            netInfo,
          ),
        );
      }
      break;
    case "tiered": {
      let lower = ZERO;
      const tiers = tariff.tiered!.tiers;
      tiers.forEach((tier, i) => {
        const upper = tier.upToKwh === null ? undefined : new BillingDecimal(tier.upToKwh);
        const above = BillingDecimal.max(ZERO, q.billedKwh.minus(lower));
        const qty = upper === undefined ? above : BillingDecimal.min(above, upper.minus(lower));
        if (qty.greaterThan(0) || i === 0) {
          const range =
            upper === undefined
              ? `above ${formatDecimal(lower)} kWh`
              : `${formatDecimal(lower)}–${formatDecimal(upper)} kWh`;
          lines.push(
            ...perKwhLines(
              ctx,
              "energy",
              `energy.tier${i + 1}`,
              `Energy tier ${i + 1} (${range})`,
              qty,
              tier.price,
              netInfo,
            ),
          );
        }
        if (upper !== undefined) lower = upper;
      });
      break;
    }
    case "dynamic": {
      const dyn = q.dynamicCost!;
      const { startMs, endMs } = instantsOf(ctx, period);
      lines.push({
        group: "energy",
        code: "energy.spot",
        description: "Energy at market price",
        quantity: dyn.energyKwh,
        unit: "kWh",
        // The average market price, shown to 6 places; the amount is the exact Σ kWh × price.
        unitPrice: dyn.energyKwh.isZero() ? ZERO : dyn.cost.div(dyn.energyKwh).toDecimalPlaces(6),
        precise: dyn.cost,
        startMs,
        endMs,
      });
      lines.push(
        ...perKwhLines(
          ctx,
          "energy",
          "energy.margin",
          "Supplier margin",
          dyn.energyKwh,
          tariff.dynamic!.margin,
        ),
      );
      break;
    }
  }

  if (tariff.capacity !== undefined) {
    lines.push(
      ...perKwMonthLines(
        ctx,
        "capacity",
        "Capacity charge (contracted kW)",
        new BillingDecimal(tariff.capacity.contractedKw),
        tariff.capacity.price,
      ),
    );
  }
  if (tariff.demand !== undefined) {
    const label = tariff.demand.resolutionMinutes === 15 ? "15-minute" : "hourly";
    lines.push(
      ...perKwMonthLines(
        ctx,
        "demand",
        `Demand charge (peak ${label} kW)`,
        q.peakDemandKw ?? ZERO,
        tariff.demand.price,
      ),
    );
  }
  for (const charge of tariff.fixedCharges ?? []) {
    lines.push(...fixedLines(ctx, "fee", charge.code, charge.description, charge.per, charge.price));
  }
  if (terms.network !== undefined && terms.network.paidBy === "customer") {
    for (const charge of terms.network.charges) {
      if (charge.per === "kWh") {
        lines.push(
          ...perKwhLines(ctx, "network", charge.code, charge.description, q.billedKwh, charge.price),
        );
      } else {
        lines.push(...fixedLines(ctx, "network", charge.code, charge.description, charge.per, charge.price));
      }
    }
  }
  if (!terms.priceIncludesLevy) {
    const levy = terms.levy;
    if (levy === undefined)
      throw new BillingInputError("invalid_input", "terms.levy is required when the price excludes it");
    lines.push(...perKwhLines(ctx, "levy", levy.code, levy.description, q.billedKwh, levy.price));
  }
  if (tariff.export?.kind === "feed_in") {
    for (const line of perKwhLines(
      ctx,
      "credit",
      "export.feed_in",
      "Feed-in compensation",
      q.exportKwh,
      tariff.export.price,
    )) {
      lines.push({ ...line, unitPrice: line.unitPrice.negated(), precise: line.precise.negated() });
    }
  }
  return { lines, quantities: q };
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
    if (kind !== "single" && kind !== "tiered") {
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
  const billedKwh = netMetering ? BillingDecimal.max(ZERO, importKwh.minus(exportKwh)) : importKwh;
  const surplusExportKwh = netMetering ? BillingDecimal.max(ZERO, exportKwh.minus(importKwh)) : ZERO;
  let billedByBand = byBand;
  if (netMetering && tariff.tou !== undefined) {
    // Net metering under TOU: the netted kWh come off every band in proportion to its import.
    billedByBand = new Map();
    const bands = tariff.tou.bands.map((b) => b.code);
    let rest = billedKwh;
    bands.forEach((band, i) => {
      const gross = byBand.get(band) ?? ZERO;
      const share =
        i === bands.length - 1 ? rest : importKwh.isZero() ? ZERO : gross.times(billedKwh).div(importKwh);
      billedByBand.set(band, share);
      rest = rest.minus(share);
    });
  }
  const out: BilledQuantities = { importKwh, exportKwh, billedByBand, billedKwh, surplusExportKwh };
  if (tariff.demand !== undefined) {
    if (agg.peakDemandKw === undefined)
      throw new BillingInputError("consumption_mismatch", "peakDemandKw is required by the demand charge");
    out.peakDemandKw = kwh(agg.peakDemandKw, "peakDemandKw");
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

type LineContext = { period: LocalPeriod; timeZone: string };

function instantsOf(ctx: { timeZone: string }, p: LocalPeriod): { startMs: number; endMs: number } {
  return {
    startMs: localMidnightUtcMs(p.start, ctx.timeZone),
    endMs: localMidnightUtcMs(p.end, ctx.timeZone),
  };
}

/** Per-kWh lines: the quantity split pro rata by days of each price's validity. */
function perKwhLines(
  ctx: LineContext,
  group: LineGroup,
  code: string,
  description: string,
  quantity: BillingDecimal,
  price: PriceValue,
  breakdown?: Record<string, unknown>,
): DraftLine[] {
  const segments = priceSegments(price, ctx.period);
  const totalDays = daysBetween(ctx.period.start, ctx.period.end);
  let rest = quantity;
  return segments.map((seg, i) => {
    const qty = i === segments.length - 1 ? rest : quantity.times(seg.days).div(totalDays);
    rest = rest.minus(qty);
    const unitPrice = new BillingDecimal(seg.price);
    const { startMs, endMs } = instantsOf(ctx, seg);
    const line: DraftLine = {
      group,
      code,
      description,
      quantity: qty,
      unit: "kWh",
      unitPrice,
      precise: qty.times(unitPrice),
      startMs,
      endMs,
    };
    const split = segments.length > 1 ? { proRata: { days: seg.days, periodDays: totalDays } } : undefined;
    if (split !== undefined || breakdown !== undefined) line.breakdown = { ...breakdown, ...split };
    return line;
  });
}

/** kW × price per kW and month × months of each price's validity. */
function perKwMonthLines(
  ctx: LineContext,
  code: string,
  description: string,
  kw: BillingDecimal,
  price: PriceValue,
): DraftLine[] {
  return priceSegments(price, ctx.period).map((seg) => {
    const unitPrice = new BillingDecimal(seg.price);
    const months = monthsFraction(seg);
    const { startMs, endMs } = instantsOf(ctx, seg);
    return {
      group: "energy" as const,
      code,
      description,
      quantity: kw,
      unit: "kW" as const,
      unitPrice,
      precise: kw.times(unitPrice).times(months),
      startMs,
      endMs,
      breakdown: { months: formatDecimal(months) },
    };
  });
}

/** Fixed charges: days × price per day, or months (calendar fraction) × price per month. */
function fixedLines(
  ctx: LineContext,
  group: LineGroup,
  code: string,
  description: string,
  per: "day" | "month",
  price: PriceValue,
): DraftLine[] {
  return priceSegments(price, ctx.period).map((seg) => {
    const unitPrice = new BillingDecimal(seg.price);
    const quantity = per === "day" ? new BillingDecimal(seg.days) : monthsFraction(seg);
    const { startMs, endMs } = instantsOf(ctx, seg);
    return {
      group,
      code,
      description,
      quantity,
      unit: per,
      unitPrice,
      precise: quantity.times(unitPrice),
      startMs,
      endMs,
    };
  });
}
