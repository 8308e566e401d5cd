import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BillingDecimal } from "../billing/money.ts";
import { HierarchyError } from "./errors.ts";
import type { Interval } from "./validity.ts";
import {
  type Series,
  evaluateFormula,
  evaluateVirtualMeters,
  formatVirtualMeterFormula,
  parseVirtualMeterFormula,
  parseVirtualMeterJson,
} from "./virtual-meter.ts";

const T0 = Date.parse("2025-03-01T00:00:00Z");
const Q = 900_000;
const quarters = (n: number): Interval[] =>
  Array.from({ length: n }, (_, i) => ({ startMs: T0 + i * Q, endMs: T0 + (i + 1) * Q }));
const series = (values: (number | null)[]): Series =>
  new Map(values.flatMap((v, i) => (v === null ? [] : [[T0 + i * Q, BigInt(v)] as const])));

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof HierarchyError) return e.message;
    throw e;
  }
  return "no error";
}

describe("parseVirtualMeterFormula", () => {
  it("reads sums, differences, decimal factors and half-open validities", () => {
    const f = parseVirtualMeterFormula(
      "{MAIN} - {A} - 0.5 * {B}[2025-03-01T00:15:00Z..) + 2*{170000000000000201}[..2025-03-01T00:30:00Z)",
    );
    expect(f.terms.map((t) => [t.meterId, t.factor.toFixed(), t.validity.fromMs, t.validity.toMs])).toEqual([
      ["MAIN", "1", null, null],
      ["A", "-1", null, null],
      ["B", "-0.5", T0 + Q, null],
      ["170000000000000201", "2", null, T0 + 2 * Q],
    ]);
  });

  it("round-trips through formatVirtualMeterFormula", () => {
    const text = "-{A} + 1.25 * {B}[2025-03-01T00:00:00.000Z..2025-04-01T00:00:00.000Z) - {C D}";
    expect(formatVirtualMeterFormula(parseVirtualMeterFormula(text))).toBe(text);
  });

  it.each([
    ["{A} + ", 'formula at position 7: expected "{meter id}" but found the end'],
    ["{A} * 2", 'formula at position 5: expected "+", "-" or the end but found "* 2"'],
    ["0.5 {A}", 'formula at position 5: expected "*" after the factor 0.5'],
    ["{A", 'formula at position 1: unclosed "{"'],
    ["{ }", "formula at position 1: empty meter id"],
    [
      "{A}[2025-03-01T00:00:00Z..2025-02-01T00:00:00Z)",
      "formula at position 4: validity ends at or before it starts: [2025-03-01T00:00:00Z..2025-02-01T00:00:00Z)",
    ],
    ["{A}[2025-03-01..)", 'formula at position 4: not an ISO-8601 instant with Z or an offset: "2025-03-01"'],
    [
      "{A}[2025-03-01T00:00:00Z]",
      'formula at position 4: unclosed validity "[": it ends with ")" (half-open)',
    ],
  ])("refuses %j naming the position", (text, message) => {
    expect(errorOf(() => parseVirtualMeterFormula(text))).toBe(message);
  });
});

describe("formula text round trip", () => {
  const termArb = fc.record({
    meterId: fc.constantFrom("A", "MP 2", "170000000000000201", "x-y.z"),
    milli: fc.integer({ min: -5000, max: 5000 }).filter((m) => m !== 0),
    from: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    span: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  });
  it("format → parse → format is stable and keeps every term", () => {
    fc.assert(
      fc.property(fc.array(termArb, { minLength: 1, maxLength: 5 }), (terms) => {
        const formula = {
          terms: terms.map((t) => ({
            meterId: t.meterId,
            factor: new BillingDecimal(t.milli).div(1000),
            validity: {
              fromMs: t.from === null ? null : T0 + t.from * Q,
              toMs: t.span === null ? null : T0 + ((t.from ?? 0) + t.span) * Q,
            },
          })),
        };
        const text = formatVirtualMeterFormula(formula);
        const parsed = parseVirtualMeterFormula(text);
        expect(formatVirtualMeterFormula(parsed)).toBe(text);
        expect(parsed.terms.map((t) => [t.meterId, t.factor.toFixed(), t.validity])).toEqual(
          formula.terms.map((t) => [t.meterId, t.factor.toFixed(), t.validity]),
        );
      }),
    );
  });
});

describe("parseVirtualMeterJson", () => {
  it("reads the same formula from JSON", () => {
    const f = parseVirtualMeterJson({
      terms: [{ meter: "MAIN" }, { meter: "B", factor: "-0.5", from: "2025-03-01T00:15:00Z", to: null }],
    });
    expect(formatVirtualMeterFormula(f)).toBe("{MAIN} - 0.5 * {B}[2025-03-01T00:15:00.000Z..)");
  });

  it.each<[unknown, string]>([
    [{}, 'formula: expected { "terms": [...] }'],
    [{ terms: [] }, "terms: a formula needs at least one term"],
    [
      { terms: [{ meter: "A", factor: 0.5 }] },
      'terms[0].factor: expected a decimal string such as "0.5" or "-1", got 0.5',
    ],
    [{ terms: [{ meter: "A" }, { factor: "1" }] }, "terms[1].meter: expected a meter id"],
    [
      { terms: [{ meter: "A", from: "yesterday" }] },
      'terms[0].from: not an ISO-8601 instant with Z or an offset: "yesterday"',
    ],
  ])("refuses %j naming the path", (value, message) => {
    expect(errorOf(() => parseVirtualMeterJson(value))).toBe(message);
  });
});

