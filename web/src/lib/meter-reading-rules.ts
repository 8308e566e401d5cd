// Rules for a meter reading a customer reports (pure: no database, no clock). Values are decimal
// strings of kWh with up to 3 decimals and are compared exactly as integer Wh (bigint), never floats.

/** A kWh value as written by a person: digits, optionally "." or "," and up to 3 decimals. */
export const KWH_PATTERN = /^\d{1,11}([.,]\d{1,3})?$/;

/** "1234.5" → 1234500n Wh (exact). Call only on a value that matches KWH_PATTERN. */
export function kwhToWh(kwh: string): bigint {
  const [whole = "0", fraction = ""] = kwh.replace(",", ".").split(".");
  return BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, "0"));
}

/** 1234500n Wh → "1234.5" (the canonical decimal string stored and shown). */
export function whToKwh(wh: bigint): string {
  const whole = wh / 1000n;
  const fraction = (wh % 1000n).toString().padStart(3, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/** Whole days from `from` to `to` (YYYY-MM-DD local dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The most a household may plausibly use per day: four times the pace of its annual reference
 * consumption, and never less than 40 kWh a day (small references would make a normal week look absurd).
 */
export function maxPlausibleWhPerDay(annualReferenceKwh: string): bigint {
  const fourTimesPace = (kwhToWh(annualReferenceKwh.replace(/(\.\d{3})\d*$/, "$1")) * 4n) / 365n;
  return fourTimesPace > 40_000n ? fourTimesPace : 40_000n;
}

export type KnownReading = { date: string; wh: bigint };

export type ReadingCheck =
  | { ok: true }
  | {
      ok: false;
      reason: "future" | "before_supply" | "after_supply" | "below_previous" | "above_next" | "implausible";
      /** the reading it conflicts with (below_previous, above_next, implausible) */
      other?: KnownReading;
    };

export type CheckReadingParams = {
  date: string;
  wh: bigint;
  /** today in the POD's time zone (YYYY-MM-DD) */
  today: string;
  supplyStart: string;
  /** exclusive; null = still supplied */
  supplyEnd: string | null;
  /** the latest known reading before `date` and the earliest after it (any source) */
  previous: KnownReading | null;
  next: KnownReading | null;
  annualReferenceKwh: string;
};

/**
 * Checks a reported cumulative reading against the calendar, the POD's supply period and its
 * neighbours: a register never runs backwards, and a jump from the previous reading faster than
 * `maxPlausibleWhPerDay` is refused as implausible (most likely a typo, e.g. a digit too many).
 * @example checkReading({ date: "2026-11-20", wh: 1_500_000n, previous: { date: "2026-11-10", wh: 1_000_000n }, … })
 *   // 500 kWh in 10 days at 3500 kWh/year (max 40 kWh/day = 400 kWh) → { ok: false, reason: "implausible" }
 */
export function checkReading(p: CheckReadingParams): ReadingCheck {
  if (p.date > p.today) return { ok: false, reason: "future" };
  if (p.date < p.supplyStart) return { ok: false, reason: "before_supply" };
  if (p.supplyEnd !== null && p.date >= p.supplyEnd) return { ok: false, reason: "after_supply" };
  if (p.previous && p.wh < p.previous.wh) return { ok: false, reason: "below_previous", other: p.previous };
  if (p.next && p.wh > p.next.wh) return { ok: false, reason: "above_next", other: p.next };
  if (p.previous) {
    const days = BigInt(Math.max(1, daysBetween(p.previous.date, p.date)));
    if (p.wh - p.previous.wh > maxPlausibleWhPerDay(p.annualReferenceKwh) * days)
      return { ok: false, reason: "implausible", other: p.previous };
  }
  return { ok: true };
}
