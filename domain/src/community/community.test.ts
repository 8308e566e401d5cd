// Table-driven cases and property tests (fast-check) for the community split, occupancy and prices.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeCommunityPeriod, type MeterSeries } from "./compute-period.ts";
import { CommunityInputError } from "./errors.ts";
import { occupancySegments, segmentEnergy } from "./occupancy.ts";
import { periodGrid } from "./period-grid.ts";
import { monthsOf, residentInvoice } from "./resident-invoice.ts";
import type { CommunitySetup } from "./setup.ts";
import { costPricePerKwh, solarPrice } from "./solar-price.ts";
import { splitInterval } from "./split-interval.ts";

const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);
const TZ = "Europe/Zurich";

describe("splitInterval", () => {
  it("shares solar by consumption: 300 Wh over 200 and 400 → 100 and 200", () => {
    const s = splitInterval({ productionWh: [300n], consumptionWh: [200n, 400n] });
    expect(s.consumers).toEqual([
      { solarWh: 100n, gridWh: 100n },
      { solarWh: 200n, gridWh: 200n },
    ]);
    expect(s.exportWh).toBe(0n);
    expect(s.gridImportWh).toBe(300n);
  });

  it("never gives a consumer more than it consumed; the rest is exported", () => {
    // 1000 Wh produced, 120 + 80 consumed → both full, 800 exported
    const s = splitInterval({ productionWh: [1000n], consumptionWh: [120n, 80n] });
    expect(s.consumers).toEqual([
      { solarWh: 120n, gridWh: 0n },
      { solarWh: 80n, gridWh: 0n },
    ]);
    expect(s.plants).toEqual([{ toConsumersWh: 200n, toBatteryWh: 0n, exportWh: 800n }]);
  });

  it("two plants share by production: 600 + 200 produced, 400 used → 300 + 100 to consumers", () => {
    const s = splitInterval({ productionWh: [600n, 200n], consumptionWh: [400n] });
    expect(s.plants).toEqual([
      { toConsumersWh: 300n, toBatteryWh: 0n, exportWh: 300n },
      { toConsumersWh: 100n, toBatteryWh: 0n, exportWh: 100n },
    ]);
  });

  it("battery: charges from the surplus, discharges to consumers", () => {
    // Noon: 900 produced, 300 consumed → 600 surplus; the battery charges 500 → 100 exported.
    const noon = splitInterval({
      productionWh: [900n],
      consumptionWh: [300n],
      battery: { chargeWh: 500n, dischargeWh: 0n },
    });
    expect(noon.plants[0]).toEqual({ toConsumersWh: 300n, toBatteryWh: 500n, exportWh: 100n });
    expect(noon.battery).toEqual({
      toConsumersWh: 0n,
      exportWh: 0n,
      chargeFromSolarWh: 500n,
      chargeFromGridWh: 0n,
    });
    // Evening: no sun, the battery discharges 200 to a 500 Wh load → 200 solar, 300 grid.
    const evening = splitInterval({
      productionWh: [0n],
      consumptionWh: [500n],
      battery: { chargeWh: 0n, dischargeWh: 200n },
    });
    expect(evening.consumers[0]).toEqual({ solarWh: 200n, gridWh: 300n });
    // Charging beyond the surplus comes from the grid: 100 surplus, 250 charged → 150 from the grid.
    const grid = splitInterval({
      productionWh: [400n],
      consumptionWh: [300n],
      battery: { chargeWh: 250n, dischargeWh: 0n },
    });
    expect(grid.battery?.chargeFromGridWh).toBe(150n);
    expect(grid.gridImportWh).toBe(150n);
  });

  it("refuses negative energy, naming the meter position", () => {
    expect(() => splitInterval({ productionWh: [-1n], consumptionWh: [1n] })).toThrow("productionWh[0]");
    expect(() => splitInterval({ productionWh: [1n], consumptionWh: [1n, -2n] })).toThrow("consumptionWh[1]");
  });

  const wh = fc.bigInt({ min: 0n, max: 20_000n });
  it("balances to the Wh in every interval, caps respected, nothing negative", () => {
    fc.assert(
      fc.property(
        fc.array(wh, { minLength: 1, maxLength: 4 }),
        fc.array(wh, { minLength: 0, maxLength: 25 }),
        fc.option(fc.record({ chargeWh: wh, dischargeWh: wh }), { nil: undefined }),
        (productionWh, consumptionWh, battery) => {
          const s = splitInterval(
            battery ? { productionWh, consumptionWh, battery } : { productionWh, consumptionWh },
          );
          s.consumers.forEach((c, i) => {
            expect(c.solarWh + c.gridWh).toBe(consumptionWh[i]);
            expect(c.solarWh >= 0n && c.gridWh >= 0n).toBe(true);
          });
          s.plants.forEach((p, i) => {
            expect(p.toConsumersWh + p.toBatteryWh + p.exportWh).toBe(productionWh[i]);
            expect(p.toConsumersWh >= 0n && p.toBatteryWh >= 0n && p.exportWh >= 0n).toBe(true);
          });
          const solarToConsumers = sum(s.consumers.map((c) => c.solarWh));
          const fromSources = sum(s.plants.map((p) => p.toConsumersWh)) + (s.battery?.toConsumersWh ?? 0n);
          expect(solarToConsumers).toBe(fromSources);
          // Whole building: production + discharge + grid import = consumption + charge + export
          const produced = sum(productionWh) + (battery?.dischargeWh ?? 0n);
          expect(produced + s.gridImportWh).toBe(sum(consumptionWh) + (battery?.chargeWh ?? 0n) + s.exportWh);
          if (battery && s.battery) {
            expect(s.battery.chargeFromSolarWh + s.battery.chargeFromGridWh).toBe(battery.chargeWh);
            expect(s.battery.toConsumersWh + s.battery.exportWh).toBe(battery.dischargeWh);
            expect(sum(s.plants.map((p) => p.toBatteryWh))).toBe(s.battery.chargeFromSolarWh);
          }
          // solar is only exported when every consumer is fully supplied
          if (s.exportWh > 0n) s.consumers.forEach((c) => expect(c.gridWh).toBe(0n));
        },
      ),
    );
  });
});

