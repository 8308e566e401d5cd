import { describe, expect, it } from "vitest";
import { HierarchyError } from "./errors.ts";
import {
  type HierarchyInput,
  type HierarchyLinkInput,
  ancestorsAt,
  buildHierarchy,
  childrenAt,
  descendantsAt,
  parentAt,
} from "./hierarchy.ts";

const JAN = "2025-01-01T00:00:00Z";
const MAR = "2025-03-01T00:00:00Z";
const JUN = "2025-06-01T00:00:00Z";
const ms = (iso: string) => Date.parse(iso);

const NODES: HierarchyInput["nodes"] = [
  { id: "GA-800", kind: "grid-area" },
  { id: "SS-1", kind: "substation" },
  { id: "F-1", kind: "feeder" },
  { id: "F-2", kind: "feeder" },
  { id: "MP-1", kind: "metering-point" },
  { id: "MP-2", kind: "metering-point" },
];
const LINKS: HierarchyLinkInput[] = [
  { child: "SS-1", parent: "GA-800", from: JAN },
  { child: "F-1", parent: "SS-1", from: JAN },
  { child: "F-2", parent: "SS-1", from: JAN },
  { child: "MP-1", parent: "F-1", from: JAN },
  // MP-2 is moved from feeder 1 to feeder 2 on 1 March.
  { child: "MP-2", parent: "F-1", from: JAN, to: MAR },
  { child: "MP-2", parent: "F-2", from: MAR },
];

function issuesOf(input: HierarchyInput): string[] {
  try {
    buildHierarchy(input);
  } catch (e) {
    if (e instanceof HierarchyError) return e.issues.map((i) => `${i.where}: ${i.message}`);
    throw e;
  }
  return [];
}

describe("buildHierarchy", () => {
  const h = buildHierarchy({ unit: "Wh", nodes: NODES, links: LINKS });

  it("answers parent, children, ancestors and descendants at an instant (a move takes effect at its start)", () => {
    expect(parentAt(h, "MP-2", ms("2025-02-28T23:59:59Z"))).toBe("F-1");
    expect(parentAt(h, "MP-2", ms(MAR))).toBe("F-2");
    expect(childrenAt(h, "F-1", ms("2025-02-01T00:00:00Z"))).toEqual(["MP-1", "MP-2"]);
    expect(childrenAt(h, "F-1", ms(JUN))).toEqual(["MP-1"]);
    expect(ancestorsAt(h, "MP-2", ms(JUN))).toEqual(["F-2", "SS-1", "GA-800"]);
    expect(descendantsAt(h, "SS-1", ms(JUN))).toEqual(["F-1", "MP-1", "F-2", "MP-2"]);
    expect(parentAt(h, "GA-800", ms(JUN))).toBeUndefined();
    expect(parentAt(h, "MP-1", ms("2024-12-31T23:59:59Z"))).toBeUndefined();
  });

  it.each<[string, Partial<HierarchyInput>, string[]]>([
    [
      "two parents at once",
      { links: [...LINKS, { child: "MP-1", parent: "F-2", from: JUN }] },
      [
        "node MP-1: two parents at once: F-1 [2025-01-01T00:00:00.000Z, open) and F-2 [2025-06-01T00:00:00.000Z, open)",
      ],
    ],
    [
      "a parent for a grid area (which would close a cycle)",
      { links: [...LINKS, { child: "GA-800", parent: "MP-1", from: JUN }] },
      ["links[6] (GA-800 → MP-1): grid area GA-800 is a root and cannot have a parent"],
    ],
    [
      "a cycle between feeders from March",
      {
        links: [
          { child: "F-1", parent: "F-2", from: MAR },
          { child: "F-2", parent: "F-1", from: JAN },
        ],
      },
      ["node F-1: cycle F-1 → F-2 → F-1 at 2025-03-01T00:00:00.000Z"],
    ],
    [
      "an unknown node and a self-link",
      {
        links: [
          { child: "MP-9", parent: "F-1", from: JAN },
          { child: "F-1", parent: "F-1", from: JAN },
        ],
      },
      [
        'links[0] (MP-9 → F-1): unknown node "MP-9"',
        "links[1] (F-1 → F-1): node F-1 cannot be its own parent",
      ],
    ],
    [
      "a link that ends before it starts, and a local time without offset",
      {
        links: [
          { child: "F-1", parent: "SS-1", from: MAR, to: JAN },
          { child: "F-2", parent: "SS-1", from: "2025-01-01T00:00:00" },
        ],
      },
      [
        "links[0] (F-1 → SS-1): validity ends (2025-01-01T00:00:00Z) at or before it starts (2025-03-01T00:00:00Z)",
        'links[1] (F-2 → SS-1).from: not an ISO-8601 instant with Z or an offset: "2025-01-01T00:00:00"',
      ],
    ],
    [
      "a node declared twice and an unknown kind",
      { nodes: [...NODES, { id: "F-1", kind: "feeder" }, { id: "X", kind: "pole" as never }], links: [] },
      ["node F-1: declared twice", 'node X: unknown kind "pole"'],
    ],
  ])("refuses %s, naming the node", (_name, change, expected) => {
    expect(issuesOf({ unit: "Wh", nodes: NODES, links: LINKS, ...change })).toEqual(expected);
  });

  it("finds a long cycle closed by a later link, and not one whose links never overlap in time", () => {
    const chain: HierarchyInput = {
      unit: "Wh",
      nodes: ["A", "B", "C", "D"].map((id) => ({ id, kind: "feeder" as const })),
      links: [
        { child: "B", parent: "A", from: JAN },
        { child: "C", parent: "B", from: JAN },
        { child: "D", parent: "C", from: JAN, to: MAR },
        { child: "A", parent: "D", from: JUN }, // D has left C by June: no cycle
      ],
    };
    expect(issuesOf(chain)).toEqual([]);
    expect(
      issuesOf({
        ...chain,
        links: [...chain.links.slice(0, 2), { child: "D", parent: "C", from: JAN }, chain.links[3]!],
      }),
    ).toEqual(["node A: cycle A → D → C → B → A at 2025-06-01T00:00:00.000Z"]);
  });

  it("accepts a parent change at the same instant (end of one link = start of the next)", () => {
    expect(issuesOf({ unit: "L", nodes: NODES, links: LINKS })).toEqual([]);
  });
});
