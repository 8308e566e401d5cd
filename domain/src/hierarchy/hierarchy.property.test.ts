// buildHierarchy against a brute-force oracle on small random graphs: it accepts exactly the link
// sets in which, at every instant, each node has at most one parent and no parent chain returns.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HierarchyError } from "./errors.ts";
import { ancestorsAt, buildHierarchy, childrenAt, parentAt } from "./hierarchy.ts";

const INSTANTS = [
  "2025-01-01T00:00:00Z",
  "2025-02-01T00:00:00Z",
  "2025-03-01T00:00:00Z",
  "2025-04-01T00:00:00Z",
];
const NODES = ["A", "B", "C", "D", "E"];

const linkArb = fc
  .record({
    child: fc.constantFrom(...NODES),
    parent: fc.constantFrom(...NODES),
    from: fc.integer({ min: 0, max: 2 }),
    length: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  })
  .filter((l) => l.child !== l.parent)
  .map((l) => ({
    child: l.child,
    parent: l.parent,
    fromIx: l.from,
    toIx: l.length === null || l.from + l.length > 3 ? null : l.from + l.length,
  }));

function oracleValid(
  links: { child: string; parent: string; fromIx: number; toIx: number | null }[],
): boolean {
  for (let t = 0; t < INSTANTS.length; t++) {
    const active = links.filter((l) => l.fromIx <= t && (l.toIx === null || t < l.toIx));
    const parentOf = new Map<string, string>();
    for (const l of active) {
      if (parentOf.has(l.child)) return false;
      parentOf.set(l.child, l.parent);
    }
    for (const start of NODES) {
      let cur = parentOf.get(start);
      for (let steps = 0; cur !== undefined; steps++) {
        if (cur === start || steps > NODES.length) return false;
        cur = parentOf.get(cur);
      }
    }
  }
  return true;
}

describe("buildHierarchy property", () => {
  it("accepts exactly the valid link sets; then parents, children and ancestors agree", () => {
    fc.assert(
      fc.property(fc.array(linkArb, { maxLength: 7 }), (links) => {
        const input = {
          unit: "Wh" as const,
          nodes: NODES.map((id) => ({ id, kind: "feeder" as const })),
          links: links.map((l) => ({
            child: l.child,
            parent: l.parent,
            from: INSTANTS[l.fromIx]!,
            to: l.toIx === null ? null : INSTANTS[l.toIx]!,
          })),
        };
        let accepted = true;
        try {
          buildHierarchy(input);
        } catch (e) {
          if (!(e instanceof HierarchyError)) throw e;
          accepted = false;
        }
        expect(accepted).toBe(oracleValid(links));
        if (!accepted) return;
        const h = buildHierarchy(input);
        for (const iso of INSTANTS) {
          const t = Date.parse(iso);
          for (const n of NODES) {
            const p = parentAt(h, n, t);
            if (p !== undefined) expect(childrenAt(h, p, t)).toContain(n);
            const up = ancestorsAt(h, n, t);
            expect(new Set(up).size).toBe(up.length);
            expect(up).not.toContain(n);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
