import { formatUnits } from "viem";
import { LOCALE } from "@/messages/en.ts";

const kwh = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const decimalSeparator =
  new Intl.NumberFormat(LOCALE).formatToParts(1.5).find((p) => p.type === "decimal")?.value ?? ".";

/** Energy in Wh (integer) shown as kWh with up to 2 decimals, e.g. 12345 → "12.35". */
export function formatKwh(wh: number): string {
  return kwh.format(wh / 1000);
}

/**
 * A token amount in base units (bigint or its decimal string) shown exactly: `formatUnits` gives the
 * decimal string without any float, Intl groups the integer part (bigint) and supplies the separator.
 * @example formatTokenAmount("1234500000000000000000") // "1,234.5"
 */
export function formatTokenAmount(amount: bigint | string, decimals = 18): string {
  const text = formatUnits(typeof amount === "bigint" ? amount : BigInt(amount), decimals);
  const negative = text.startsWith("-");
  const [whole = "0", fraction] = (negative ? text.slice(1) : text).split(".");
  const grouped = integer.format(BigInt(whole));
  return `${negative ? "-" : ""}${grouped}${fraction ? `${decimalSeparator}${fraction}` : ""}`;
}

/** Hour of an instant in a time zone, 24-hour clock ("14:00"). */
export function formatHour(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(new Date(iso));
}

export function formatDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone }).format(new Date(iso));
}

export function formatDateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE, {
    dateStyle: "medium",
    timeStyle: "short",
    hourCycle: "h23",
    timeZone,
  }).format(new Date(iso));
}

/** A period as a compact range in a time zone: "Nov 22, 2026, 08:00 – 09:00". */
export function formatPeriod(startIso: string, endIso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE, {
    dateStyle: "medium",
    timeStyle: "short",
    hourCycle: "h23",
    timeZone,
  }).formatRange(new Date(startIso), new Date(endIso));
}

/**
 * A range of instants with the zone's offset at each end, so a range across a DST change reads right:
 * "Oct 25, 2026, 02:00 GMT+2 – 04:00 GMT+1" (three hours, not two). The end repeats the date only
 * when it is another local day. (Intl's formatRange would print the offset once, at the end.)
 */
export function formatInstantRange(startIso: string, endIso: string, timeZone: string): string {
  const time = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" } as const;
  const withDate = new Intl.DateTimeFormat(LOCALE, {
    ...time,
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone,
  });
  const timeOnly = new Intl.DateTimeFormat(LOCALE, { ...time, timeZone });
  const day = new Intl.DateTimeFormat("en-CA", { dateStyle: "short", timeZone });
  const start = new Date(startIso);
  const end = new Date(endIso);
  const sameDay = day.format(start) === day.format(end);
  return `${withDate.format(start)} – ${(sameDay ? timeOnly : withDate).format(end)}`;
}

/** Time of day, 24-hour clock, in the given time zone or the browser's. */
export function formatTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(LOCALE, {
    timeStyle: "medium",
    hourCycle: "h23",
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

export function formatInteger(value: bigint | number | string): string {
  return integer.format(typeof value === "string" ? BigInt(value) : value);
}

/** A token amount split into its grouped integer part and its fraction (with separator), for display. */
export function splitTokenAmount(
  amount: bigint | string,
  decimals = 18,
): { whole: string; fraction: string } {
  const text = formatTokenAmount(amount, decimals);
  const at = text.indexOf(decimalSeparator);
  return at < 0 ? { whole: text, fraction: "" } : { whole: text.slice(0, at), fraction: text.slice(at) };
}

/** "0x3C44…93BC": enough to recognise an address or hash, with the full value in a title attribute. */
export function shortHex(value: string, head = 6, tail = 4): string {
  return value.length <= head + tail + 1 ? value : `${value.slice(0, head)}…${value.slice(-tail)}`;
}

/** Label of a chart bucket: hour ("14:00"), day ("Mon 3"), month ("Nov"), in the site's time zone. */
export function formatBucket(iso: string, bucket: "hour" | "day" | "month", timeZone: string): string {
  if (bucket === "hour") return formatHour(iso, timeZone);
  const options: Intl.DateTimeFormatOptions =
    bucket === "day" ? { weekday: "short", day: "numeric", timeZone } : { month: "short", timeZone };
  return new Intl.DateTimeFormat(LOCALE, options).format(new Date(iso));
}

/** A period [start, end) as dates in a time zone: "Nov 22, 2026" or "Nov 16 – 22, 2026". */
export function formatDateRange(startIso: string, endIso: string, timeZone: string): string {
  const lastDay = new Date(new Date(endIso).getTime() - 1);
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone }).formatRange(
    new Date(startIso),
    lastDay,
  );
}

const percent = new Intl.NumberFormat(LOCALE, {
  style: "percent",
  maximumFractionDigits: 0,
  signDisplay: "exceptZero",
});

/** Relative change as a signed percentage ("+12%", "−5%"); null when there is nothing to compare with. */
export function formatChange(current: number, previous: number): string | null {
  if (previous === 0) return null;
  return percent.format((current - previous) / previous);
}

/**
 * An instant for staff pages in the retailer's time zone ("Nov 22, 2026, 09:13"); the page names the
 * zone once (admin shell) instead of repeating it in every cell.
 */
export function formatInstant(iso: string, timeZone: string): string {
  return formatDateTime(iso, timeZone);
}

/** The name of a time zone with its current offset, e.g. "Europe/Berlin (GMT+1)". */
export function formatTimeZoneName(timeZone: string, at: Date = new Date()): string {
  const offset = new Intl.DateTimeFormat(LOCALE, { timeZone, timeZoneName: "shortOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  return offset ? `${timeZone} (${offset})` : timeZone;
}

/**
 * Integer minor units (bigint or decimal string) as a currency amount, exactly: the decimal string is
 * built from the integer and handed to Intl as a string (no float).
 * @example formatMinorAmount("-123456", 2, "EUR") // "-€1,234.56"
 */
export function formatMinorAmount(minor: bigint | string, digits: number, currency: string): string {
  const value = typeof minor === "bigint" ? minor : BigInt(minor);
  const negative = value < 0n;
  const abs = (negative ? -value : value).toString().padStart(digits + 1, "0");
  const text = digits > 0 ? `${abs.slice(0, -digits)}.${abs.slice(-digits)}` : abs;
  const format = new Intl.NumberFormat(LOCALE, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format as (value: string) => string;
  return format(`${negative ? "-" : ""}${text}`);
}

const decimal3 = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 3 }).format as (
  value: string,
) => string;

/**
 * A decimal string (e.g. a meter reading in kWh, up to 3 decimals) grouped for display, exactly: the
 * string goes to Intl as a string, never through a float.
 * @example formatDecimalText("12345.6") // "12,345.6"
 */
export function formatDecimalText(value: string): string {
  return decimal3(value);
}

/** A local calendar date (YYYY-MM-DD) as a date for display, e.g. "Nov 22, 2026". */
export function formatLocalDate(date: string): string {
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** The last day of an end-exclusive local date range (YYYY-MM-DD). */
export function lastDayOf(endExclusive: string): string {
  const d = new Date(`${endExclusive}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * A decimal-string price as a currency amount, exactly (Intl formats the string, no float), with at
 * least two and up to six fraction digits: "0.3400" EUR → "€0.34", "0.0825" → "€0.0825".
 */
export function formatPrice(price: string, currency: string): string {
  const format = new Intl.NumberFormat(LOCALE, {
    style: "currency",
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 6,
  }).format as (value: string) => string;
  return format(price);
}
