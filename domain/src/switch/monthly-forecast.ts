/**
 * Monthly shares (basis points, January first, sum 10 000) of the BDEW H25 household profile:
 * the profile's quarter-hour values with the H25 dynamisation summed per month over the common year
 * 2025 (`householdLoadWh` over `stack/data/bdew-h25.csv`, public holidays not counted), rounded; the
 * test recomputes them from the file. Winter months weigh about 1.4 times the summer ones.
 */
export const H25_MONTHLY_SHARE_BP: readonly number[] = [
  1005, 882, 889, 813, 772, 717, 741, 739, 730, 832, 890, 990,
];

export type MonthlyForecastParams = {
  /** whole kWh a year */
  annualKwh: number;
  /** twelve shares in basis points summing to 10 000 (e.g. H25_MONTHLY_SHARE_BP) */
  monthlyShareBp: readonly number[];
};

/**
 * Twelve monthly kWh (January first, 3 decimals) that split `annualKwh` by a profile's monthly shares
 * and add up to it exactly: each month gets its share in whole Wh, rounded down, and the Wh left over
 * go one each to the months with the largest remainders (ties: earlier month).
 * @example monthlyForecastKwh({ annualKwh: 3500, monthlyShareBp: H25_MONTHLY_SHARE_BP })[0]
 *   // 3 500 000 Wh · 1005 / 10 000 = 351 750 Wh → "351.750"
 */
export function monthlyForecastKwh(params: MonthlyForecastParams): string[] {
  const { annualKwh, monthlyShareBp } = params;
  if (!Number.isSafeInteger(annualKwh) || annualKwh < 0)
    throw new RangeError(`annualKwh must be a whole number ≥ 0, got ${annualKwh}`);
  if (monthlyShareBp.length !== 12 || monthlyShareBp.some((s) => !Number.isInteger(s) || s < 0))
    throw new RangeError("twelve whole, non-negative shares are needed");
  const totalBp = monthlyShareBp.reduce((a, b) => a + b, 0);
  if (totalBp !== 10_000) throw new RangeError(`the shares add up to ${totalBp}, not 10 000 bp`);
  const annualWh = BigInt(annualKwh) * 1000n;
  const exact = monthlyShareBp.map((bp) => annualWh * BigInt(bp));
  const wh = exact.map((x) => x / 10_000n);
  let left = annualWh - wh.reduce((a, b) => a + b, 0n);
  const byRemainder = exact
    .map((x, month) => ({ month, remainder: x % 10_000n }))
    .sort((a, b) => (a.remainder === b.remainder ? a.month - b.month : a.remainder > b.remainder ? -1 : 1));
  for (const { month } of byRemainder) {
    if (left === 0n) break;
    wh[month] = (wh[month] ?? 0n) + 1n;
    left -= 1n;
  }
  return wh.map((w) => `${w / 1000n}.${(w % 1000n).toString().padStart(3, "0")}`);
}
