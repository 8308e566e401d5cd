/** Capacity charge: contracted kW × price per kW and month. */
import type { DraftLine } from "../invoice-builder.ts";
import { BillingDecimal } from "../money.ts";
import type { Validator } from "../validation.ts";
import { type LineContext, perKwMonthLines } from "./lines.ts";
import { type PriceValue, priceValue } from "./price-fields.ts";

export type CapacityCharge = { contractedKw: string; price: PriceValue };

export function validateCapacity(v: Validator, value: unknown): void {
  const c = v.object("capacity", value, ["contractedKw", "price"]);
  if (c !== undefined) {
    v.decimal("capacity.contractedKw", c.contractedKw, { nonNegative: true });
    priceValue(v, "capacity.price", c.price);
  }
}

export function capacityLines(ctx: LineContext, charge: CapacityCharge): DraftLine[] {
  return perKwMonthLines(
    ctx,
    "capacity",
    "Capacity charge (contracted kW)",
    new BillingDecimal(charge.contractedKw),
    charge.price,
  );
}