describe("periodGrid", () => {
  it("counts 92 quarter hours on the spring-forward day and 100 on the fall-back day", () => {
    expect(periodGrid({ start: "2026-03-29", end: "2026-03-30" }, TZ).startsMs).toHaveLength(92);
    expect(periodGrid({ start: "2026-10-25", end: "2026-10-26" }, TZ).startsMs).toHaveLength(100);
    expect(periodGrid({ start: "2026-01-01", end: "2026-04-01" }, TZ).startsMs).toHaveLength(90 * 96 - 4);
  });
});

const SETUP: CommunitySetup = {
  plants: [{ meterId: "pv", ownerId: "owner" }],
  consumers: [
    { meterId: "a1", role: "apartment", unitId: "A" },
    { meterId: "b1", role: "apartment", unitId: "B" },
    { meterId: "stairs", role: "common", unitId: null },
  ],
  units: [
    { id: "A", commonWeight: "60" },
    { id: "B", commonWeight: "40" },
  ],
};

function constantSeries(n: number, wh: bigint): (bigint | null)[] {
  return new Array<bigint | null>(n).fill(wh);
}

describe("computeCommunityPeriod", () => {
  const grid = periodGrid({ start: "2026-06-01", end: "2026-06-03" }, TZ);
  const n = grid.startsMs.length; // 192
  const series = new Map<string, MeterSeries>([
    ["pv", { export: constantSeries(n, 100n) }],
    ["a1", { import: constantSeries(n, 60n) }],
    ["b1", { import: constantSeries(n, 30n) }],
    ["stairs", { import: constantSeries(n, 10n) }],
  ]);

  it("splits every quarter hour and shares the common meter by weight, per day", () => {
    const p = computeCommunityPeriod({ setup: SETUP, grid, series });
    expect(p.complete).toBe(true);
    // 100 produced, 100 consumed in each of 96 quarter hours a day: all solar, no grid.
    // A: 60 × 96 = 5760 own + 60 % of 10 × 96 = 576 → 6336 per day
    expect(p.unitDays.get("A")![0]!.solarWh).toBe(6336n);
    expect(p.unitDays.get("B")![0]!.solarWh).toBe(30n * 96n + 384n);
    expect(p.plants[0]).toMatchObject({ producedWh: 19200n, toConsumersWh: 19200n, exportWh: 0n });
    expect(p.months[0]).toMatchObject({
      month: "2026-06",
      productionWh: 19200n,
      solarUsedWh: 19200n,
      expectedIntervals: 192,
    });
  });

  it("a quarter hour missing on one meter is not billed, and is shown, never zero", () => {
    const gap = [...constantSeries(n, 10n)];
    gap[5] = null;
    gap[6] = null;
    gap[100] = null;
    const p = computeCommunityPeriod({
      setup: SETUP,
      grid,
      series: new Map(series).set("stairs", { import: gap }),
    });
    expect(p.complete).toBe(false);
    expect(p.completeIntervals).toBe(189);
    expect(p.missing).toEqual([
      {
        meterId: "stairs",
        register: "import",
        count: 3,
        ranges: [
          { startMs: grid.startsMs[5], endMs: grid.startsMs[7] },
          { startMs: grid.startsMs[100], endMs: grid.startsMs[101] },
        ],
      },
    ]);
    // a1 is billed for the 189 complete quarter hours only (60 Wh each, all solar)
    const a1 = p.consumerDays.get("a1")!;
    expect(a1[0]!.solarWh + a1[1]!.solarWh).toBe(60n * 189n);
  });

  it("a meter with no data at all makes every quarter hour missing", () => {
    const s = new Map(series);
    s.delete("pv");
    const p = computeCommunityPeriod({ setup: SETUP, grid, series: s });
    expect(p.completeIntervals).toBe(0);
    expect(p.missing).toEqual([
      {
        meterId: "pv",
        register: "export",
        count: n,
        ranges: [{ startMs: grid.startsMs[0], endMs: grid.startsMs[n - 1]! + 900_000 }],
      },
    ]);
  });

  it("refuses a series of the wrong length and a meter with two roles", () => {
    expect(() =>
      computeCommunityPeriod({ setup: SETUP, grid, series: new Map(series).set("a1", { import: [1n] }) }),
    ).toThrow("meter a1 import: 1 values for 192 quarter hours");
    expect(() =>
      computeCommunityPeriod({
        setup: {
          ...SETUP,
          consumers: [...SETUP.consumers, { meterId: "pv", role: "apartment", unitId: "A" }],
        },
        grid,
        series,
      }),
    ).toThrow(CommunityInputError);
  });

  it("balances the period: Σ units = Σ consumer meters; production = used + battery + export", () => {
    const days = 3;
    const g = periodGrid({ start: "2026-03-28", end: "2026-03-31" }, TZ); // includes the 92-quarter-hour day
    const len = g.startsMs.length;
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 400n }), { minLength: len * 4, maxLength: len * 4 }),
        fc.array(fc.nat({ max: 9 }), { minLength: 2, maxLength: 2 }),
        (values, weights) => {
          const at = (k: number) => values.slice(k * len, (k + 1) * len);
          const setup: CommunitySetup = {
            ...SETUP,
            units: [
              { id: "A", commonWeight: String(weights[0]! + 1) },
              { id: "B", commonWeight: String(weights[1]!) },
            ],
          };
          const p = computeCommunityPeriod({
            setup,
            grid: g,
            series: new Map<string, MeterSeries>([
              ["pv", { export: at(0) }],
              ["a1", { import: at(1) }],
              ["b1", { import: at(2) }],
              ["stairs", { import: at(3) }],
            ]),
          });
          expect(p.grid.days).toHaveLength(days);
          const total = (m: Map<string, { solarWh: bigint; gridWhByBand: Map<string, bigint> }[]>) =>
            sum([...m.values()].flatMap((ds) => ds.flatMap((d) => [d.solarWh, ...d.gridWhByBand.values()])));
          expect(total(p.unitDays)).toBe(total(p.consumerDays));
          expect(total(p.consumerDays)).toBe(sum(at(1)) + sum(at(2)) + sum(at(3)));
          const pl = p.plants[0]!;
          expect(pl.producedWh).toBe(sum(at(0)));
          expect(pl.toConsumersWh + pl.exportWh).toBe(pl.producedWh);
          const solar = sum([...p.unitDays.values()].flatMap((ds) => ds.map((d) => d.solarWh)));
          expect(solar).toBe(pl.toConsumersWh);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe("occupancySegments", () => {
  const Q1 = { start: "2026-01-01", end: "2026-04-01" };
  it("fills vacancies with the owner and cuts at move-in and move-out", () => {
    const s = occupancySegments(
      Q1,
      ["A", "B"],
      [
        { id: "t1", unitId: "A", tenantId: "x", from: "2025-05-01", to: "2026-02-15" },
        { id: "t2", unitId: "A", tenantId: "y", from: "2026-03-01", to: null },
      ],
    );
    expect(
      s.map((x) => [x.unitId, x.occupant.kind === "owner" ? "owner" : x.occupant.tenancyId, x.start, x.end]),
    ).toEqual([
      ["A", "t1", "2026-01-01", "2026-02-15"],
      ["A", "owner", "2026-02-15", "2026-03-01"],
      ["A", "t2", "2026-03-01", "2026-04-01"],
      ["B", "owner", "2026-01-01", "2026-04-01"],
    ]);
  });

  it("refuses overlapping tenancies and unknown units, naming them", () => {
    expect(() =>
      occupancySegments(
        Q1,
        ["A"],
        [
          { id: "t1", unitId: "A", tenantId: "x", from: "2026-01-01", to: "2026-02-10" },
          { id: "t2", unitId: "A", tenantId: "y", from: "2026-02-09", to: null },
        ],
      ),
    ).toThrow("tenancy t2: overlaps tenancy t1 of unit A");
    expect(() =>
      occupancySegments(Q1, ["A"], [{ id: "t9", unitId: "Z", tenantId: "x", from: "2026-01-01", to: null }]),
    ).toThrow("tenancy t9: unknown unit Z");
  });

  it("split-period additivity: the segments' energy sums to the unit's, whatever the move dates", () => {
    const days = 90;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ solar: fc.bigInt({ min: 0n, max: 9999n }), grid: fc.bigInt({ min: 0n, max: 9999n }) }),
          {
            minLength: days,
            maxLength: days,
          },
        ),
        fc.uniqueArray(fc.integer({ min: 1, max: days - 1 }), { maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
        (energy, cuts, vacant) => {
          const dates = [0, ...cuts.sort((a, b) => a - b), days].map((d) =>
            new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10),
          );
          const tenancies = dates
            .slice(0, -1)
            .flatMap((from, k) =>
              vacant[k] ? [] : [{ id: `t${k}`, unitId: "A", tenantId: `p${k}`, from, to: dates[k + 1]! }],
            );
          const segments = occupancySegments(Q1, ["A"], tenancies);
          const dayEnergy = energy.map((e) => ({
            solarWh: e.solar,
            gridWhByBand: new Map([["all", e.grid]]),
          }));
          let solar = 0n;
          let gridWh = 0n;
          let covered = 0;
          for (const seg of segments) {
            const e = segmentEnergy(dayEnergy, Q1, seg);
            solar += e.solarWh;
            gridWh += e.gridWhByBand.get("all") ?? 0n;
            covered += (Date.parse(seg.end) - Date.parse(seg.start)) / 86_400_000;
          }
          expect(covered).toBe(days);
          expect(solar).toBe(sum(energy.map((e) => e.solar)));
          expect(gridWh).toBe(sum(energy.map((e) => e.grid)));
        },
      ),
    );
  });
});

