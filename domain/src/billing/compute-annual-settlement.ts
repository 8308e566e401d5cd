/**
 * Annual settlement of an SLP point of delivery: the distributor's reading gives the consumption
 * since the last settlement; what the monthly invoices billed is subtracted; the difference is
 * priced (energy, per-kWh network charges, levy) and invoiced, or credited when negative.
 */
import { commodityOf, labelQuantities } from "./charges/commodity.ts";
import type { MeterReading } from "./consumption.ts";
import { kwh } from "./consumption.ts";
import type { ContractTerms } from "./contract-terms.ts";
import { BillingInputError } from "./errors.ts";
import { type DraftLine, buildInvoice } from "./invoice-builder.ts";
import type { Invoice, LineGroup } from "./invoice.ts";
import { type LocalPeriod, daysBetween, localMidnightUtcMs } from "./local-time.ts";
import { BillingDecimal, formatDecimal } from "./money.ts";
import { priceSegments } from "./price-schedule.ts";
import { type PriceValue, type Tariff, energyPricing } from "./tariff.ts";
import { checkPeriod } from "./tou-windows.ts";

/** kWh an issued invoice billed for this POD in the settlement period. */
export type BilledConsumption = { reference: string; importKwh: string };

export type ComputeAnnualSettlementParams = {
  tariff: Tariff;
  terms: ContractTerms;
  /** Since the last settlement (inclusive) to the reading date (exclusive), local dates. */
  period: LocalPeriod;
  timeZone: string;
  /** The distributor's readings at the last settlement and now. */
  reading: { from: MeterReading; to: MeterReading };
  /** The invoices of the period and the kWh each billed (each reference counted once). */
  billed: readonly BilledConsumption[];
};

/**
 * difference kWh = (to − from) − Σ billed kWh, priced pro rata by days of each price's validity over
 * the settlement period. Fixed charges were billed monthly and are not settled again.
 */
export function computeAnnualSettlement(params: ComputeAnnualSettlementParams): Invoice {
  const { tariff, terms, period, timeZone } = params;
  checkPeriod(period, timeZone);
  const energy = energyPricing(tariff);
  if (energy.model !== "single") {
    throw new BillingInputError(
      "unsupported_combination",
      "an SLP settlement needs a single-rate energy price",
    );
  }
  if (tariff.gasConversion !== undefined) {
    throw new BillingInputError(
      "unsupported_combination",
      "a settlement of gas metered in m³ is not supported yet: settle in kWh (convert the readings first)",
    );
  }
  const measured = kwh(params.reading.to.kwh, "reading.to").minus(
    kwh(params.reading.from.kwh, "reading.from"),
  );
  if (measured.isNegative())
    throw new BillingInputError("consumption_mismatch", "the distributor's reading went down");
  const seen = new Set<string>();
  let billed = new BillingDecimal(0);
  for (const b of params.billed) {
    if (seen.has(b.reference)) continue;
    seen.add(b.reference);
    billed = billed.plus(kwh(b.importKwh, `billed ${b.reference}`));
  }
  const difference = measured.minus(billed);
  const info = { measuredKwh: formatDecimal(measured), billedKwh: formatDecimal(billed) };
  const lines: DraftLine[] = [];
  const add = (group: LineGroup, code: string, description: string, price: PriceValue): void => {
    const segments = priceSegments(price, period);
    const totalDays = daysBetween(period.start, period.end);
    let rest = difference;
    segments.forEach((seg, i) => {
      const qty = i === segments.length - 1 ? rest : difference.times(seg.days).div(totalDays);
      rest = rest.minus(qty);
      const unitPrice = new BillingDecimal(seg.price);
      const line: DraftLine = {
        group,
        code,
        description,
        quantity: qty,
        unit: "kWh",
        unitPrice,
        precise: qty.times(unitPrice),
        startMs: localMidnightUtcMs(seg.start, timeZone),
        endMs: localMidnightUtcMs(seg.end, timeZone),
        breakdown:
          segments.length > 1 ? { ...info, proRata: { days: seg.days, periodDays: totalDays } } : info,
      };
      lines.push(line);
    });
  };
  add("energy", "settlement.energy", "Energy: settlement difference", energy.pricing.price);
  if (terms.network?.paidBy === "customer") {
    for (const c of terms.network.charges) {
      if (c.per === "kWh")
        add("network", `settlement.${c.code}`, `${c.description}: settlement difference`, c.price);
    }
  }
  if (!terms.priceIncludesLevy) {
    if (terms.levy === undefined) throw new BillingInputError("invalid_input", "terms.levy is required");
    add(
      "levy",
      `settlement.${terms.levy.code}`,
      `${terms.levy.description}: settlement difference`,
      terms.levy.price,
    );
  }
  return buildInvoice({
    kind: "settlement",
    currency: tariff.currency,
    period,
    timeZone,
    lines: labelQuantities(lines, commodityOf(tariff)),
    terms,
  });
}
