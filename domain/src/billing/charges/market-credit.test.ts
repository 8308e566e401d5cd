import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeInvoice } from "../compute-invoice.ts";
import { BillingDecimal } from "../money.ts";
import { mustParseTariff } from "../tariff.ts";
import { splitMarketCredit } from "./market-credit.ts";

const d = (x: string | number) => new BillingDecimal(x);

describe("money credit of net metering with dynamic prices", () => {
  it("applies up to the energy charges, rounded down to the cent, and carries the rest exactly", () => {
    expect(
      splitMarketCredit({
        currency: "EUR",
        excessKwh: d(10),
        excessValue: d("1.23456"),
        carriedIn: d("2"),
        energyCharges: d("2.999"),
        trueUp: false,
      }),
    ).toEqual({ applied: d("2.99"), paidOut: d(0), carryOver: d("0.24456") });
    // at the true-up the rest is paid out and nothing is carried
    expect(
      splitMarketCredit({
        currency: "EUR",
        excessKwh: d(10),
        excessValue: d("1.23456"),
        carriedIn: d("2"),
        energyCharges: d("1"),
        trueUp: true,
      }),
    ).toEqual({ applied: d(1), paidOut: d("2.23456"), carryOver: d(0) });
    // negative energy charges (negative market prices) take no credit
    expect(
      splitMarketCredit({
        currency: "EUR",
        excessKwh: d(0),
        excessValue: d(0),
        carriedIn: d("5"),
        energyCharges: d("-0.5"),
        trueUp: false,
      }).applied.isZero(),
    ).toBe(true);
  });

  it("property: applied + paid out + carried = carried in + excess value; 0 ≤ applied ≤ charges", () => {
    const money = fc.integer({ min: 0, max: 10_000_000 }).map((n) => d(n).div(10_000));
    fc.assert(
      fc.property(
        money,
        money,
        fc.integer({ min: -1_000_000, max: 10_000_000 }),
        fc.boolean(),
        (v, c, e, trueUp) => {
          const energyCharges = d(e).div(10_000);
          const r = splitMarketCredit({
            currency: "EUR",
            excessKwh: d(1),
            excessValue: v,
            carriedIn: c,
            energyCharges,
            trueUp,
          });
          expect(r.applied.plus(r.paidOut).plus(r.carryOver).equals(c.plus(v))).toBe(true);
          expect(r.applied.isNegative()).toBe(false);
          expect(r.applied.lessThanOrEqualTo(BillingDecimal.max(0, energyCharges))).toBe(true);
          expect(r.applied.decimalPlaces()).toBeLessThanOrEqual(2);
          expect(r.carryOver.isNegative() || r.paidOut.isNegative()).toBe(false);
        },
      ),
    );
  });

  it("bills the credit on the invoice: excess valued per price hour, carried in and out", () => {
    const tariff = mustParseTariff({
      name: "Spot net billing",
      currency: "EUR",
      dynamic: { resolutionMinutes: 60, margin: "0.02" },
      export: { kind: "net_metering", netting: "band", excess: { kind: "roll-over" } },
    });
    const inv = computeInvoice({
      tariff,
      terms: { vatRate: "19", priceIncludesLevy: true, paymentTermsDays: 14 },
      period: { start: "2025-06-02", end: "2025-06-03" },
      timeZone: "UTC",
      consumption: {
        kind: "intervals",
        intervalMinutes: 60,
        intervals: Array.from({ length: 24 }, (_, h) => ({
          start: `2025-06-02T${String(h).padStart(2, "0")}:00:00Z`,
          importKwh: h === 12 ? "0" : "1",
          exportKwh: h === 12 ? "4" : "0",
        })),
      },
      marketPrices: Array.from({ length: 24 }, (_, h) => ({
        start: `2025-06-02T${String(h).padStart(2, "0")}:00:00Z`,
        price: h === 12 ? "0.05" : "0.10",
      })),
      netMetering: { carriedOverCredit: "0.50" },
    });
    // 23 kWh at 0.10 = 2.30 + margin 23 × 0.02 = 0.46: charges 2.76; excess 4 kWh × 0.05 = 0.20;
    // available 0.50 + 0.20 = 0.70, all applied
    const credit = inv.lines.find((l) => l.code === "export.credit");
    expect(credit?.amountMinor).toBe(-70n);
    expect(credit?.breakdown).toMatchObject({
      netMeteringCredit: { excessKwh: "4", excessValue: "0.2", appliedCredit: "0.7", carryOverCredit: "0" },
    });
    expect(inv.netMinor).toBe(230n + 46n - 70n);
  });
});
