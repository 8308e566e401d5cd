/**
 * Minimum charges: a bill's supply charges (energy, capacity, demand, fixed charges) never fall below
 * a minimum per month or per year; a `fee` line tops them up to it. Network charges and the levy
 * (contract terms) and export credits are not counted and not lowered. The top-up is a charge for the
 * supply, so it carries VAT at the fee rate like any fee line (`vatRateByGroup.fee`, else `vatRate`).
 */
import type { DraftLine } from "../invoice-builder.ts";
import { BillingDecimal, formatDecimal } from "../money.ts";
import { priceSegments } from "../price-schedule.ts";
import { type Validator, join } from "../validation.ts";
import { chargeUnits, proRateOf } from "./fixed-charges.ts";
import { type LineContext, ZERO, instantsOf } from "./lines.ts";
import { type PriceValue, codeField, priceValue } from "./price-fields.ts";

/**
 * A minimum per calendar month or year, pro rata over a partial period like a fixed charge
 * (days in the month / in the year): a bill for 15 of 30 days must reach half the monthly minimum.
 * A yearly minimum is checked on every bill for its share of the year, not as a year-end true-up.
 */
export type MinimumCharge = { code: string; description: string; per: "month" | "year"; price: PriceValue };

/** The supply groups a minimum is measured on. */
const SUPPLY_GROUPS: ReadonlySet<DraftLine["group"]> = new Set(["energy", "fee"]);

export function validateMinimumCharges(v: Validator, value: unknown): void {
  const list = v.array("minimumCharges", value) ?? [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const path = join("minimumCharges", i);
    const c = v.object(path, item, ["code", "description", "per", "price"]);
    if (c === undefined) return;
    const code = codeField(v, join(path, "code"), c.code);
    if (code !== undefined && seen.has(code)) v.error(join(path, "code"), `duplicate code ${code}`);
    if (code !== undefined) seen.add(code);
    v.string(join(path, "description"), c.description);
    const per = v.oneOf(join(path, "per"), c.per, ["month", "year"] as const);
    if (per !== undefined && seen.has(`per:${per}`))
      v.error(join(path, "per"), `a second minimum per ${per}`);
    if (per !== undefined) seen.add(`per:${per}`);
    priceValue(v, join(path, "price"), c.price);
  });
}

/** The minimum of `charge` for the period (exact, pro rata by days of each price's validity). */
export function minimumAmount(ctx: LineContext, charge: MinimumCharge): BillingDecimal {
  return priceSegments(charge.price, ctx.period).reduce(
    (sum, seg) =>
      sum.plus(chargeUnits(charge.per, proRateOf({ per: charge.per }), seg, ctx.period).times(seg.price)),
    ZERO,
  );
}

/**
 * Top-up lines: for each minimum in order, what the supply lines (plus earlier top-ups) lack to reach
 * it; nothing when they reach it. A minimum therefore never lowers a bill.
 */
export function minimumChargeLines(
  ctx: LineContext,
  charges: readonly MinimumCharge[],
  supplyLines: readonly DraftLine[],
): DraftLine[] {
  let charged = supplyLines
    .filter((l) => SUPPLY_GROUPS.has(l.group))
    .reduce((s, l) => s.plus(l.precise), ZERO);
  const out: DraftLine[] = [];
  for (const charge of charges) {
    const minimum = minimumAmount(ctx, charge);
    const topUp = minimum.minus(charged);
    if (!topUp.greaterThan(0)) continue;
    const { startMs, endMs } = instantsOf(ctx, ctx.period);
    out.push({
      group: "fee",
      code: charge.code,
      description: charge.description,
      quantity: new BillingDecimal(1),
      unit: "item",
      unitPrice: topUp,
      precise: topUp,
      startMs,
      endMs,
      breakdown: { minimum: formatDecimal(minimum), charged: formatDecimal(charged), per: charge.per },
    });
    charged = charged.plus(topUp);
  }
  return out;
}
