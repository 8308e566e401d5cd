/** Validation of the fields every charge model shares: prices, price schedules, codes, resolutions. */
import { compareDates } from "../price-schedule.ts";
import { type Validator, join } from "../validation.ts";

/** A price: one decimal string, or prices valid from local dates `YYYY-MM-DD` (ascending). */
export type PriceValue = string | readonly PriceStep[];
export type PriceStep = { from: string; price: string };

const CODE_PATTERN = /^[a-z0-9_.-]+$/;

/** Validates a PriceValue: a decimal string or an ascending schedule of `{ from, price }`. */
export function priceValue(
  v: Validator,
  path: string,
  value: unknown,
  opts: { allowNegative?: boolean } = {},
): void {
  const nonNegative = opts.allowNegative !== true;
  if (typeof value === "string") {
    v.decimal(path, value, { nonNegative });
    return;
  }
  const steps = v.array(path, value, { min: 1 });
  if (steps === undefined) return;
  let previous: string | undefined;
  steps.forEach((step, i) => {
    const p = join(path, i);
    const s = v.object(p, step, ["from", "price"]);
    if (s === undefined) return;
    const from = v.date(join(p, "from"), s.from);
    v.decimal(join(p, "price"), s.price, { nonNegative });
    if (from !== undefined && previous !== undefined && compareDates(from, previous) <= 0) {
      v.error(join(p, "from"), `must be after ${join(path, i - 1)}.from (${previous})`);
    }
    if (from !== undefined) previous = from;
  });
}

/** A line or band code: a-z, 0-9, `_ . -`. */
export function codeField(v: Validator, path: string, value: unknown): string | undefined {
  const s = v.string(path, value);
  if (s !== undefined && !CODE_PATTERN.test(s)) {
    v.error(path, `must use a-z, 0-9, _ . - only (got ${JSON.stringify(s)})`);
    return undefined;
  }
  return s;
}

/** A metering resolution in minutes: 15 or 60. */
export function resolutionField(v: Validator, path: string, value: unknown): void {
  if (value !== 15 && value !== 60) v.error(path, `must be 15 or 60 (got ${JSON.stringify(value)})`);
}
