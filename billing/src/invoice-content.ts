// What an invoice must say beyond its lines, as pure values: the buyer snapshot's supply details
// (customer number, billing address, meter and readings, TOU band hours, consumption a year ago),
// the payment QR payload (EPC069-12) and the texts the PDF prints. EU VAT Directive 2006/112/EC
// Art. 226 (invoice content) and Directive (EU) 2019/944 Annex I (electricity bills).
import type { Tariff, TouPricing, TouSlot } from "@c4e/domain";
import type { Buyer, StoredInvoice } from "./invoice-store.ts";

/** A register's reading at the start and the end of the billed period (Wh as decimal strings). */
export type RegisterReadings = {
  register: "import" | "export";
  /** OBIS code: 1.8.0 active energy drawn, 2.8.0 active energy fed in */
  obis: "1.8.0" | "2.8.0";
  startAt: string;
  startWh: string;
  endAt: string;
  endWh: string;
};

/** How the billed quantities were obtained. */
export type MeterReadings =
  | { kind: "measured"; registers: RegisterReadings[] }
  | { kind: "estimated"; basis: "standard load profile" }
  | { kind: "unavailable" };

/** The meter of the supply and its readings of the billed period. */
export type MeterSnapshot = { meterNumber: string | null; readings: MeterReadings };

/** The hours of one TOU band, in local time (e.g. "Mon-Fri 08:00-20:00"). */
export type BandHours = { band: string; name: string; hours: string };

/** Imported kWh of the billed period and of the same period a year earlier (Annex I 1.2(b)). */
export type ConsumptionComparison = {
  currentKwh: string;
  previousYear: { start: string; end: string; kwh: string } | null;
};

/** The buyer snapshot as bill runs store it now: `Buyer` plus what a sendable invoice needs. */
export type InvoiceBuyer = Buyer & {
  customerNumber?: string;
  billingAddress?: string;
  meter?: MeterSnapshot;
  touBands?: BandHours[];
  consumption?: ConsumptionComparison;
};

/** The supplier as an invoice shows it (the contract's trader). */
export type SellerDetails = {
  name: string;
  address: string;
  registration?: string;
  vatId?: string;
  taxId?: string;
  iban?: string;
  bic?: string;
  bankName?: string;
  contactPhone?: string;
  contactEmail?: string;
  contactWeb?: string;
  disputeBody?: string;
  switchingInfo?: string;
};

const DAY_LABELS: Record<"weekday" | "weekend" | "holiday", string> = {
  weekday: "Mon-Fri",
  weekend: "Sat-Sun",
  holiday: "public holidays",
};

/** Merges a band's slots of one day type into ranges; a range ending 24:00 joins one from 00:00. */
function bandRanges(slots: TouSlot[], band: string): string[] {
  const own = slots.filter((s) => s.band === band).sort((a, b) => a.from.localeCompare(b.from));
  const merged: { from: string; to: string }[] = [];
  for (const s of own) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.to === s.from) last.to = s.to;
    else merged.push({ from: s.from, to: s.to });
  }
  const first = merged[0];
  const last = merged[merged.length - 1];
  if (merged.length > 1 && first?.from === "00:00" && last?.to === "24:00") {
    merged.shift();
    last.to = first.to;
  }
  return merged.map((r) => (r.from === "00:00" && r.to === "24:00" ? "all day" : `${r.from}-${r.to}`));
}

/**
 * The local hours of each band of a time-of-use tariff, per season and day type; [] for other
 * tariffs.
 * @example DEMO-TOU peak → "Mon-Fri 08:00-20:00"
 */
export function touBandHours(tariff: Tariff): BandHours[] {
  if (!("tou" in tariff) || tariff.tou === undefined) return [];
  const tou: TouPricing = tariff.tou;
  return tou.bands.map((band) => {
    const parts: string[] = [];
    for (const season of tou.seasons) {
      const weekday = bandRanges(season.dayTypes.weekday, band.code);
      const weekend = bandRanges(season.dayTypes.weekend, band.code);
      const holiday = season.dayTypes.holiday ? bandRanges(season.dayTypes.holiday, band.code) : weekend;
      const sameWeekend = weekend.join() === holiday.join();
      const pieces: string[] = [];
      if (weekday.length > 0 && weekday.join() === weekend.join() && sameWeekend) {
        pieces.push(`daily ${weekday.join(", ")}`);
      } else {
        if (weekday.length > 0) pieces.push(`${DAY_LABELS.weekday} ${weekday.join(", ")}`);
        if (weekend.length > 0)
          pieces.push(
            `${sameWeekend ? `${DAY_LABELS.weekend} and ${DAY_LABELS.holiday}` : DAY_LABELS.weekend} ${weekend.join(", ")}`,
          );
        if (!sameWeekend && holiday.length > 0) pieces.push(`${DAY_LABELS.holiday} ${holiday.join(", ")}`);
      }
      if (pieces.length === 0) continue;
      const prefix = tou.seasons.length > 1 ? `${season.name} (${season.from} to ${season.to}): ` : "";
      parts.push(prefix + pieces.join("; "));
    }
    return { band: band.code, name: band.name, hours: parts.length > 0 ? parts.join(" | ") : "never" };
  });
}

