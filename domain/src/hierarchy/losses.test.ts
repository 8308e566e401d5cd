import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Weight } from "../allocation/index.ts";
import { allocateLosses, totalAllocatedLosses } from "./allocate-losses.ts";
import { HierarchyError } from "./errors.ts";
import { buildHierarchy } from "./hierarchy.ts";
import { computeAllLosses, computeNodeLosses } from "./losses.ts";
import type { Interval } from "./validity.ts";
import { type Series, evaluateVirtualMeters, parseVirtualMeterFormula } from "./virtual-meter.ts";

const T0 = Date.parse("2025-03-01T00:00:00Z");
const H = 3_600_000;
const hours = (n: number): Interval[] =>
  Array.from({ length: n }, (_, i) => ({ startMs: T0 + i * H, endMs: T0 + (i + 1) * H }));
const series = (values: (number | null)[]): Series =>
  new Map(values.flatMap((v, i) => (v === null ? [] : [[T0 + i * H, BigInt(v)] as const])));
const iso = (hour: number) => new Date(T0 + hour * H).toISOString();

// A building: main water meter → two flats and a garden tap; flat 2 is added to the main at hour 2.
const building = buildHierarchy({
  unit: "L",
  nodes: [
    { id: "MAIN", kind: "building" },
    { id: "FLAT-1", kind: "unit" },
    { id: "FLAT-2", kind: "unit" },
    { id: "GARDEN", kind: "metering-point" },
  ],
  links: [
    { child: "FLAT-1", parent: "MAIN", from: iso(0) },
    { child: "FLAT-2", parent: "MAIN", from: iso(2) },
    { child: "GARDEN", parent: "MAIN", from: iso(0) },
  ],
});
const readings = new Map<string, Series>([
  ["MAIN", series([100, 100, 300, 250, null])],
  ["FLAT-1", series([60, 60, 100, 100, 50])],
  ["FLAT-2", series([0, 0, 150, 150, 50])],
  ["GARDEN", series([10, null, 0, 10, 0])],
]);
const seriesOf = (id: string) => readings.get(id);

describe("computeNodeLosses", () => {
  it("is parent minus the children linked in each interval; any missing value makes it missing", () => {
    const losses = computeNodeLosses({ hierarchy: building, nodeId: "MAIN", intervals: hours(5), seriesOf });
    expect(losses.map((l) => l.lossWh)).toEqual([
      30n, // 100 − 60 − 10 (FLAT-2 not yet linked, its 0 is not read)
      null, // GARDEN missing
      50n, // 300 − 100 − 150 − 0
      -10n, // 250 − 100 − 150 − 10: a negative loss is kept
      null, // MAIN missing
    ]);
    expect(losses[0]!.children.map((c) => c.nodeId)).toEqual(["FLAT-1", "GARDEN"]);
    expect(losses[2]!.children.map((c) => c.nodeId)).toEqual(["FLAT-1", "FLAT-2", "GARDEN"]);
  });

  it("refuses a link that changes inside an interval, and a node without children", () => {
    const half = buildHierarchy({
      unit: "Wh",
      nodes: [
        { id: "F", kind: "feeder" },
        { id: "M", kind: "metering-point" },
      ],
      links: [{ child: "M", parent: "F", from: new Date(T0 + H / 2).toISOString() }],
    });
    const run = (nodeId: string) => () =>
      computeNodeLosses({ hierarchy: half, nodeId, intervals: hours(1), seriesOf });
    expect(run("F")).toThrow(
      new HierarchyError([
        {
          where: "link M → F",
          message: "starts or ends inside the interval starting 2025-03-01T00:00:00.000Z",
        },
      ]),
    );
    expect(run("M")).toThrow("node M: has no children in the interval starting 2025-03-01T00:00:00.000Z");
    expect(run("nope")).toThrow("node nope: unknown node");
  });

  it("computeAllLosses covers every parent", () => {
    const all = computeAllLosses({ hierarchy: building, intervals: hours(3), seriesOf });
    expect([...all.keys()]).toEqual(["MAIN"]);
    expect(all.get("MAIN")!.map((l) => l.lossWh)).toEqual([30n, null, 50n]);
  });
});

