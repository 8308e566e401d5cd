import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BillingDecimal } from "../billing/money.ts";
import { netByBand, netEnergy, netPerBand, siteEnergy } from "./balance.ts";

const d = (x: string | number) => new BillingDecimal(x);
/** kWh with up to 3 decimals, as the stores hold them (Wh / 1000). */
const kwh = fc.integer({ min: 0, max: 10_000_000 }).map((wh) => d(wh).div(1000));
const wh = fc.integer({ min: 0, max: 1_000_000_000 });

describe("netEnergy", () => {
  it.each([
    // 300 − 120 = 180 billed, nothing left
    ["300", "120", true, "180", "0"],
    // 100 − 150 < 0: 0 billed, 50 surplus
    ["100", "150", true, "0", "50"],
    // without net metering all import is billed; export is compensated separately
    ["100", "150", false, "100", "0"],
  ] as const)("import %s, export %s, netting %s → billed %s, surplus %s", (i, e, net, billed, surplus) => {
    const r = netEnergy({ importKwh: d(i), exportKwh: d(e), netMetering: net });
    expect(r.billedKwh.toString()).toBe(billed);
    expect(r.surplusExportKwh.toString()).toBe(surplus);
  });

  it("property: never creates energy, never negative, and nets kWh for kWh", () => {
    fc.assert(
      fc.property(kwh, kwh, fc.boolean(), (importKwh, exportKwh, netMetering) => {
        const { billedKwh, surplusExportKwh } = netEnergy({ importKwh, exportKwh, netMetering });
        expect(billedKwh.isNegative() || surplusExportKwh.isNegative()).toBe(false);
        expect(billedKwh.lte(importKwh)).toBe(true);
        expect(surplusExportKwh.lte(exportKwh)).toBe(true);
        expect(billedKwh.plus(surplusExportKwh).lte(importKwh.plus(exportKwh))).toBe(true);
        if (netMetering) expect(billedKwh.minus(surplusExportKwh).eq(importKwh.minus(exportKwh))).toBe(true);
        else expect(billedKwh.eq(importKwh) && surplusExportKwh.isZero()).toBe(true);
      }),
    );
  });
});

describe("netByBand", () => {
  it("spreads the netted kWh in proportion to each band's import; the last band takes the rest", () => {
    // import 100 + 200 = 300, billed 150: peak 100 × 150 / 300 = 50, off-peak the rest 100
    const r = netByBand({
      bands: ["peak", "off"],
      importByBand: new Map([
        ["peak", d(100)],
        ["off", d(200)],
      ]),
      importKwh: d(300),
      billedKwh: d(150),
    });
    expect([...r].map(([b, q]) => [b, q.toString()])).toEqual([
      ["peak", "50"],
      ["off", "100"],
    ]);
  });

  it("property: the shares sum to the billed kWh, and no band gets more than it imported", () => {
    fc.assert(
      fc.property(fc.array(kwh, { minLength: 1, maxLength: 8 }), kwh, (gross, exportKwh) => {
        const bands = gross.map((_, i) => `b${i}`);
        const importByBand = new Map(bands.map((b, i) => [b, gross[i] as BillingDecimal]));
        const importKwh = gross.reduce((a, b) => a.plus(b), d(0));
        const { billedKwh } = netEnergy({ importKwh, exportKwh, netMetering: true });
        const shares = netByBand({ bands, importByBand, importKwh, billedKwh });
        const sum = [...shares.values()].reduce((a, b) => a.plus(b), d(0));
        // exact up to the 50th significant digit (the sum is taken in another order than the rest)
        expect(sum.minus(billedKwh).abs().lte("1e-40")).toBe(true);
        for (const b of bands) {
          const share = shares.get(b) as BillingDecimal;
          // 1e-30 kWh: the division's rounding at 50 significant digits
          expect(share.gte(d("-1e-30"))).toBe(true);
          expect(share.lte((importByBand.get(b) as BillingDecimal).plus("1e-30"))).toBe(true);
        }
      }),
    );
  });
});

describe("siteEnergy", () => {
  it("consumption 2000 + 5000 − 3000 = 4000; self-consumption 5000 − 3000 = 2000", () => {
    expect(siteEnergy({ productionWh: 5000, importWh: 2000, exportWh: 3000 })).toMatchObject({
      consumptionWh: 4000,
      selfConsumptionWh: 2000,
    });
  });

  it("property: never creates energy, and self-consumption is part of production and of consumption", () => {
    fc.assert(
      fc.property(wh, wh, wh, (productionWh, importWh, exportWh) => {
        const s = siteEnergy({ productionWh, importWh, exportWh });
        expect(s.consumptionWh).toBeGreaterThanOrEqual(0);
        expect(s.selfConsumptionWh).toBeGreaterThanOrEqual(0);
        expect(s.selfConsumptionWh).toBeLessThanOrEqual(productionWh);
        expect(s.selfConsumptionWh).toBeLessThanOrEqual(s.consumptionWh);
        expect(s.consumptionWh + exportWh).toBeGreaterThanOrEqual(importWh);
        expect(s.consumptionWh).toBeLessThanOrEqual(importWh + productionWh);
      }),
    );
  });
});

describe("netPerBand (net metering within each band)", () => {
  const bandMap = fc.tuple(kwh, kwh, kwh);
  it("never creates energy: billed ≤ import, excess ≤ export + carried in, and the balance closes", () => {
    fc.assert(
      fc.property(bandMap, bandMap, bandMap, (imp, exp, carried) => {
        const bands = ["a", "b", "c"];
        const m = (xs: BillingDecimal[]) => new Map(bands.map((b, i) => [b, xs[i]!]));
        const r = netPerBand({
          bands,
          importByBand: m(imp),
          exportByBand: m(exp),
          carriedInByBand: m(carried),
        });
        let billed = d(0);
        let excess = d(0);
        for (const n of r.values()) {
          expect(n.billedKwh.lessThanOrEqualTo(n.importKwh)).toBe(true);
          expect(n.excessKwh.lessThanOrEqualTo(n.exportKwh.plus(n.carriedInKwh))).toBe(true);
          const used = n.exportKwh.plus(n.carriedInKwh).minus(n.excessKwh);
          expect(n.billedKwh.plus(used).equals(n.importKwh)).toBe(true);
          billed = billed.plus(n.billedKwh);
          excess = excess.plus(n.excessKwh);
        }
        const sum = (xs: BillingDecimal[]) => xs.reduce((a, b) => a.plus(b), d(0));
        expect(billed.lessThanOrEqualTo(sum(imp))).toBe(true);
        expect(excess.lessThanOrEqualTo(sum(exp).plus(sum(carried)))).toBe(true);
      }),
    );
  });

  it("import 100, export 30, carried in 20 → billed 50; export 130 → excess 50", () => {
    const one = (i: number, e: number, c: number) =>
      netPerBand({
        bands: ["p"],
        importByBand: new Map([["p", d(i)]]),
        exportByBand: new Map([["p", d(e)]]),
        carriedInByBand: new Map([["p", d(c)]]),
      }).get("p")!;
    expect([one(100, 30, 20).billedKwh.toFixed(), one(100, 30, 20).excessKwh.toFixed()]).toEqual(["50", "0"]);
    expect([one(100, 130, 20).billedKwh.toFixed(), one(100, 130, 20).excessKwh.toFixed()]).toEqual([
      "0",
      "50",
    ]);
  });
});