describe("solar price and the cap", () => {
  it("cost basis: annuity of 60 000 over 25 years at 0 % = 2400/yr + 600 opex over 15 000 kWh = 0.2", () => {
    expect(
      costPricePerKwh({
        kind: "cost_basis",
        investment: "60000",
        interestRatePercent: "0",
        years: 25,
        operatingCostsPerYear: "600",
        selfConsumedKwhPerYear: "15000",
      }).toFixed(),
    ).toBe("0.2");
  });

  it("cost basis with interest: 100 000 at 3 % over 20 years → annuity 6721.57…; + 1000 over 40 000 kWh = 0.19304", () => {
    // 100000 × 0.03 / (1 − 1.03^−20) = 6721.570751…; (6721.570751 + 1000) / 40000 = 0.1930392… → 0.19304
    expect(
      costPricePerKwh({
        kind: "cost_basis",
        investment: "100000",
        interestRatePercent: "3",
        years: 20,
        operatingCostsPerYear: "1000",
        selfConsumedKwhPerYear: "40000",
      }).toFixed(),
    ).toBe("0.19304");
  });

  it.each([
    // cost 0.15 < standard 0.25: half the saving 0.05 → 0.20, cap not binding
    { cost: "0.15", standard: "0.25", rule: { rule: "half_saving" } as const, price: "0.2", binding: false },
    { cost: "0.15", standard: "0.25", rule: { rule: "cost_only" } as const, price: "0.15", binding: false },
    // cost 0.31 > standard 0.25: capped at 0.25
    { cost: "0.31", standard: "0.25", rule: { rule: "half_saving" } as const, price: "0.25", binding: true },
    { cost: "0.31", standard: "0.25", rule: { rule: "cost_only" } as const, price: "0.25", binding: true },
    // 80 % of 0.25 = 0.2
    {
      cost: "0.31",
      standard: "0.25",
      rule: { rule: "share_of_standard", share: "0.8" } as const,
      price: "0.2",
      binding: false,
    },
  ])("$rule.rule: cost $cost, standard $standard → $price", ({ cost, standard, rule, price, binding }) => {
    const p = solarPrice({ kind: "fixed", pricePerKwh: cost }, standard, rule);
    expect(p.pricePerKwh).toBe(price);
    expect(p.capBinding).toBe(binding);
  });

  it("never exceeds the standard product, whatever the cost basis and rule", () => {
    const price = fc.integer({ min: 0, max: 100_000 }).map((n) => (n / 100_000).toFixed(5));
    fc.assert(
      fc.property(
        price,
        price,
        fc.constantFrom("cost_only", "half_saving", "share_of_standard"),
        (cost, standard, rule) => {
          const cap = rule === "share_of_standard" ? { rule, share: "0.8" } : { rule };
          const p = solarPrice({ kind: "fixed", pricePerKwh: cost }, standard, cap as never);
          expect(Number(p.pricePerKwh) <= Number(standard)).toBe(true);
        },
      ),
    );
  });

  it("names a bad field", () => {
    expect(() => solarPrice({ kind: "fixed", pricePerKwh: "-1" }, "0.2", { rule: "cost_only" })).toThrow(
      "solarPrice.pricePerKwh",
    );
    expect(() =>
      solarPrice({ kind: "fixed", pricePerKwh: "0.1" }, "0.2", { rule: "share_of_standard", share: "1.2" }),
    ).toThrow("capRule.share");
  });
});