describe("allocateLosses", () => {
  const losses = computeNodeLosses({ hierarchy: building, nodeId: "MAIN", intervals: hours(5), seriesOf });

  it("by consumption: largest remainder per interval, exact sums", () => {
    const allocated = allocateLosses(losses, { kind: "consumption" });
    expect(allocated).toEqual([
      // 30 over 60 : 10 → 25.714… and 4.285… → 25 + 4 = 29, the last unit to the larger remainder (FLAT-1 .714)
      {
        startMs: T0,
        status: "allocated",
        lossWh: 30n,
        shares: [
          { nodeId: "FLAT-1", shareWh: 26n },
          { nodeId: "GARDEN", shareWh: 4n },
        ],
      },
      { startMs: T0 + H, status: "missing" },
      // 50 over 100 : 150 : 0 → 20 and 30, the garden (0 l) gets nothing
      {
        startMs: T0 + 2 * H,
        status: "allocated",
        lossWh: 50n,
        shares: [
          { nodeId: "FLAT-1", shareWh: 20n },
          { nodeId: "FLAT-2", shareWh: 30n },
          { nodeId: "GARDEN", shareWh: 0n },
        ],
      },
      // −10 over 100 : 150 : 10 → −3.846…, −5.769…, −0.384… → −4, −6, 0
      {
        startMs: T0 + 3 * H,
        status: "allocated",
        lossWh: -10n,
        shares: [
          { nodeId: "FLAT-1", shareWh: -4n },
          { nodeId: "FLAT-2", shareWh: -6n },
          { nodeId: "GARDEN", shareWh: 0n },
        ],
      },
      { startMs: T0 + 4 * H, status: "missing" },
    ]);
    const total = totalAllocatedLosses(allocated);
    expect([...total.sharesWh]).toEqual([
      ["FLAT-1", 42n],
      ["GARDEN", 4n],
      ["FLAT-2", 24n],
    ]);
    expect(total.missingIntervals).toBe(2);
  });

  it("by fixed weights (floor area), and no basis when the children read nothing", () => {
    const byArea = allocateLosses(losses.slice(2, 3), {
      kind: "fixed",
      weights: new Map<string, Weight>([
        ["FLAT-1", "62.5"],
        ["FLAT-2", "37.5"],
        ["GARDEN", 0n],
      ]),
    });
    // 50 × 62.5 % = 31.25, 50 × 37.5 % = 18.75 → 31 + 18 = 49, the unit to .75 → 31, 19
    expect(byArea[0]).toMatchObject({
      status: "allocated",
      shares: [{ shareWh: 31n }, { shareWh: 19n }, { shareWh: 0n }],
    });
    const quiet = allocateLosses(
      [{ startMs: T0, lossWh: 7n, parentWh: 7n, children: [{ nodeId: "FLAT-1", valueWh: 0n }] }],
      { kind: "consumption" },
    );
    expect(quiet).toEqual([{ startMs: T0, status: "no-basis", lossWh: 7n }]);
    expect(totalAllocatedLosses(quiet).unallocatedWh).toBe(7n);
    expect(() => allocateLosses(losses.slice(0, 1), { kind: "fixed", weights: new Map() })).toThrow(
      "weights: no weight for child FLAT-1",
    );
  });

  it("property: parent = Σ children + Σ allocated shares in every complete interval", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 6 }),
        (parent, kids) => {
          const nodes = [
            { id: "P", kind: "feeder" as const },
            ...kids.map((_, i) => ({ id: `C${i}`, kind: "metering-point" as const })),
          ];
          const h = buildHierarchy({
            unit: "Wh",
            nodes,
            links: kids.map((_, i) => ({ child: `C${i}`, parent: "P", from: iso(0) })),
          });
          const data = new Map<string, Series>([
            ["P", series([parent])],
            ...kids.map((k, i) => [`C${i}`, series([k])] as const),
          ]);
          const [loss] = computeNodeLosses({
            hierarchy: h,
            nodeId: "P",
            intervals: hours(1),
            seriesOf: (id) => data.get(id),
          });
          const [a] = allocateLosses([loss!], { kind: "consumption" });
          const sumKids = kids.reduce((s, k) => s + BigInt(k), 0n);
          expect(loss!.lossWh).toBe(BigInt(parent) - sumKids);
          if (a!.status === "allocated") {
            const shares = a!.shares.map((s) => s.shareWh);
            expect(BigInt(parent)).toBe(sumKids + shares.reduce((s, x) => s + x, 0n));
            // each share within one unit of its exact quota loss × kid / Σ kids
            shares.forEach((s, i) => {
              const quotaTimesSum = loss!.lossWh! * BigInt(kids[i]!);
              const diff = s * sumKids - quotaTimesSum;
              expect(diff < 0n ? -diff : diff).toBeLessThan(sumKids === 0n ? 1n : sumKids);
            });
          } else {
            expect(a!.status).toBe("no-basis");
            expect(sumKids).toBe(0n);
          }
        },
      ),
    );
  });
});

