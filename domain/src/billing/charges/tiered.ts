/** Tiered blocks: the period's kWh fill ascending blocks, each at its own price. */
import type { DraftLine } from "../invoice-builder.ts";
import { BillingDecimal, dec, formatDecimal } from "../money.ts";
import { type Validator, join } from "../validation.ts";
import type { EnergyLineContext, EnergyModel } from "./energy-model.ts";
import { ZERO, perKwhLines } from "./lines.ts";
import { type PriceValue, priceValue } from "./price-fields.ts";
import type { TariffBase } from "./tariff-base.ts";

/** Ascending upper bounds in kWh; only the last tier is unbounded (`null`). */
export type TierPricing = { tiers: { upToKwh: string | null; price: PriceValue }[] };
export type TieredTariff = TariffBase & {
  tiered: TierPricing;
  single?: never;
  tou?: never;
  dynamic?: never;
};

function validate(v: Validator, value: unknown): void {
  const t = v.object("tiered", value, ["tiers"]);
  if (t === undefined) return;
  const tiers = v.array("tiered.tiers", t.tiers, { min: 1 }) ?? [];
  let previous: string | undefined;
  tiers.forEach((item, i) => {
    const path = join("tiered.tiers", i);
    const tier = v.object(path, item, ["upToKwh", "price"]);
    if (tier === undefined) return;
    priceValue(v, join(path, "price"), tier.price);
    const last = i === tiers.length - 1;
    if (tier.upToKwh === null) {
      if (!last) v.error(join(path, "upToKwh"), "only the last tier may be unbounded (null)");
      return;
    }
    if (last) {
      v.error(join(path, "upToKwh"), "the last tier must be unbounded (null)");
    }
    const bound = v.decimal(join(path, "upToKwh"), tier.upToKwh);
    if (bound === undefined) return;
    if (!dec(bound).greaterThan(0)) {
      v.error(join(path, "upToKwh"), `tier bound must be positive (got ${bound})`);
      return;
    }
    if (previous !== undefined && !dec(bound).greaterThan(dec(previous))) {
      v.error(
        join(path, "upToKwh"),
        `must be greater than ${join("tiered.tiers", i - 1)}.upToKwh (${previous})`,
      );
    }
    previous = bound;
  });
}

/** One line per tier that has kWh (the first tier always shows, even at 0 kWh). */
function lines(ctx: EnergyLineContext, pricing: TierPricing): DraftLine[] {
  const out: DraftLine[] = [];
  const billedKwh = ctx.quantities.billedKwh;
  let lower = ZERO;
  pricing.tiers.forEach((tier, i) => {
    const upper = tier.upToKwh === null ? undefined : new BillingDecimal(tier.upToKwh);
    const above = BillingDecimal.max(ZERO, billedKwh.minus(lower));
    const qty = upper === undefined ? above : BillingDecimal.min(above, upper.minus(lower));
    if (qty.greaterThan(0) || i === 0) {
      const range =
        upper === undefined
          ? `above ${formatDecimal(lower)} kWh`
          : `${formatDecimal(lower)}–${formatDecimal(upper)} kWh`;
      out.push(
        ...perKwhLines(
          ctx,
          "energy",
          `energy.tier${i + 1}`,
          `Energy tier ${i + 1} (${range})`,
          qty,
          tier.price,
          ctx.netInfo,
        ),
      );
    }
    if (upper !== undefined) lower = upper;
  });
  return out;
}

export const tiered: EnergyModel<TierPricing> = { validate, billsTotals: true, lines };
