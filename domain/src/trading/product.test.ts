// Product expansion over DST, peak/off-peak/blocks, tenors and profiles; property: a shape sums to
// the contracted energy.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TradingInputError } from "./errors.ts";
import { formatMwh, parseMwh } from "./mwh.ts";
import { type Product, type Quantity, expandProduct, shapeHours, shapeTotal, toHourly } from "./product.ts";
import { tenorPeriod } from "./tenor.ts";

const TZ = "Europe/Brussels";
const month = (m: string) => ({ kind: "month", month: m }) as const;
const power = (mw: string): Quantity => ({ kind: "power", mw });

describe("expandProduct", () => {
  it("base over the spring DST month has 743 hours, over the autumn one 745, an ordinary month 744", () => {
    // March 2026: 31 days × 24 h − 1 (29 March 02:00 → 03:00) = 743; October: 25 October repeats 02:00 → 745
    for (const [m, hours] of [
      ["2026-03", 743],
      ["2026-10", 745],
      ["2026-05", 744],
    ] as const) {
      const shape = expandProduct({
        product: { kind: "base" },
        tenor: month(m),
        quantity: power("2.5"),
        timeZone: TZ,
        resolutionMinutes: 60,
      });
      expect(shape.startMs.length).toBe(hours);
      // 2.5 MW × hours h
      expect(formatMwh(shapeTotal(shape))).toBe((2.5 * hours).toFixed(4));
    }
  });

  it("starts at local midnight in UTC and runs across the DST change without gaps or overlaps", () => {
    const shape = expandProduct({
      product: { kind: "base" },
      tenor: { kind: "day", date: "2026-10-25" },
      quantity: power("1"),
      timeZone: TZ,
      resolutionMinutes: 15,
    });
    expect(shape.startMs.length).toBe(100); // 25 h × 4
    expect(new Date(shape.startMs[0] as number).toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(new Date(shape.startMs.at(-1) as number).toISOString()).toBe("2026-10-25T22:45:00.000Z");
    expect(formatMwh(shape.mwh[0] as bigint)).toBe("0.2500"); // 1 MW × ¼ h
    expect(toHourly(shape).mwh).toEqual(new Array(25).fill(10_000n));
  });

  it("peak is Mon–Fri 08–20 local: March 2026 has 22 weekdays → 264 peak hours, off-peak the other 479", () => {
    const peak = expandProduct({
      product: { kind: "peak" },
      tenor: month("2026-03"),
      quantity: power("10"),
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    const off = expandProduct({
      product: { kind: "offpeak" },
      tenor: month("2026-03"),
      quantity: power("10"),
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    expect(shapeHours(peak)).toBe(264);
    expect(shapeHours(off)).toBe(479);
    // first peak hour: Monday 2 March 08:00 CET = 07:00 UTC
    expect(new Date(peak.startMs[0] as number).toISOString()).toBe("2026-03-02T07:00:00.000Z");
    // after the change (CEST): Monday 30 March 08:00 = 06:00 UTC
    expect(peak.startMs.map((t) => new Date(t).toISOString())).toContain("2026-03-30T06:00:00.000Z");
    expect(formatMwh(shapeTotal(peak))).toBe("2640.0000");
  });

  it("a block delivers on its days and hours; a week tenor must start on a Monday", () => {
    const block: Product = { kind: "block", days: [1, 2, 3, 4, 5], fromHour: 6, toHour: 10 };
    const shape = expandProduct({
      product: block,
      tenor: { kind: "week", monday: "2026-06-01" },
      quantity: power("3"),
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    expect(shape.startMs.length).toBe(20); // 5 days × 4 h
    expect(() =>
      expandProduct(
        {
          product: block,
          tenor: { kind: "week", monday: "2026-06-02" },
          quantity: power("3"),
          timeZone: TZ,
          resolutionMinutes: 60,
        },
        "c",
      ),
    ).toThrow("c.tenor.monday: 2026-06-02 is not a Monday");
  });

  it("an energy quantity is spread exactly: 100 MWh over 743 h leaves 0.0001-MWh remainders on the first hours", () => {
    const shape = expandProduct({
      product: { kind: "base" },
      tenor: month("2026-03"),
      quantity: { kind: "energy", totalMwh: "100" },
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    // 1,000,000 units / 743 = 1345 rest 635: 635 hours of 0.1346, 108 of 0.1345
    expect(formatMwh(shape.mwh[0] as bigint)).toBe("0.1346");
    expect(formatMwh(shape.mwh[742] as bigint)).toBe("0.1345");
    expect(shapeTotal(shape)).toBe(1_000_000n);
  });

  it("a custom profile keeps its points and refuses one off the grid, naming the point", () => {
    const product: Product = {
      kind: "profile",
      points: [
        { start: "2026-03-29T00:00:00Z", mwh: "1.25" },
        { start: "2026-03-28T23:00:00Z", mwh: "0.5" },
      ],
    };
    const shape = expandProduct({
      product,
      tenor: { kind: "day", date: "2026-03-29" },
      quantity: { kind: "profile" },
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    expect(shape.mwh).toEqual([5000n, 12500n]);
    const bad: Product = { kind: "profile", points: [{ start: "2026-03-29T01:00:00Z", mwh: "1.00001" }] };
    expect(() =>
      expandProduct({
        product: bad,
        tenor: { kind: "day", date: "2026-03-29" },
        quantity: { kind: "profile" },
        timeZone: TZ,
        resolutionMinutes: 60,
      }),
    ).toThrow("contract.product.points[0].mwh: MWh with at most 4 decimals expected");
    const off: Product = { kind: "profile", points: [{ start: "2026-03-30T01:00:00Z", mwh: "1" }] };
    expect(() =>
      expandProduct({
        product: off,
        tenor: { kind: "day", date: "2026-03-29" },
        quantity: { kind: "profile" },
        timeZone: TZ,
        resolutionMinutes: 60,
      }),
    ).toThrow(TradingInputError);
  });

  it("refuses a power that is no whole 0.0001 MWh per quarter hour", () => {
    expect(() =>
      expandProduct({
        product: { kind: "base" },
        tenor: month("2026-03"),
        quantity: power("0.0001"),
        timeZone: TZ,
        resolutionMinutes: 15,
      }),
    ).toThrow("contract.quantity.mw: 0.0001 MW × 15 min is not a whole 0.0001 MWh");
  });

  it("tenors: quarter, year and custom periods", () => {
    expect(tenorPeriod({ kind: "quarter", year: 2026, quarter: 4 })).toEqual({
      start: "2026-10-01",
      end: "2027-01-01",
    });
    expect(tenorPeriod({ kind: "year", year: 2027 })).toEqual({ start: "2027-01-01", end: "2028-01-01" });
    expect(() => tenorPeriod({ kind: "custom", start: "2026-05-02", end: "2026-05-01" })).toThrow(
      "tenor.end: must be after start",
    );
  });

  it("property: every product's shape sums to the contracted energy (power × hours, or the total)", () => {
    const products = fc.oneof(
      fc.constant<Product>({ kind: "base" }),
      fc.constant<Product>({ kind: "peak" }),
      fc.constant<Product>({ kind: "offpeak" }),
      fc
        .record({
          days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
          from: fc.integer({ min: 0, max: 23 }),
          len: fc.integer({ min: 1, max: 24 }),
        })
        .map(({ days, from, len }): Product => ({
          kind: "block",
          days,
          fromHour: from,
          toHour: Math.min(24, from + len),
        })),
    );
    fc.assert(
      fc.property(
        products,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 40 }),
        fc.bigInt({ min: 1n, max: 10_000_000n }),
        fc.boolean(),
        fc.constantFrom<15 | 60>(15, 60),
        fc.constantFrom("Europe/Brussels", "Europe/Budapest", "America/New_York"),
        (product, offset, days, units, byEnergy, res, tz) => {
          const start = new Date(Date.UTC(2026, 2, 10 + offset)).toISOString().slice(0, 10);
          const end = new Date(Date.UTC(2026, 2, 10 + offset + days)).toISOString().slice(0, 10);
          const q = units * 4n; // a multiple of 4 units: whole per quarter hour
          const quantity: Quantity = byEnergy
            ? { kind: "energy", totalMwh: formatMwh(q) }
            : { kind: "power", mw: formatMwh(q) };
          let shape;
          try {
            shape = expandProduct({
              product,
              tenor: { kind: "custom", start, end },
              quantity,
              timeZone: tz,
              resolutionMinutes: res,
            });
          } catch (e) {
            // a block that never delivers in a short period is refused, not expanded to nothing
            expect(String(e)).toContain("delivers in no interval");
            return;
          }
          const expected = byEnergy ? q : (q * BigInt(shape.startMs.length * res)) / 60n;
          expect(shapeTotal(shape)).toBe(expected);
          expect(shapeTotal(toHourly(shape))).toBe(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("parseMwh", () => {
  it("is exact at 4 decimals and refuses a fifth", () => {
    expect(parseMwh("0.1") + parseMwh("0.2")).toBe(parseMwh("0.3"));
    expect(formatMwh(parseMwh("-12.0005"))).toBe("-12.0005");
    expect(() => parseMwh("1.23456", "x[3]")).toThrow("x[3]: MWh with at most 4 decimals expected");
    expect(() => parseMwh("1,5")).toThrow(TradingInputError);
  });

  it("property: parse ∘ format is the identity and sums of texts are exact", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), { maxLength: 50 }),
        (units) => {
          for (const u of units) expect(parseMwh(formatMwh(u))).toBe(u);
          const sum = units.reduce((s, u) => s + u, 0n);
          expect(formatMwh(units.map((u) => parseMwh(formatMwh(u))).reduce((s, u) => s + u, 0n))).toBe(
            formatMwh(sum),
          );
        },
      ),
    );
  });
});