describe("residentInvoice", () => {
  it("bills solar, grid per band, prorated fees and VAT, each line rounded once", () => {
    const r = residentInvoice({
      currency: "CHF",
      timeZone: TZ,
      period: { start: "2026-01-01", end: "2026-04-01" },
      segment: { unitId: "A", occupant: { kind: "owner" }, start: "2026-02-15", end: "2026-04-01" },
      energy: { solarWh: 123_456n, gridWhByBand: new Map([["all", 200_001n]]) },
      solarPrice: solarPrice({ kind: "fixed", pricePerKwh: "0.18" }, "0.27", { rule: "cost_only" }),
      gridPricesPerKwh: { all: "0.27" },
      fees: [{ code: "meter", description: "Metering", per: "month", price: "6" }],
      vatRate: "8.1",
      language: "de",
    });
    // solar 123.456 kWh × 0.18 = 22.22208 → 22.22; grid 200.001 × 0.27 = 54.00027 → 54.00
    // fee: Feb 14/28 + Mar 31/31 = 1.5 months × 6 = 9.00; net 85.22; VAT 8.1 % = 6.90282 → 6.90
    expect(r.invoice.lines.map((l) => [l.code, l.quantity, l.amountMinor])).toEqual([
      ["community.solar", "123.456", 2222n],
      ["community.grid", "200.001", 5400n],
      ["community.fee.meter", "1.5", 900n],
    ]);
    expect(r.invoice.netMinor).toBe(8522n);
    expect(r.invoice.vatMinor).toBe(690n);
    expect(r.invoice.totalMinor).toBe(9212n);
    expect(r.invoice.lines[0]!.description).toBe("Solarstrom (ZEV)");
    // 123456 / 323457 = 38.17 %
    expect(r.statement.selfSufficiencyPercent).toBe("38.2");
  });

  it("refuses a band without a price", () => {
    expect(() =>
      residentInvoice({
        currency: "CHF",
        timeZone: TZ,
        period: { start: "2026-01-01", end: "2026-04-01" },
        segment: { unitId: "A", occupant: { kind: "owner" }, start: "2026-01-01", end: "2026-04-01" },
        energy: { solarWh: 1n, gridWhByBand: new Map([["peak", 1n]]) },
        solarPrice: solarPrice({ kind: "fixed", pricePerKwh: "0.18" }, "0.27", { rule: "cost_only" }),
        gridPricesPerKwh: { all: "0.27" },
        fees: [],
        vatRate: "8.1",
        language: "en",
      }),
    ).toThrow("gridPricesPerKwh.peak");
  });

  it("monthsOf counts each month's days occupied over its length", () => {
    expect(monthsOf("2026-01-01", "2026-04-01").toFixed()).toBe("3");
    expect(monthsOf("2026-02-15", "2026-03-01").toFixed()).toBe("0.5");
  });
});

