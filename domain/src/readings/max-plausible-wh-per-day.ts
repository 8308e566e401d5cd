import { kwhToWh } from "./energy-kwh.ts";

/** The floor of the daily limit: small references would make a normal week look absurd. */
export const MIN_PLAUSIBLE_WH_PER_DAY = 40_000n;

/**
 * The most a household may plausibly use per day: four times the pace of its annual reference
 * consumption (kWh, decimals beyond Wh are cut), and never less than 40 kWh a day.
 * @example maxPlausibleWhPerDay("36500") // 36 500 kWh · 4 / 365 = 400 kWh → 400000n
 */
export function maxPlausibleWhPerDay(annualReferenceKwh: string): bigint {
  const fourTimesPace = (kwhToWh(annualReferenceKwh.replace(/(\.\d{3})\d*$/, "$1")) * 4n) / 365n;
  return fourTimesPace > MIN_PLAUSIBLE_WH_PER_DAY ? fourTimesPace : MIN_PLAUSIBLE_WH_PER_DAY;
}
