/**
 * One resident's (or the owner's, for a vacancy) bill for an occupancy segment: solar kWh at the
 * capped internal price, grid kWh per tariff band at the supplier's prices (passed through), the
 * per-unit fees prorated to the days occupied, VAT — as the billing engine's `Invoice`, rounded by
 * its rules (each line once, VAT once per rate on the rounded lines).
 */
import { assembleInvoice, type DraftLine, finishLine } from "../billing/invoice-builder.ts";
import type { CurrencyCode, Invoice } from "../billing/invoice.ts";
import { addDays, daysBetween, type LocalPeriod, localMidnightUtcMs } from "../billing/local-time.ts";
import { BillingDecimal, DECIMAL_PATTERN, isCurrencyCode } from "../billing/money.ts";
import type { DayEnergy } from "./compute-period.ts";
import { CommunityInputError } from "./errors.ts";
import type { OccupancySegment } from "./occupancy.ts";
import type { SolarPrice } from "./solar-price.ts";

/** A per-unit fee (metering, administration): per month (prorated by days of each month), per day, or per billing period (prorated by days). */
export type UnitFee = { code: string; description: string; per: "month" | "day" | "period"; price: string };

export type Language = "en" | "de" | "fr" | "it";
export const LANGUAGES: readonly Language[] = ["en", "de", "fr", "it"];

const TEXT: Record<Language, { solar: string; grid: string; band: string }> = {
  en: { solar: "Solar electricity (community)", grid: "Grid electricity", band: "band" },
  de: { solar: "Solarstrom (ZEV)", grid: "Netzstrom", band: "Tarif" },
  fr: { solar: "Électricité solaire (RCP)", grid: "Électricité du réseau", band: "tarif" },
  it: { solar: "Elettricità solare (RCP)", grid: "Elettricità di rete", band: "fascia" },
};

export type ResidentInvoiceParams = {
  currency: string;
  timeZone: string;
  /** the billing period the segment lies in */
  period: LocalPeriod;
  segment: OccupancySegment;
  energy: DayEnergy;
  solarPrice: SolarPrice;
  /** price per kWh of each grid tariff band occurring in `energy` */
  gridPricesPerKwh: Readonly<Record<string, string>>;
  fees: readonly UnitFee[];
  /** percent, e.g. "8.1" */
  vatRate: string;
  language: Language;
};

export type ResidentStatement = {
  solarWh: bigint;
  gridWh: bigint;
  consumptionWh: bigint;
  /** solar / consumption in percent, 1 decimal ("—" when nothing was consumed) */
  selfSufficiencyPercent: string;
};

export type ResidentInvoice = { invoice: Invoice; statement: ResidentStatement };

const whToKwh = (wh: bigint) => new BillingDecimal(wh.toString()).div(1000);

