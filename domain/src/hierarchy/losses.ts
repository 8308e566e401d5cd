/**
 * Losses per node of a hierarchy: per interval, the node's own meter minus the sum of its children's
 * meters (children as linked at the interval's start). A missing value of the node or of any child
 * makes that interval's loss missing, never zero. A negative loss (children read more than the
 * parent) is kept as it is: it is a measurement fact the operator must see.
 */
import { refuse } from "./errors.ts";
import { type Hierarchy, childrenAt } from "./hierarchy.ts";
import { type Interval, coverage } from "./validity.ts";
import type { Series } from "./virtual-meter.ts";

export type NodeLoss = {
  startMs: number;
  /** Parent − Σ children; null when any of them is missing in this interval. */
  lossWh: bigint | null;
  parentWh: bigint | null;
  children: { nodeId: string; valueWh: bigint | null }[];
};

/**
 * Computes a node's loss per interval. `seriesOf` gives the measured or virtual series of a node
 * (undefined = the node has no meter, so all its intervals are missing). Throws when a link of the
 * node's children starts or ends inside an interval, or when the node has no children in an interval.
 * (In a water hierarchy the values are litres; the `Wh` names stand for the hierarchy's unit.)
 */
export function computeNodeLosses(params: {
  hierarchy: Hierarchy;
  nodeId: string;
  intervals: readonly Interval[];
  seriesOf: (nodeId: string) => Series | undefined;
}): NodeLoss[] {
  const { hierarchy, nodeId, intervals, seriesOf } = params;
  if (!hierarchy.nodes.has(nodeId)) refuse(`node ${nodeId}`, "unknown node");
  const childLinks = hierarchy.linksByParent.get(nodeId) ?? [];
  return intervals.map((iv) => {
    for (const l of childLinks) {
      if (coverage(l.validity, iv) === "partial") {
        refuse(
          `link ${l.child} → ${l.parent}`,
          `starts or ends inside the interval starting ${new Date(iv.startMs).toISOString()}`,
        );
      }
    }
    const kids = childrenAt(hierarchy, nodeId, iv.startMs);
    if (kids.length === 0) {
      refuse(
        `node ${nodeId}`,
        `has no children in the interval starting ${new Date(iv.startMs).toISOString()}`,
      );
    }
    const parentWh = seriesOf(nodeId)?.get(iv.startMs) ?? null;
    const children = kids.map((c) => ({ nodeId: c, valueWh: seriesOf(c)?.get(iv.startMs) ?? null }));
    let lossWh: bigint | null = parentWh;
    for (const c of children) lossWh = lossWh === null || c.valueWh === null ? null : lossWh - c.valueWh;
    return { startMs: iv.startMs, lossWh, parentWh, children };
  });
}

/**
 * Losses of every node that has children somewhere in the intervals, keyed by node id. Nodes
 * without children in an interval get no entry for it.
 */
export function computeAllLosses(params: {
  hierarchy: Hierarchy;
  intervals: readonly Interval[];
  seriesOf: (nodeId: string) => Series | undefined;
}): Map<string, NodeLoss[]> {
  const { hierarchy, intervals, seriesOf } = params;
  const out = new Map<string, NodeLoss[]>();
  const parents = [...hierarchy.linksByParent.keys()];
  for (const p of parents) {
    const withChildren = intervals.filter((iv) => childrenAt(hierarchy, p, iv.startMs).length > 0);
    if (withChildren.length === 0) continue;
    out.set(p, computeNodeLosses({ hierarchy, nodeId: p, intervals: withChildren, seriesOf }));
  }
  return out;
}
