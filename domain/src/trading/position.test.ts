// Open position (demand + sales − purchases) with mark-to-market, indexed prices, capacity per
// border and hour, and the monthly statistical return.
import { describe, expect, it } from "vitest";
import { capacityHours, capacityShortfalls } from "./capacity.ts";
import { parseMwh } from "./mwh.ts";
import { dailyPosition, openPosition } from "./position.ts";
import { formatAmount, parsePrice } from "./price.ts";
import { intervalPrices } from "./pricing.ts";
import { expandProduct } from "./product.ts";
import { statisticsRows } from "./statistics.ts";

const TZ = "Europe/Budapest";
const day = { kind: "day", date: "2026-06-01" } as const; // a Monday
const H0 = Date.UTC(2026, 4, 31, 22); // 00:00 local (CEST)

describe("openPosition", () => {
  it("demand + sales − purchases per hour, valued at the day-ahead price", () => {
    const sale = expandProduct({
      product: { kind: "peak" },
      tenor: day,
      quantity: { kind: "power", mw: "5" },
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    const buy = expandProduct({
      product: { kind: "base" },
      tenor: day,
      quantity: { kind: "power", mw: "8" },
      timeZone: TZ,
      resolutionMinutes: 15,
    });
    const demand = new Map<number, bigint>();
    for (let h = 0; h < 24; h++) demand.set(H0 + h * 3_600_000, parseMwh("4"));
    const market = new Map<number, bigint>();
    for (let h = 0; h < 24; h++) market.set(H0 + h * 3_600_000, parsePrice(h < 12 ? "100" : "60"));
    const rows = openPosition({
      demand,
      sales: [sale],
      purchases: [buy],
      market,
      fromMs: H0,
      toMs: H0 + 86_400_000,
    });
    expect(rows).toHaveLength(24);
    // 03:00: 4 + 0 − 8 = −4 (long), valued −4 × 100 = −400
    expect([rows[3]?.openMwh, formatAmount(rows[3]?.markToMarket ?? 0n)]).toEqual([parseMwh("-4"), "-400"]);
    // 10:00 (peak): 4 + 5 − 8 = 1 short × 100 = 100
    expect([rows[10]?.openMwh, formatAmount(rows[10]?.markToMarket ?? 0n)]).toEqual([parseMwh("1"), "100"]);
    // the day: demand 96 + sales 60 − purchases 192 = −36 MWh; value 12 peak h: 4 × (+1 × 100) + 8 × (+1 × 60)
    //   + 12 off-peak h: 8 × (−4 × 100) + 4 × (−4 × 60) = 400 + 480 − 3200 − 960 = −3280
    const [d] = dailyPosition(rows, TZ);
    expect([d?.date, d?.openMwh, formatAmount(d?.markToMarket ?? 0n), d?.hoursWithoutPrice]).toEqual([
      "2026-06-01",
      parseMwh("-36"),
      "-3280",
      0,
    ]);
  });

  it("an indexed price is the day-ahead price plus the spread; a missing price is named", () => {
    const shape = expandProduct({
      product: { kind: "base" },
      tenor: day,
      quantity: { kind: "power", mw: "1" },
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    const market = new Map<number, bigint>(shape.startMs.map((t, i) => [t, parsePrice(String(50 + i))]));
    const prices = intervalPrices(shape, { kind: "indexed", zone: "HU", spreadPerMwh: "-2.5" }, market);
    expect(prices[0]).toBe(parsePrice("47.5"));
    expect(prices[23]).toBe(parsePrice("70.5"));
    market.delete(shape.startMs[5] as number);
    expect(() => intervalPrices(shape, { kind: "indexed", zone: "HU", spreadPerMwh: "0" }, market)).toThrow(
      "contract.price: no HU day-ahead price for 2026-06-01T03:00:00.000Z",
    );
  });
});

describe("capacity and statistics", () => {
  const rights = [
    {
      id: "R1",
      border: "HU-AT",
      direction: "HU>AT",
      product: "monthly",
      period: { start: "2026-10-01", end: "2026-11-01" },
      mw: "10",
      pricePerMwh: "1.5",
    },
    {
      id: "R2",
      border: "HU-AT",
      direction: "HU>AT",
      product: "hourly",
      period: { start: "2026-10-25", end: "2026-10-26" },
      fromHour: 18,
      toHour: 20,
      mw: "5",
      pricePerMwh: "4",
    },
  ] as const;

  it("a monthly right covers every hour of the month (745 in October), an hourly one its hours", () => {
    const hours = capacityHours([...rights], TZ);
    expect(hours).toHaveLength(745);
    const at18 = hours.find((h) => h.startMs === Date.UTC(2026, 9, 25, 17));
    expect([at18?.mw, formatAmount(at18?.cost ?? 0n)]).toEqual([parseMwh("15"), "35"]); // 10 × 1.5 + 5 × 4
    const short = capacityShortfalls(hours, [
      { direction: "HU>AT", startMs: Date.UTC(2026, 9, 25, 17), mwh: parseMwh("15") },
      { direction: "HU>AT", startMs: Date.UTC(2026, 9, 25, 20), mwh: parseMwh("12") },
      { direction: "AT>HU", startMs: Date.UTC(2026, 9, 25, 20), mwh: parseMwh("1") },
    ]);
    expect(short.map((s) => [s.direction, s.capacityMw])).toEqual([
      ["HU>AT", parseMwh("10")],
      ["AT>HU", 0n],
    ]);
  });

  it("the statistical return: domestic, import and export rows, totals and capacity", () => {
    const rows = statisticsRows({
      month: "2026-10",
      homeCountry: "HU",
      currency: "EUR",
      deals: [
        {
          side: "buy",
          counterpartyCountry: "HU",
          quantityMwh: parseMwh("100"),
          amount: 8_000n * 10_000_000_000n,
        },
        {
          side: "buy",
          counterpartyCountry: "AT",
          quantityMwh: parseMwh("50.5"),
          amount: 4_040n * 10_000_000_000n,
        },
        {
          side: "sell",
          counterpartyCountry: "SK",
          quantityMwh: parseMwh("20"),
          amount: 1_900n * 10_000_000_000n,
        },
      ],
      capacity: capacityHours([rights[0]], TZ),
    });
    expect(rows.map((r) => [r.code, r.quantityMwh, r.amountMinor])).toEqual([
      ["1", "100.0000", 800000n],
      ["2.AT", "50.5000", 404000n],
      ["3", "0.0000", 0n],
      ["4.SK", "20.0000", 190000n],
      ["5", "170.5000", 1394000n],
      ["6.HU>AT", "7450.0000", 1117500n], // 10 MW × 745 h; × 1.5 = 11,175.00
    ]);
  });
});

describe("nominations", () => {
  it("per balance group, counterparty and hour: purchases in, sales out, net", async () => {
    const { nominations, nominationsCsv } = await import("./nominations.ts");
    const buy = expandProduct({
      product: { kind: "base" },
      tenor: day,
      quantity: { kind: "power", mw: "8" },
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    const sell = expandProduct({
      product: { kind: "peak" },
      tenor: day,
      quantity: { kind: "power", mw: "5" },
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    const sell2 = expandProduct({
      product: { kind: "base" },
      tenor: day,
      quantity: { kind: "power", mw: "1.25" },
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    const rows = nominations([
      { balanceGroup: "BG1", counterpartyId: "gen", side: "buy", shape: buy },
      { balanceGroup: "BG1", counterpartyId: "cust", side: "sell", shape: sell },
      { balanceGroup: "BG1", counterpartyId: "cust", side: "sell", shape: sell2 },
    ]);
    // cust: 24 hours (base 1.25; peak hours 5 + 1.25); gen: 24 hours of 8
    expect(rows).toHaveLength(48);
    expect(rows[10]).toMatchObject({ counterpartyId: "cust", inMwh: 0n, outMwh: parseMwh("6.25") }); // 10:00 local
    const csv = nominationsCsv(rows).split("\n");
    expect(csv[0]).toBe("balance_group,counterparty,start,resolution_minutes,in_mwh,out_mwh,net_mwh");
    expect(csv[25]).toBe("BG1,gen,2026-05-31T22:00:00.000Z,60,8.0000,0.0000,8.0000");
  });
});
