import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeInvoice } from "../compute-invoice.ts";
import { TERMS } from "../fixtures.test-util.ts";
import { BillingDecimal } from "../money.ts";
import { type Tariff, mustParseTariff, parseTariff } from "../tariff.ts";

const TZ = "Europe/Berlin";
const PERIOD = { start: "2025-06-01", end: "2025-07-01" };
const base = { name: "a", currency: "EUR", single: { price: "0.30" } } as const;
const bill = (tariff: Tariff, annualKwh: string) =>
  computeInvoice({
    tariff,
    terms: TERMS,
    period: PERIOD,
    timeZone: TZ,
    consumption: { kind: "slp", annualKwh },
  });

describe("per-kWh adjustments", () => {
  it("bills billed kWh × a negative adjustment as an energy credit line", () => {
    // 1200 kWh/year → 100 kWh × −0.0125 = −1.25
    const inv = bill(
      mustParseTariff({
        ...base,
        adjustments: [{ code: "adj.fuel", description: "Fuel", price: "-0.0125" }],
      }),
      "1200",
    );
    const line = inv.lines.find((l) => l.code === "adj.fuel");
    expect(line).toMatchObject({
      group: "energy",
      quantity: "100",
      unitPrice: "-0.0125",
      amountMinor: -125n,
    });
  });

  it("accepts a negative price only as an adjustment", () => {
    const r = parseTariff({
      ...base,
      single: { price: "-0.01" },
      fixedCharges: [{ code: "f", description: "F", per: "month", price: "-1" }],
      adjustments: [
        { code: "adj.fuel", description: "Fuel", price: [{ from: "2025-01-01", price: "-0.02" }] },
        { code: "adj.fuel", description: "Again", price: "x" },
      ],
    });
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual([
      "single.price",
      "fixedCharges[0].price",
      "adjustments[1].code",
      "adjustments[1].price",
    ]);
  });

  it("property: an adjustment changes the net by exactly its lines, over billed kWh split at a price change", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: -500, max: 500 }),
        fc.integer({ min: -500, max: 500 }),
        fc.integer({ min: 2, max: 30 }),
        (kwh, a, b, day) => {
          const from = `2025-06-${String(day).padStart(2, "0")}`;
          const price = [
            { from: "2025-01-01", price: new BillingDecimal(a).div(10_000).toFixed() },
            { from, price: new BillingDecimal(b).div(10_000).toFixed() },
          ];
          const plain = bill(mustParseTariff(base), String(kwh));
          const adjusted = bill(
            mustParseTariff({ ...base, adjustments: [{ code: "adj", description: "Adj", price }] }),
            String(kwh),
          );
          const lines = adjusted.lines.filter((l) => l.code === "adj");
          expect(lines).toHaveLength(2);
          const qty = lines.reduce((s, l) => s.plus(l.quantity), new BillingDecimal(0));
          // the segments' kWh sum to the billed kWh (to 40 places: 1/12 is not a finite decimal)
          expect(qty.toDecimalPlaces(40).equals(new BillingDecimal(kwh).div(12).toDecimalPlaces(40))).toBe(
            true,
          );
          const sum = lines.reduce((s, l) => s + l.amountMinor, 0n);
          expect(adjusted.netMinor - plain.netMinor).toBe(sum);
        },
      ),
    );
  });
});
