/**
 * Net metering with dynamic prices and a carried credit (excess `roll-over` or `annual-true-up`), the
 * way net billing tariffs with hourly export values work: export left over after netting within each
 * price interval is worth that interval's market price, so the credit is money, not kWh. Each invoice
 * applies the credit carried in plus this period's excess value against its energy charges (never
 * more than they are, never below zero), rounded to the minor unit; the rest is carried over exactly.
 * At the annual true-up the credit left is paid out (`price: "retail"`: at the value it was earned
 * at) and the carry-over restarts at zero. Conservation: applied + paid out + carried over =
 * carried in + excess value, to the last decimal (property test).
 */
import { BillingInputError } from "../errors.ts";
import type { DraftLine } from "../invoice-builder.ts";
import type { CurrencyCode } from "../iso-4217.ts";
import { BillingDecimal, formatDecimal, minorUnitDigits } from "../money.ts";
import { type LineContext, ZERO, instantsOf } from "./lines.ts";

export type MarketCreditParams = {
  currency: CurrencyCode;
  /** kWh exported beyond the import of their price intervals */
  excessKwh: BillingDecimal;
  /** Σ over price intervals of excess kWh × market price (exact) */
  excessValue: BillingDecimal;
  /** the credit carried in from the previous invoice (major units) */
  carriedIn: BillingDecimal;
  /** the energy charges the credit may offset (energy at market price and margin, exact) */
  energyCharges: BillingDecimal;
  trueUp: boolean;
};

export type MarketCredit = {
  applied: BillingDecimal;
  paidOut: BillingDecimal;
  carryOver: BillingDecimal;
};

/** How the credit available splits into applied (rounded to the minor unit), paid out and carried. */
export function splitMarketCredit(p: MarketCreditParams): MarketCredit {
  if (p.carriedIn.isNegative())
    throw new BillingInputError("invalid_input", "netMetering.carriedOverCredit must not be negative");
  const available = p.carriedIn.plus(p.excessValue.isNegative() ? ZERO : p.excessValue);
  const cap = BillingDecimal.max(ZERO, BillingDecimal.min(available, p.energyCharges));
  // Rounded down to the minor unit so that the applied amount never exceeds what is available.
  const applied = cap.toDecimalPlaces(minorUnitDigits(p.currency), BillingDecimal.ROUND_DOWN);
  const rest = available.minus(applied);
  return p.trueUp ? { applied, paidOut: rest, carryOver: ZERO } : { applied, paidOut: ZERO, carryOver: rest };
}

/** The credit line (always, so that the carry-over is on the invoice) and, at the true-up, the payout. */
export function marketCreditLines(ctx: LineContext, p: MarketCreditParams): DraftLine[] {
  const c = splitMarketCredit(p);
  const { startMs, endMs } = instantsOf(ctx, ctx.period);
  const one = new BillingDecimal(1);
  const lines: DraftLine[] = [
    {
      group: "energy",
      code: "export.credit",
      description: "Net metering credit (excess export at market value)",
      quantity: one,
      unit: "item",
      unitPrice: c.applied.negated(),
      precise: c.applied.negated(),
      startMs,
      endMs,
      breakdown: {
        netMeteringCredit: {
          excessKwh: formatDecimal(p.excessKwh),
          excessValue: formatDecimal(p.excessValue),
          carriedInCredit: formatDecimal(p.carriedIn),
          energyCharges: formatDecimal(p.energyCharges),
          appliedCredit: formatDecimal(c.applied),
          carryOverCredit: formatDecimal(c.carryOver),
        },
      },
    },
  ];
  if (!c.paidOut.isZero()) {
    lines.push({
      group: "credit",
      code: "export.true_up",
      description: "Net metering annual true-up (credit paid out)",
      quantity: one,
      unit: "item",
      unitPrice: c.paidOut.negated(),
      precise: c.paidOut.negated(),
      startMs,
      endMs,
    });
  }
  return lines;
}
