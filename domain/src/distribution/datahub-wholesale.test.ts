// Synthetic cases beyond the Energinet scenarios: a DST day, missing prices and data, supplier
// lookup through the parent, and the refusals.
import { describe, expect, it } from "vitest";
import { BillingDecimal } from "../billing/money.ts";
import type { DataHubCalculation, DataHubInput, MeteringPointPeriod } from "./datahub-input.ts";
import { calculateDataHubWholesale } from "./datahub-wholesale.ts";

const TZ = "Europe/Copenhagen";
// 26 March 2023 in Copenhagen has 23 hours: 2023-03-25T23:00Z → 2023-03-26T22:00Z.
const DAY_START = Date.parse("2023-03-25T23:00:00Z");
const DAY_END = Date.parse("2023-03-26T22:00:00Z");
const H = 3_600_000;
const CALC: DataHubCalculation = { gridAreas: ["800"], startMs: DAY_START, endMs: DAY_END, timeZone: TZ };

const mp = (id: string, over: Partial<MeteringPointPeriod> = {}): MeteringPointPeriod => ({
  meteringPointId: id,
  type: "E17",
  settlementMethod: "flex",
  gridArea: "800",
  resolution: "PT1H",
  fromGridArea: null,
  toGridArea: null,
  parentMeteringPointId: null,
  energySupplierId: "ES-1",
  balanceResponsibleId: "BRP-1",
  fromMs: Date.parse("2020-01-01T00:00:00Z"),
  toMs: null,
  ...over,
});
const key = { code: "T1", type: "tariff" as const, ownerId: "GO-1" };

function input(over: Partial<DataHubInput> = {}): DataHubInput {
  return {
    meteringPointPeriods: [
      mp("MP-1"),
      mp("CHILD-1", {
        type: "D07",
        settlementMethod: null,
        energySupplierId: null,
        parentMeteringPointId: "MP-1",
      }),
    ],
    // 1.5 kWh every hour but hour 5, which has no point
    timeSeriesPoints: Array.from({ length: 23 }, (_, i) => i)
      .filter((i) => i !== 5)
      .map((i) => ({
        meteringPointId: "MP-1",
        quantityWh: 1500n,
        quality: "measured" as const,
        observationMs: DAY_START + i * H,
      })),
    gridLossMeteringPointIds: [],
    chargePriceInformation: [
      { ...key, resolution: "PT1H", isTax: false, fromMs: Date.parse("2020-01-01T00:00:00Z"), toMs: null },
      {
        code: "S1",
        type: "subscription",
        ownerId: "GO-1",
        resolution: "P1M",
        isTax: false,
        fromMs: Date.parse("2020-01-01T00:00:00Z"),
        toMs: null,
      },
    ],
    // a price for every hour but hour 7
    chargePricePoints: [
      ...Array.from({ length: 23 }, (_, i) => i)
        .filter((i) => i !== 7)
        .map((i) => ({ ...key, price: new BillingDecimal("0.25"), timeMs: DAY_START + i * H })),
      {
        code: "S1",
        type: "subscription" as const,
        ownerId: "GO-1",
        price: new BillingDecimal("31"),
        timeMs: Date.parse("2023-03-01T00:00:00Z"),
      },
    ],
    chargeLinks: [
      {
        ...key,
        meteringPointId: "MP-1",
        quantity: 1n,
        fromMs: Date.parse("2020-01-01T00:00:00Z"),
        toMs: null,
      },
      {
        code: "S1",
        type: "subscription",
        ownerId: "GO-1",
        meteringPointId: "CHILD-1",
        quantity: 2n,
        fromMs: Date.parse("2020-01-01T00:00:00Z"),
        toMs: null,
      },
    ],
    ...over,
  };
}

describe("calculateDataHubWholesale", () => {
  const result = calculateDataHubWholesale(input(), CALC);

  it("prices the 23 hours of the spring DST day; a missing price leaves the amount null, missing data is 0 kWh priced", () => {
    expect(result.hourlyTariffs).toHaveLength(23);
    const hour = (i: number) => result.hourlyTariffs.find((r) => r.timeMs === DAY_START + i * H)!;
    // 1.5 kWh × 0.25 = 0.375
    expect([
      hour(0).quantity,
      hour(0).price?.toFixed(),
      hour(0).amount?.toFixed(),
      [...hour(0).qualities],
    ]).toEqual([1500n, "0.25", "0.375", ["measured"]]);
    // no point: 0 kWh, quality missing, priced 0
    expect([hour(5).quantity, hour(5).amount?.toFixed(), [...hour(5).qualities]]).toEqual([
      0n,
      "0",
      ["missing"],
    ]);
    // no price point: price and amount null
    expect([hour(7).quantity, hour(7).price, hour(7).amount]).toEqual([1500n, null, null]);
    // month from hourly: 23 hours − hour 5 (0 kWh → 0) − hour 7 (no price, left out) = 21 hours × 0.375 = 7.875
    const monthly = result.monthlyAmounts.find((m) => m.source === "hourly_tariff")!;
    expect(monthly.amount.toFixed()).toBe("7.875");
  });

  it("charges a child point's subscription to its parent's supplier, per day, pieces × monthly price ÷ days of the period", () => {
    // a one-day calculation period: 31 ÷ 1 × 2 pieces = 62
    expect(
      result.subscriptions.map((r) => [
        r.energySupplierId,
        r.meteringPointType,
        r.quantity,
        r.price?.toFixed(),
        r.amount?.toFixed(),
      ]),
    ).toEqual([["ES-1", "consumption_from_grid", 2n, "31", "62"]]);
    expect(result.totalsPerSupplier.map((t) => t.amount.toFixed())).toEqual(["69.875"]);
  });

  it("refuses a charged child point whose parent has no supplier, and a period that is not whole local days", () => {
    const orphan = input({
      meteringPointPeriods: [
        mp("MP-1", { energySupplierId: null }),
        mp("CHILD-1", {
          type: "D07",
          settlementMethod: null,
          energySupplierId: null,
          parentMeteringPointId: "MP-1",
        }),
      ],
    });
    expect(() => calculateDataHubWholesale(orphan, CALC)).toThrow(
      "metering point MP-1: has no energy supplier (nor a parent with one) at 2023-03-25T23:00:00.000Z, but carries charge T1",
    );
    expect(() => calculateDataHubWholesale(input(), { ...CALC, startMs: DAY_START + H })).toThrow(
      "period: does not start at a local midnight in Europe/Copenhagen",
    );
  });
});
