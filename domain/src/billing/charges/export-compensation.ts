/** Export compensation: net metering (export offsets import) or a feed-in price per exported kWh. */
import type { DraftLine } from "../invoice-builder.ts";
import type { BillingDecimal } from "../money.ts";
import type { Validator } from "../validation.ts";
import { type LineContext, perKwhLines } from "./lines.ts";
import { type PriceValue, priceValue } from "./price-fields.ts";

export type ExportCompensation = { kind: "net_metering" } | { kind: "feed_in"; price: PriceValue };

/** `dynamicEnergy`: net metering needs a fixed energy price to net against. */
export function validateExport(v: Validator, value: unknown, dynamicEnergy: boolean): void {
  const e = v.object("export", value, ["kind", "price"]);
  if (e === undefined) return;
  const kind = v.oneOf("export.kind", e.kind, ["net_metering", "feed_in"] as const);
  if (kind === "feed_in") priceValue(v, "export.price", e.price);
  if (kind === "net_metering" && e.price !== undefined) v.error("export.price", "net metering has no price");
  if (kind === "net_metering" && dynamicEnergy) {
    v.error("export.kind", "net metering needs a single, TOU or tiered energy price, not dynamic");
  }
}

/** Feed-in credit lines: exported kWh at the negated feed-in price. */
export function feedInLines(ctx: LineContext, price: PriceValue, exportKwh: BillingDecimal): DraftLine[] {
  return perKwhLines(ctx, "credit", "export.feed_in", "Feed-in compensation", exportKwh, price).map(
    (line) => ({ ...line, unitPrice: line.unitPrice.negated(), precise: line.precise.negated() }),
  );
}
