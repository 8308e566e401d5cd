import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeInvoice } from "../compute-invoice.ts";
import { TERMS } from "../fixtures.test-util.ts";
import { type Tariff, mustParseTariff, parseTariff } from "../tariff.ts";

const TZ = "Europe/Berlin";
const base = { name: "m", currency: "EUR", single: { price: "0.30" } } as const;
const withMinimum = (perMonth: string, perYear?: string): Tariff =>
  mustParseTariff({
    ...base,
    fixedCharges: [{ code: "base", description: "Base", per: "month", price: "2" }],
    minimumCharges: [
      { code: "minimum.month", description: "Monthly minimum", per: "month", price: perMonth },
      ...(perYear === undefined
        ? []
        : [{ code: "minimum.year", description: "Annual minimum", per: "year", price: perYear }]),
    ],
  });
const bill = (tariff: Tariff, annualKwh: string, period = { start: "2025-06-01", end: "2025-07-01" }) =>
  computeInvoice({ tariff, terms: TERMS, period, timeZone: TZ, consumption: { kind: "slp", annualKwh } });

describe("minimum charges", () => {
  it("tops the supply charges up to the monthly minimum, pro rata in a partial month", () => {
    // 120 kWh/year → 10 kWh × 0.30 = 3.00 + base 2.00 = 5.00; minimum 20 → top-up 15.00
    const full = bill(withMinimum("20"), "120");
    const topUp = full.lines.find((l) => l.code === "minimum.month");
    expect(topUp?.preciseAmount).toBe("15");
    expect(topUp?.breakdown).toEqual({ minimum: "20", charged: "5", per: "month" });
    // 15 of 30 days: minimum 10, charged 1.50 + 1.00 → top-up 7.50
    const half = bill(withMinimum("20"), "120", { start: "2025-06-16", end: "2025-07-01" });
    expect(half.lines.find((l) => l.code === "minimum.month")?.preciseAmount).toBe("7.5");
  });

  it("adds nothing when the supply reaches the minimum", () => {
    const plain = bill(
      mustParseTariff({
        ...base,
        fixedCharges: [{ code: "base", description: "Base", per: "month", price: "2" }],
      }),
      "12000",
    );
    expect(bill(withMinimum("20"), "12000")).toEqual(plain);
  });

  it("validates with field paths", () => {
    const r = parseTariff({
      ...base,
      minimumCharges: [
        { code: "a", description: "A", per: "day", price: "1" },
        { code: "b", description: "B", per: "month", price: "-1" },
        { code: "c", description: "C", per: "month", price: "1" },
      ],
    });
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual([
      "minimumCharges[0].per",
      "minimumCharges[1].price",
      "minimumCharges[2].per",
    ]);
  });

  it("property: a minimum never lowers a bill, and the supply lines reach it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (kwh, monthCents, yearCents, month, day) => {
          const start = `2025-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          const period = {
            start,
            end: month === 12 ? "2026-01-01" : `2025-${String(month + 1).padStart(2, "0")}-01`,
          };
          const tariff = withMinimum((monthCents / 100).toString(), (yearCents / 100).toString());
          const without = bill({ ...tariff, minimumCharges: [] }, String(kwh), period);
          const withMin = bill(tariff, String(kwh), period);
          expect(withMin.netMinor >= without.netMinor).toBe(true);
          expect(withMin.totalMinor >= without.totalMinor).toBe(true);
        },
      ),
    );
  });
});
