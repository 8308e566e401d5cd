/**
 * A metering hierarchy: a network (grid area → substation/transformer → feeder → metering points)
 * or a building (site → common area / units), plus meter collections. Nodes are linked to a parent
 * for a validity; a node has at most one parent at any instant, and the links never form a cycle.
 *
 * The same model serves a distribution operator's grid losses and a landlord's loss and
 * common-area shares; `unit` says what the meters count (integer Wh or integer litres).
 */
import { type HierarchyIssue, HierarchyError } from "./errors.ts";
import { type Validity, describeValidity, isValidAt, overlaps, parseValidity } from "./validity.ts";

/** What a node is. Kinds do not restrict the shape: a metering point may have sub-meters. */
export type NodeKind =
  | "grid-area"
  | "substation"
  | "transformer"
  | "feeder"
  | "metering-point"
  | "collection"
  | "site"
  | "building"
  | "unit";

export const NODE_KINDS: readonly NodeKind[] = [
  "grid-area",
  "substation",
  "transformer",
  "feeder",
  "metering-point",
  "collection",
  "site",
  "building",
  "unit",
];

/** The quantity every meter of one hierarchy counts: energy in integer Wh, water in integer litres. */
export type QuantityUnit = "Wh" | "L";

export type HierarchyNode = { id: string; kind: NodeKind; name?: string };

/** Input form of a link: ISO instants; `to` absent or null = open-ended. */
export type HierarchyLinkInput = { child: string; parent: string; from: string; to?: string | null };

export type HierarchyLink = { child: string; parent: string; validity: Validity };

export type HierarchyInput = {
  unit: QuantityUnit;
  nodes: readonly HierarchyNode[];
  links: readonly HierarchyLinkInput[];
};

/** A validated hierarchy: build it with `buildHierarchy`, never by hand. */
export type Hierarchy = {
  readonly unit: QuantityUnit;
  readonly nodes: ReadonlyMap<string, HierarchyNode>;
  readonly links: readonly HierarchyLink[];
  /** The links by parent and by child, for lookups that do not scan every link. */
  readonly linksByParent: ReadonlyMap<string, readonly HierarchyLink[]>;
  readonly linksByChild: ReadonlyMap<string, readonly HierarchyLink[]>;
};

/**
 * Validates nodes and links and returns the hierarchy, or throws a HierarchyError listing every
 * problem: duplicate or unknown node ids, self-links, bad validities, a node with two parents at
 * one time, a grid area with a parent, and cycles (checked at every instant a link starts).
 */
export function buildHierarchy(input: HierarchyInput): Hierarchy {
  const issues: HierarchyIssue[] = [];
  if (input.unit !== "Wh" && input.unit !== "L") {
    issues.push({ where: "unit", message: `expected "Wh" or "L", got ${JSON.stringify(input.unit)}` });
  }
  const nodes = new Map<string, HierarchyNode>();
  input.nodes.forEach((node, i) => {
    const where = `nodes[${i}]`;
    if (typeof node.id !== "string" || node.id.trim() === "") {
      issues.push({ where, message: "node id must be a non-empty string" });
      return;
    }
    if (!NODE_KINDS.includes(node.kind)) {
      issues.push({ where: `node ${node.id}`, message: `unknown kind ${JSON.stringify(node.kind)}` });
    }
    if (nodes.has(node.id)) issues.push({ where: `node ${node.id}`, message: "declared twice" });
    nodes.set(node.id, node);
  });

  const links: HierarchyLink[] = [];
  input.links.forEach((link, i) => {
    const where = `links[${i}] (${link.child} → ${link.parent})`;
    let ok = true;
    for (const end of [link.child, link.parent]) {
      if (!nodes.has(end)) {
        issues.push({ where, message: `unknown node ${JSON.stringify(end)}` });
        ok = false;
      }
    }
    if (link.child === link.parent) {
      issues.push({ where, message: `node ${link.child} cannot be its own parent` });
      ok = false;
    }
    if (nodes.get(link.child)?.kind === "grid-area") {
      issues.push({ where, message: `grid area ${link.child} is a root and cannot have a parent` });
      ok = false;
    }
    try {
      const validity = parseValidity(link.from, link.to, where);
      if (ok) links.push({ child: link.child, parent: link.parent, validity });
    } catch (e) {
      if (!(e instanceof HierarchyError)) throw e;
      issues.push(...e.issues);
    }
  });

  // One parent per node per time.
  const byChild = groupBy(links, (l) => l.child);
  for (const [child, own] of byChild) {
    for (let a = 0; a < own.length; a++) {
      for (let b = a + 1; b < own.length; b++) {
        const x = own[a]!;
        const y = own[b]!;
        if (overlaps(x.validity, y.validity)) {
          issues.push({
            where: `node ${child}`,
            message:
              `two parents at once: ${x.parent} ${describeValidity(x.validity)} and ` +
              `${y.parent} ${describeValidity(y.validity)}`,
          });
        }
      }
    }
  }

  // Cycles: a cycle in force at some instant is already in force when its newest link starts, and
  // it passes through that link. So walking up from each link's child at the link's start, through
  // the parents in force then, finds every cycle (in time linear in the depth, not in all links).
  const reported = new Set<string>();
  const activeParent = (node: string, t: number) =>
    byChild.get(node)?.find((l) => isValidAt(l.validity, t))?.parent;
  for (const l of [...links].sort((a, b) => a.validity.fromMs - b.validity.fromMs)) {
    const t = l.validity.fromMs;
    const path = [l.child];
    const seen = new Set(path);
    let cur: string | undefined = l.parent;
    while (cur !== undefined && !seen.has(cur)) {
      path.push(cur);
      seen.add(cur);
      cur = activeParent(cur, t);
    }
    if (cur !== l.child) continue;
    const key = [...path].sort().join("|");
    if (reported.has(key)) continue;
    reported.add(key);
    issues.push({
      where: `node ${l.child}`,
      message: `cycle ${[...path, l.child].join(" → ")} at ${new Date(t).toISOString()}`,
    });
  }

  if (issues.length > 0) throw new HierarchyError(issues);
  return {
    unit: input.unit,
    nodes,
    links,
    linksByParent: groupBy(links, (l) => l.parent),
    linksByChild: byChild,
  };
}

/** The parent of a node at an instant, or undefined for a root (or a node not linked then). */
export function parentAt(h: Hierarchy, nodeId: string, atMs: number): string | undefined {
  return h.linksByChild.get(nodeId)?.find((l) => isValidAt(l.validity, atMs))?.parent;
}

/** The children of a node at an instant, in link order. */
export function childrenAt(h: Hierarchy, nodeId: string, atMs: number): string[] {
  return (h.linksByParent.get(nodeId) ?? []).filter((l) => isValidAt(l.validity, atMs)).map((l) => l.child);
}

/** The chain of ancestors of a node at an instant, nearest first. */
export function ancestorsAt(h: Hierarchy, nodeId: string, atMs: number): string[] {
  const out: string[] = [];
  let cur = parentAt(h, nodeId, atMs);
  while (cur !== undefined) {
    out.push(cur);
    cur = parentAt(h, cur, atMs);
  }
  return out;
}

/** Every node below a node at an instant (depth first, children in link order). */
export function descendantsAt(h: Hierarchy, nodeId: string, atMs: number): string[] {
  const out: string[] = [];
  const visit = (id: string): void => {
    for (const c of childrenAt(h, id, atMs)) {
      out.push(c);
      visit(c);
    }
  };
  visit(nodeId);
  return out;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list === undefined) m.set(k, [it]);
    else list.push(it);
  }
  return m;
}