export function residentInvoice(params: ResidentInvoiceParams): ResidentInvoice {
  const { segment, energy, solarPrice: price, timeZone, language } = params;
  if (!isCurrencyCode(params.currency))
    throw new CommunityInputError("currency", `not an ISO 4217 code: ${params.currency}`);
  const currency: CurrencyCode = params.currency;
  if (!DECIMAL_PATTERN.test(params.vatRate))
    throw new CommunityInputError("vatRate", `not a decimal: ${params.vatRate}`);
  const t = TEXT[language] ?? TEXT.en;
  const startMs = localMidnightUtcMs(segment.start, timeZone);
  const endMs = localMidnightUtcMs(segment.end, timeZone);
  const gridWh = [...energy.gridWhByBand.values()].reduce((a, b) => a + b, 0n);
  const consumptionWh = energy.solarWh + gridWh;
  const selfSufficiencyPercent =
    consumptionWh === 0n
      ? "—"
      : new BillingDecimal(energy.solarWh.toString()).times(100).div(consumptionWh.toString()).toFixed(1);

  const drafts: DraftLine[] = [];
  const solarKwh = whToKwh(energy.solarWh);
  const solarUnit = new BillingDecimal(price.pricePerKwh);
  drafts.push({
    group: "energy",
    code: "community.solar",
    description: t.solar,
    quantity: solarKwh,
    unit: "kWh",
    unitPrice: solarUnit,
    precise: solarKwh.times(solarUnit),
    startMs,
    endMs,
    breakdown: {
      solarWh: energy.solarWh.toString(),
      costPricePerKwh: price.costPricePerKwh,
      standardPricePerKwh: price.standardPricePerKwh,
      capRule: price.rule,
      capBinding: price.capBinding,
      priceRule: price.explanation,
      selfSufficiencyPercent,
    },
  });
  const bands = [...energy.gridWhByBand.keys()];
  for (const band of bands) {
    const wh = energy.gridWhByBand.get(band)!;
    const text = params.gridPricesPerKwh[band];
    if (text === undefined || !DECIMAL_PATTERN.test(text)) {
      throw new CommunityInputError(`gridPricesPerKwh.${band}`, `no price for grid tariff band ${band}`);
    }
    const unitPrice = new BillingDecimal(text);
    const kwh = whToKwh(wh);
    drafts.push({
      group: "energy",
      code: bands.length === 1 && band === "all" ? "community.grid" : `community.grid.${band}`,
      description: bands.length === 1 && band === "all" ? t.grid : `${t.grid} (${t.band} ${band})`,
      quantity: kwh,
      unit: "kWh",
      unitPrice,
      precise: kwh.times(unitPrice),
      startMs,
      endMs,
      breakdown: { gridWh: wh.toString(), band },
    });
  }
  const segmentDays = daysBetween(segment.start, segment.end);
  const periodDays = daysBetween(params.period.start, params.period.end);
  for (const fee of params.fees) {
    if (!DECIMAL_PATTERN.test(fee.price))
      throw new CommunityInputError(`fees.${fee.code}`, `price is not a decimal: ${fee.price}`);
    const unitPrice = new BillingDecimal(fee.price);
    let quantity: BillingDecimal;
    let unit: DraftLine["unit"];
    switch (fee.per) {
      case "day":
        quantity = new BillingDecimal(segmentDays);
        unit = "day";
        break;
      case "period":
        quantity = new BillingDecimal(segmentDays).div(periodDays);
        unit = "item";
        break;
      case "month":
        quantity = monthsOf(segment.start, segment.end);
        unit = "month";
        break;
      default: {
        const never: never = fee.per;
        throw new CommunityInputError(`fees.${fee.code}`, `unknown fee basis ${String(never)}`);
      }
    }
    drafts.push({
      group: "fee",
      code: `community.fee.${fee.code}`,
      description: fee.description,
      quantity,
      unit,
      unitPrice,
      precise: quantity.times(unitPrice),
      startMs,
      endMs,
      breakdown: { per: fee.per, days: segmentDays },
    });
  }
  const lines = drafts.map((d) => finishLine(d, currency, params.vatRate));
  const invoice = assembleInvoice({
    kind: "monthly",
    currency,
    period: { start: segment.start, end: segment.end },
    timeZone,
    lines,
  });
  return { invoice, statement: { solarWh: energy.solarWh, gridWh, consumptionWh, selfSufficiencyPercent } };
}

/**
 * Months occupied: for each calendar month touched, days occupied / days in the month (exact).
 * @example monthsOf("2026-01-01", "2026-04-01") // 3
 * @example monthsOf("2026-02-15", "2026-03-01") // 14/28 = 0.5
 */
export function monthsOf(start: string, end: string): BillingDecimal {
  let total = new BillingDecimal(0);
  let cursor = start;
  while (daysBetween(cursor, end) > 0) {
    const monthStart = `${cursor.slice(0, 7)}-01`;
    const nextMonth = addDays(monthStart, 32).slice(0, 7) + "-01";
    const stop = daysBetween(nextMonth, end) > 0 ? nextMonth : end;
    total = total.plus(new BillingDecimal(daysBetween(cursor, stop)).div(daysBetween(monthStart, nextMonth)));
    cursor = stop;
  }
  return total;
}
