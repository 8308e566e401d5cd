/**
 * Contract prices: fixed per MWh, or indexed to the day-ahead price of a zone plus a spread. The
 * price of every delivered interval is resolved up front (`intervalPrices`); a missing market price
 * is an error naming the first missing instants, never a silent zero.
 */
import { TradingInputError } from "./errors.ts";
import { type PriceMicro, parsePrice } from "./price.ts";
import type { Shape } from "./product.ts";

export type ContractPrice =
  | { kind: "fixed"; pricePerMwh: string }
  /** day-ahead price of `zone` in the interval (quarter hour, else its hour) + spread (may be negative) */
  | { kind: "indexed"; zone: string; spreadPerMwh: string };

/** The price type of invoice consolidation: fixed or indexed to one zone. */
export function priceTypeOf(price: ContractPrice): string {
  return price.kind === "fixed" ? "fixed" : `indexed:${price.zone}`;
}

/** Day-ahead prices of one zone: UTC interval start (ms) → price per MWh; 15- or 60-minute starts. */
export type MarketPrices = Map<number, PriceMicro>;

/** The market price for an interval: its own (quarter-hour) price, else the price of its hour. */
export function marketPriceAt(market: MarketPrices, startMs: number): PriceMicro | undefined {
  return market.get(startMs) ?? market.get(startMs - (startMs % 3_600_000));
}

/**
 * The price of every interval of the shape. Indexed prices need `market` (the zone's prices).
 * @example intervalPrices(shape, { kind: "fixed", pricePerMwh: "80" }) // 80 per MWh everywhere
 */
export function intervalPrices(
  shape: Shape,
  price: ContractPrice,
  market?: MarketPrices,
  path = "contract.price",
): PriceMicro[] {
  if (price.kind === "fixed") {
    const p = parsePrice(price.pricePerMwh, `${path}.pricePerMwh`);
    return new Array<PriceMicro>(shape.startMs.length).fill(p);
  }
  const spread = parsePrice(price.spreadPerMwh, `${path}.spreadPerMwh`);
  if (market === undefined)
    throw new TradingInputError(path, `indexed to ${price.zone}: no market prices given`);
  const out: PriceMicro[] = new Array<PriceMicro>(shape.startMs.length);
  const missing: string[] = [];
  for (let i = 0; i < shape.startMs.length; i++) {
    const t = shape.startMs[i] as number;
    const m = marketPriceAt(market, t);
    if (m === undefined) {
      if (missing.length < 5) missing.push(new Date(t).toISOString());
      out[i] = 0n;
    } else out[i] = m + spread;
  }
  if (missing.length > 0)
    throw new TradingInputError(
      path,
      `no ${price.zone} day-ahead price for ${missing.join(", ")}${missing.length === 5 ? ", …" : ""}`,
    );
  return out;
}