describe("a landlord's common area through the same model", () => {
  it("common area = main − flats as a virtual meter; the building's loss is allocated to the flats by floor area", () => {
    // Main electricity meter 1000 Wh/h; flats 300 and 200; a common-area sub-meter 450 Wh.
    const measured = new Map<string, Series>([
      ["MAIN", series([1000, 1000])],
      ["FLAT-A", series([300, 300])],
      ["FLAT-B", series([200, null])],
      ["STAIRS", series([450, 450])],
    ]);
    const virtual = evaluateVirtualMeters({
      virtualMeters: new Map([["COMMON", parseVirtualMeterFormula("{MAIN} - {FLAT-A} - {FLAT-B}")]]),
      measured,
      intervals: hours(2),
    });
    // 1000 − 300 − 200 = 500 in hour 0; FLAT-B missing in hour 1 → COMMON missing, not 500 + 200
    expect([...virtual.get("COMMON")!]).toEqual([[T0, 500n]]);

    const house = buildHierarchy({
      unit: "Wh",
      nodes: [
        { id: "MAIN", kind: "building" },
        { id: "FLAT-A", kind: "unit" },
        { id: "FLAT-B", kind: "unit" },
        { id: "STAIRS", kind: "metering-point" },
      ],
      links: ["FLAT-A", "FLAT-B", "STAIRS"].map((child) => ({ child, parent: "MAIN", from: iso(0) })),
    });
    const losses = computeNodeLosses({
      hierarchy: house,
      nodeId: "MAIN",
      intervals: hours(2),
      seriesOf: (id) => measured.get(id),
    });
    // 1000 − 300 − 200 − 450 = 50 Wh of loss (wiring, unmetered lights); hour 1 missing
    expect(losses.map((l) => l.lossWh)).toEqual([50n, null]);
    const shares = allocateLosses(losses, {
      kind: "fixed",
      weights: new Map<string, Weight>([
        ["FLAT-A", "70.5"],
        ["FLAT-B", "49.5"],
        ["STAIRS", 0n],
      ]),
    });
    // 50 × 70.5 / 120 = 29.375 → 29, 50 × 49.5 / 120 = 20.625 → 20 (+1 to the larger remainder .625) = 21
    expect(shares[0]).toMatchObject({
      status: "allocated",
      shares: [{ shareWh: 29n }, { shareWh: 21n }, { shareWh: 0n }],
    });
    expect(shares[1]).toEqual({ startMs: T0 + H, status: "missing" });
  });
});