describe("evaluateFormula", () => {
  const inputs = new Map<string, Series>([
    ["MAIN", series([1000, 1000, 1000, 1000])],
    ["A", series([300, 300, null, 300])],
    ["B", series([101, 101, 101, 101])],
  ]);
  const seriesOf = (id: string) => inputs.get(id);

  it.each([
    // 1000 − 300 = 700 | 1000 − 300 = 700 | A missing → null | 700
    ["{MAIN} - {A}", [700n, 700n, null, 700n]],
    // B counts from the 2nd quarter: 1000 − 300 | 1000 − 300 − 50.5 = 649.5 → 650 (half away from zero) | A missing | 649.5 → 650
    ["{MAIN} - {A} - 0.5 * {B}[2025-03-01T00:15:00Z..)", [700n, 650n, null, 650n]],
    // A counts only until 00:30, so its missing 3rd quarter is never read: 1300, 1300, 1000, 1000
    ["{MAIN} + {A}[..2025-03-01T00:30:00Z)", [1300n, 1300n, 1000n, 1000n]],
    // −0.5 × 101 = −50.5 → −51 (half away from zero)
    ["-0.5 * {B}", [-51n, -51n, -51n, -51n]],
    // a meter with no series at all is missing everywhere
    ["{MAIN} + {NONE}", [null, null, null, null]],
  ])("%s", (text, expected) => {
    expect(evaluateFormula(parseVirtualMeterFormula(text), quarters(4), seriesOf)).toEqual(expected);
  });

  it("refuses a validity that cuts an interval", () => {
    const f = parseVirtualMeterFormula("{MAIN} - {A}[2025-03-01T00:10:00Z..)");
    expect(errorOf(() => evaluateFormula(f, quarters(2), seriesOf, "VM-1"))).toBe(
      "VM-1 term 2 {A}: validity [2025-03-01T00:10:00.000Z, open) cuts the interval starting 2025-03-01T00:00:00.000Z",
    );
  });

  it("a missing input is never zero: property over random series", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -5000, max: 5000 }), { nil: null }), {
          minLength: 8,
          maxLength: 8,
        }),
        fc.array(fc.option(fc.integer({ min: -5000, max: 5000 }), { nil: null }), {
          minLength: 8,
          maxLength: 8,
        }),
        (a, b) => {
          const m = new Map([
            ["A", series(a)],
            ["B", series(b)],
          ]);
          const out = evaluateFormula(parseVirtualMeterFormula("{A} - {B}"), quarters(8), (id) => m.get(id));
          out.forEach((v, i) => {
            const x = a[i]!;
            const y = b[i]!;
            expect(v).toBe(x === null || y === null ? null : BigInt(x - y));
          });
        },
      ),
    );
  });

  it("scaling is exact and rounded once: property against the decimal sum", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -999, max: 999 }), fc.integer({ min: 0, max: 1_000_000 })), {
          minLength: 1,
          maxLength: 5,
        }),
        (terms) => {
          // factor = k / 1000 (three decimals), each meter reads its own constant
          const text = terms
            .map(
              ([k], i) =>
                `${k < 0 ? "-" : "+"}${new BillingDecimal(Math.abs(k)).div(1000).toFixed(3)} * {M${i}}`,
            )
            .join(" ");
          const m = new Map(terms.map(([, v], i) => [`M${i}`, series([v])]));
          const [value] = evaluateFormula(parseVirtualMeterFormula(text), quarters(1), (id) => m.get(id));
          const exact = terms.reduce(
            (s, [k, v]) => s.plus(new BillingDecimal(k).div(1000).times(v)),
            new BillingDecimal(0),
          );
          expect(value).toBe(BigInt(exact.toDecimalPlaces(0, BillingDecimal.ROUND_HALF_UP).toFixed(0)));
          // never more than half a unit from the exact value
          expect(exact.minus(String(value)).abs().lte("0.5")).toBe(true);
        },
      ),
    );
  });
});

describe("evaluateVirtualMeters", () => {
  const measured = new Map<string, Series>([
    ["MAIN", series([1000, 1000])],
    ["A", series([300, null])],
    ["B", series([200, 200])],
  ]);

  it("evaluates virtual meters over other virtual meters; missing intervals stay absent", () => {
    const out = evaluateVirtualMeters({
      virtualMeters: new Map([
        ["COMMON", parseVirtualMeterFormula("{MAIN} - {TENANTS}")],
        ["TENANTS", parseVirtualMeterFormula("{A} + {B}")],
      ]),
      measured,
      intervals: quarters(2),
    });
    expect([...out.get("TENANTS")!]).toEqual([[T0, 500n]]);
    expect([...out.get("COMMON")!]).toEqual([[T0, 500n]]);
  });

  it("refuses a cycle, an unknown meter and a virtual id that is also measured", () => {
    expect(
      errorOf(() =>
        evaluateVirtualMeters({
          virtualMeters: new Map([
            ["X", parseVirtualMeterFormula("{A} + {Y}")],
            ["Y", parseVirtualMeterFormula("{X}[2030-01-01T00:00:00Z..)")],
          ]),
          measured,
          intervals: quarters(2),
        }),
      ),
    ).toBe("virtual meter X: formula cycle X → Y → X");
    expect(
      errorOf(() =>
        evaluateVirtualMeters({
          virtualMeters: new Map([
            ["A", parseVirtualMeterFormula("{B}")],
            ["Z", parseVirtualMeterFormula("{MAIN} - {Q}")],
          ]),
          measured,
          intervals: quarters(2),
        }),
      ),
    ).toBe('virtual meter A: is also a measured meter; virtual meter Z term 2: unknown meter "Q"');
  });
});