/** Wh (decimal string) as kWh with three decimals and grouping: "1234567" → "1,234.567". */
export function whAsKwh(wh: string): string {
  const negative = wh.startsWith("-");
  const digits = (negative ? wh.slice(1) : wh).padStart(4, "0");
  const whole = digits.slice(0, -3).replace(/^0+(?=\d)/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}.${digits.slice(-3)}`;
}

export type EpcQrParams = {
  /** the payee (the seller's legal name, ≤ 70 characters) */
  name: string;
  iban: string | undefined;
  bic: string | undefined;
  currency: string;
  minorUnitDigits: number;
  amountMinor: bigint;
  /** unstructured remittance information (the invoice number), ≤ 140 characters */
  reference: string;
};

export type EpcQr =
  | { ok: true; lines: string[]; text: string }
  | { ok: false; reason: "currency" | "no_iban" | "amount" | "too_long" };

/**
 * The payload of an EPC069-12 (version 002) "SEPA credit transfer" QR code: 12 lines, LF-separated;
 * only for EUR, an IBAN and an amount of 0.01 … 999,999,999.99.
 * @example { name: "C4E", iban: "DE89…", bic: "COBADEFFXXX", amountMinor: 12345n, reference: "INV-1" }
 *   → "BCD\n002\n1\nSCT\nCOBADEFFXXX\nC4E\nDE89…\nEUR123.45\n\n\nINV-1\n"
 */
export function epcQrPayload(p: EpcQrParams): EpcQr {
  if (p.currency !== "EUR" || p.minorUnitDigits !== 2) return { ok: false, reason: "currency" };
  const iban = (p.iban ?? "").replace(/\s+/g, "").toUpperCase();
  if (iban === "") return { ok: false, reason: "no_iban" };
  if (p.amountMinor < 1n || p.amountMinor > 99_999_999_999n) return { ok: false, reason: "amount" };
  if (p.name.length > 70 || p.reference.length > 140 || iban.length > 34)
    return { ok: false, reason: "too_long" };
  const cents = p.amountMinor.toString().padStart(3, "0");
  const amount = `EUR${cents.slice(0, -2)}.${cents.slice(-2)}`;
  const lines = [
    "BCD", // service tag
    "002", // version (BIC optional inside the EEA)
    "1", // character set: UTF-8
    "SCT", // identification: SEPA credit transfer
    (p.bic ?? "").replace(/\s+/g, "").toUpperCase(),
    p.name,
    iban,
    amount,
    "", // purpose
    "", // structured creditor reference (RF…): none, the invoice number goes unstructured
    p.reference, // unstructured remittance information
    "", // beneficiary to originator information
  ];
  return { ok: true, lines, text: lines.join("\n") };
}

/** An IBAN in groups of four, as printed: "DE89370400440532013000" → "DE89 3704 0044 0532 0130 00". */
export function formatIban(iban: string): string {
  return iban
    .replace(/\s+/g, "")
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, "$1 ");
}

/**
 * The payment QR code of an invoice: EPC069-12 for the amount due of an issued EUR invoice, payable
 * to the seller's IBAN with the invoice number as reference. (A Swiss QR-bill for CHF is not built.)
 */
export function paymentQrOf(stored: StoredInvoice, seller: SellerDetails): EpcQr | null {
  if (stored.status !== "issued" || stored.number === null) return null;
  return epcQrPayload({
    name: seller.name,
    iban: seller.iban,
    bic: seller.bic,
    currency: stored.invoice.currency,
    minorUnitDigits: stored.invoice.minorUnitDigits,
    amountMinor: stored.invoice.amountDueMinor,
    reference: stored.number,
  });
}