describe("computeCommunityPeriod with very large values", () => {
  it("falls back to the bigint split where a product leaves 2^53, with the same totals", () => {
    const g = periodGrid({ start: "2026-06-01", end: "2026-06-02" }, TZ);
    const len = g.startsMs.length;
    const big = 2n ** 40n; // products big × big leave the exact number range
    const series = new Map<string, MeterSeries>([
      ["pv", { export: new Array<bigint>(len).fill(big) }],
      ["a1", { import: new Array<bigint>(len).fill(big + 1n) }],
      ["b1", { import: new Array<bigint>(len).fill(big / 3n) }],
      ["stairs", { import: new Array<bigint>(len).fill(7n) }],
    ]);
    const p = computeCommunityPeriod({ setup: SETUP, grid: g, series });
    const ref = splitInterval({ productionWh: [big], consumptionWh: [big + 1n, big / 3n, 7n] });
    expect(p.consumerDays.get("a1")![0]!.solarWh).toBe(ref.consumers[0]!.solarWh * BigInt(len));
    expect(p.consumerDays.get("b1")![0]!.solarWh).toBe(ref.consumers[1]!.solarWh * BigInt(len));
    expect(p.plants[0]!.toConsumersWh).toBe(big * BigInt(len));
  });

  it("refuses a value beyond 2^53 Wh, naming the meter", () => {
    const g = periodGrid({ start: "2026-06-01", end: "2026-06-02" }, TZ);
    const len = g.startsMs.length;
    const series = new Map<string, MeterSeries>([
      ["pv", { export: new Array<bigint>(len).fill(2n ** 60n) }],
      ["a1", { import: new Array<bigint>(len).fill(1n) }],
      ["b1", { import: new Array<bigint>(len).fill(1n) }],
      ["stairs", { import: new Array<bigint>(len).fill(1n) }],
    ]);
    expect(() => computeCommunityPeriod({ setup: SETUP, grid: g, series })).toThrow("meter pv export");
  });
});
