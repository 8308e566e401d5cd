/**
 * Per-kWh adjustments: prices added to every billed kWh besides the energy price, such as a fuel-cost
 * or energy-cost adjustment, which utilities publish as a surcharge or a credit. Unlike every other
 * price in a tariff an adjustment may be negative (a credit per kWh).
 */
import type { DraftLine } from "../invoice-builder.ts";
import type { BillingDecimal } from "../money.ts";
import { type Validator, join } from "../validation.ts";
import { type LineContext, perKwhLines } from "./lines.ts";
import { type PriceValue, codeField, priceValue } from "./price-fields.ts";

/** Billed kWh (after net metering) × price; the price may be negative. */
export type KwhAdjustment = { code: string; description: string; price: PriceValue };

export function validateAdjustments(v: Validator, value: unknown): void {
  const list = v.array("adjustments", value) ?? [];
  const codes = new Set<string>();
  list.forEach((item, i) => {
    const path = join("adjustments", i);
    const a = v.object(path, item, ["code", "description", "price"]);
    if (a === undefined) return;
    const code = codeField(v, join(path, "code"), a.code);
    if (code !== undefined && codes.has(code)) v.error(join(path, "code"), `duplicate code ${code}`);
    if (code !== undefined) codes.add(code);
    v.string(join(path, "description"), a.description);
    priceValue(v, join(path, "price"), a.price, { allowNegative: true });
  });
}

/** One `energy` line per adjustment and price segment: billed kWh × price (negative = credit). */
export function adjustmentLines(
  ctx: LineContext,
  adjustments: readonly KwhAdjustment[],
  billedKwh: BillingDecimal,
): DraftLine[] {
  return adjustments.flatMap((a) => perKwhLines(ctx, "energy", a.code, a.description, billedKwh, a.price));
}
