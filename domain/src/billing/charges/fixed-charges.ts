/** Fixed charges: a price per day or per calendar month, whatever the consumption. */
import type { DraftLine } from "../invoice-builder.ts";
import { type Validator, join } from "../validation.ts";
import { type LineContext, fixedLines } from "./lines.ts";
import { type PriceValue, codeField, priceValue } from "./price-fields.ts";

export type FixedCharge = { code: string; description: string; per: "day" | "month"; price: PriceValue };

export function validateFixedCharges(v: Validator, value: unknown): void {
  const list = v.array("fixedCharges", value) ?? [];
  const codes = new Set<string>();
  list.forEach((item, i) => {
    const path = join("fixedCharges", i);
    const c = v.object(path, item, ["code", "description", "per", "price"]);
    if (c === undefined) return;
    const code = codeField(v, join(path, "code"), c.code);
    if (code !== undefined && codes.has(code)) v.error(join(path, "code"), `duplicate code ${code}`);
    if (code !== undefined) codes.add(code);
    v.string(join(path, "description"), c.description);
    v.oneOf(join(path, "per"), c.per, ["day", "month"] as const);
    priceValue(v, join(path, "price"), c.price);
  });
}

export function fixedChargeLines(ctx: LineContext, charges: readonly FixedCharge[]): DraftLine[] {
  return charges.flatMap((c) => fixedLines(ctx, "fee", c.code, c.description, c.per, c.price));
}
