/**
 * Export compensation: net metering (export offsets import) or a feed-in price per exported kWh.
 *
 * Net metering nets over the whole period (`netting: "period"`, the default and the behaviour
 * before issue 13: netted kWh come off TOU bands in proportion to their import) or within each
 * band (`netting: "band"`: each interval's export counts in its own band, see `netPerBand`). With
 * band netting, `excess` says what happens to export left over: `drop` (default), `sell-back` at a
 * price, `roll-over` (carried to the next invoice) or `annual-true-up` (carried, and paid out at the
 * true-up invoice at a set price or the band's retail price). With dynamic prices, band netting nets
 * within each price interval at that interval's price; the excess is dropped, sold back, or carried as
 * a money credit at its market value (roll-over, annual true-up with price "retail": market-credit.ts).
 */
import type { DraftLine } from "../invoice-builder.ts";
import type { BillingDecimal } from "../money.ts";
import { type Validator, join } from "../validation.ts";
import { type LineContext, perKwhLines } from "./lines.ts";
import { type PriceValue, priceValue } from "./price-fields.ts";

export type ExcessRule =
  | { kind: "drop" }
  | { kind: "sell-back"; price: PriceValue }
  | { kind: "roll-over" }
  | { kind: "annual-true-up"; price: PriceValue | "retail" };
export type NetMetering = { kind: "net_metering"; netting?: "period" | "band"; excess?: ExcessRule };
export type ExportCompensation = NetMetering | { kind: "feed_in"; price: PriceValue };

/** `dynamicEnergy`: net metering with dynamic prices nets per price interval; a carried credit is money. */
export function validateExport(v: Validator, value: unknown, dynamicEnergy: boolean): void {
  const e = v.object("export", value, ["kind", "price", "netting", "excess"]);
  if (e === undefined) return;
  const kind = v.oneOf("export.kind", e.kind, ["net_metering", "feed_in"] as const);
  if (kind === "feed_in") {
    priceValue(v, "export.price", e.price);
    if (e.netting !== undefined) v.error("export.netting", "only with net_metering");
    if (e.excess !== undefined) v.error("export.excess", "only with net_metering");
  }
  if (kind === "net_metering" && e.price !== undefined) v.error("export.price", "net metering has no price");
  if (kind !== "net_metering") return;
  const netting =
    e.netting === undefined ? "period" : v.oneOf("export.netting", e.netting, ["period", "band"] as const);
  if (dynamicEnergy && netting === "period") {
    v.error(
      "export.kind",
      'net metering with dynamic prices needs netting "band" (netted within each price interval, at its price)',
    );
  }
  if (e.excess === undefined) return;
  const x = v.object("export.excess", e.excess, ["kind", "price"]);
  if (x === undefined) return;
  const rule = v.oneOf("export.excess.kind", x.kind, [
    "drop",
    "sell-back",
    "roll-over",
    "annual-true-up",
  ] as const);
  const pricePath = join("export.excess", "price");
  if (rule === "sell-back") priceValue(v, pricePath, x.price);
  if (rule === "annual-true-up" && x.price !== "retail") {
    if (x.price === undefined) v.error(pricePath, 'required: a price per kWh or "retail"');
    else priceValue(v, pricePath, x.price);
  }
  if ((rule === "drop" || rule === "roll-over") && x.price !== undefined)
    v.error(pricePath, `${rule} has no price`);
  if (dynamicEnergy && rule === "annual-true-up" && x.price !== "retail") {
    v.error(
      pricePath,
      'with dynamic prices the carried credit is money (excess at market value): the true-up pays it out, price "retail"',
    );
  }
  if (rule !== undefined && rule !== "drop" && netting === "period") {
    v.error("export.excess.kind", `${rule} needs export.netting "band" (the credit is kept per band)`);
  }
}

/** Feed-in credit lines: exported kWh at the negated feed-in price. */
export function feedInLines(ctx: LineContext, price: PriceValue, exportKwh: BillingDecimal): DraftLine[] {
  return creditLines(ctx, "export.feed_in", "Feed-in compensation", exportKwh, price);
}

/** A credit per kWh: the quantity at the negated price (sell-back, true-up payout, feed-in). */
export function creditLines(
  ctx: LineContext,
  code: string,
  description: string,
  kwh: BillingDecimal,
  price: PriceValue,
  breakdown?: Record<string, unknown>,
): DraftLine[] {
  return perKwhLines(ctx, "credit", code, description, kwh, price, breakdown).map((line) => ({
    ...line,
    unitPrice: line.unitPrice.negated(),
    precise: line.precise.negated(),
  }));
}
