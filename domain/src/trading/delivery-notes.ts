/**
 * Delivery notes: per contract and payment-schedule window, the delivered energy and its exact
 * amount, from the contracted shape or, where given, the actually delivered quantity per interval.
 *
 * Payment schedules: `monthly` (calendar months) and `decade` (1st–10th, 11th–20th, 21st–end of
 * month, the Central-European "dekád" settlement), both in the delivery zone's local dates.
 */
import {
  type LocalPeriod,
  addDays,
  dayNumber,
  localMidnightUtcMs,
  parseLocalDate,
} from "../billing/local-time.ts";
import { TradingInputError } from "./errors.ts";
import type { Mwh4 } from "./mwh.ts";
import type { Amount10, PriceMicro } from "./price.ts";
import type { Shape } from "./product.ts";

export type PaymentSchedule = "monthly" | "decade";

/** The schedule windows covering `period` (each clipped to it), in order. */
export function scheduleWindows(period: LocalPeriod, schedule: PaymentSchedule): LocalPeriod[] {
  const out: LocalPeriod[] = [];
  let start = period.start;
  while (dayNumber(start) < dayNumber(period.end)) {
    const d = parseLocalDate(start);
    if (d === undefined) throw new TradingInputError("period.start", `not a date: ${start}`);
    const monthStart = `${start.slice(0, 8)}01`;
    const nextMonth = addDays(monthStart, 32).slice(0, 8) + "01";
    let end: string;
    if (schedule === "monthly") end = nextMonth;
    else if (d.day <= 10) end = `${start.slice(0, 8)}11`;
    else if (d.day <= 20) end = `${start.slice(0, 8)}21`;
    else end = nextMonth;
    if (dayNumber(end) > dayNumber(period.end)) end = period.end;
    out.push({ start, end });
    start = end;
  }
  return out;
}

export type DeliveryNote = {
  contractId: string;
  period: LocalPeriod;
  /** contracted, or actual where actual quantities were given for every interval of the window */
  source: "contracted" | "actual";
  intervals: number;
  quantityMwh: Mwh4;
  amount: Amount10;
};

export type DeliveryNotesParams = {
  contractId: string;
  shape: Shape;
  prices: PriceMicro[];
  schedule: PaymentSchedule;
  /** delivery period of the contract (local dates) */
  period: LocalPeriod;
  timeZone: string;
  /** actually delivered quantity per interval start (UTC ms); replaces the contracted quantity there */
  actual?: Map<number, Mwh4>;
  /** only the windows inside this period (e.g. one month); default all */
  within?: LocalPeriod;
};

/**
 * One note per schedule window that has delivery. A window whose intervals all have an actual
 * quantity is `actual`; a partly-actual window mixes (actual where given) and is reported `actual`
 * only when complete, so a reader sees when contracted values were still used.
 */
export function deliveryNotes(p: DeliveryNotesParams): DeliveryNote[] {
  if (p.prices.length !== p.shape.startMs.length)
    throw new TradingInputError(
      "prices",
      `${p.prices.length} prices for ${p.shape.startMs.length} intervals`,
    );
  const windows = scheduleWindows(p.period, p.schedule).filter(
    (w) =>
      p.within === undefined ||
      (dayNumber(w.start) >= dayNumber(p.within.start) && dayNumber(w.end) <= dayNumber(p.within.end)),
  );
  const notes: DeliveryNote[] = [];
  let i = 0;
  for (const w of windows) {
    const from = localMidnightUtcMs(w.start, p.timeZone);
    const to = localMidnightUtcMs(w.end, p.timeZone);
    while (i < p.shape.startMs.length && (p.shape.startMs[i] as number) < from) i++;
    let q = 0n;
    let a = 0n;
    let n = 0;
    let actualCount = 0;
    for (; i < p.shape.startMs.length && (p.shape.startMs[i] as number) < to; i++) {
      const t = p.shape.startMs[i] as number;
      const act = p.actual?.get(t);
      const qty = act ?? (p.shape.mwh[i] as Mwh4);
      if (act !== undefined) actualCount++;
      q += qty;
      a += qty * (p.prices[i] as PriceMicro);
      n++;
    }
    if (n === 0) continue;
    notes.push({
      contractId: p.contractId,
      period: w,
      source: actualCount === n ? "actual" : "contracted",
      intervals: n,
      quantityMwh: q,
      amount: a,
    });
  }
  return notes;
}
