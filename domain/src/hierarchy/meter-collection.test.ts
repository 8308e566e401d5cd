import { describe, expect, it } from "vitest";
import { collectionFormula } from "./meter-collection.ts";
import { type Series, evaluateFormula, formatVirtualMeterFormula } from "./virtual-meter.ts";

const T0 = Date.parse("2025-03-01T00:00:00Z");
const H = 3_600_000;
const hours = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ startMs: T0 + i * H, endMs: T0 + (i + 1) * H }));
const at = (h: number) => new Date(T0 + h * H).toISOString();
const series = (values: (number | null)[]): Series =>
  new Map(values.flatMap((v, i) => (v === null ? [] : [[T0 + i * H, BigInt(v)] as const])));

describe("collectionFormula", () => {
  it("sums the members in force per interval; a member leaving stops counting, a missing member makes it missing", () => {
    const formula = collectionFormula({
      id: "TENANTS",
      members: [
        { meterId: "A", from: at(0) },
        { meterId: "B", from: at(0), to: at(2) },
        { meterId: "C", from: at(1) },
      ],
    });
    expect(formatVirtualMeterFormula(formula)).toBe(
      `{A}[${at(0)}..) + {B}[${at(0)}..${at(2)}) + {C}[${at(1)}..)`,
    );
    const data = new Map([
      ["A", series([10, 10, 10, null])],
      ["B", series([5, 5, 5, 5])],
      ["C", series([null, 1, 1, 1])],
    ]);
    // h0: A + B (C not yet a member, its missing value is not read) = 15; h1: 10 + 5 + 1; h2: B left → 11; h3: A missing
    expect(evaluateFormula(formula, hours(4), (id) => data.get(id))).toEqual([15n, 16n, 11n, null]);
  });

  it("refuses an empty collection and a meter counted twice", () => {
    expect(() => collectionFormula({ id: "X", members: [] })).toThrow("collection X: has no members");
    expect(() =>
      collectionFormula({
        id: "X",
        members: [
          { meterId: "A", from: at(0), to: at(5) },
          { meterId: "A", from: at(4) },
        ],
      }),
    ).toThrow("collection X members[1] (A): meter A is already a member then (members[0])");
  });
});
