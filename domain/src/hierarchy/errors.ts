/** One thing wrong with a hierarchy or formula: where (a node, a link, a term) and what. */
export type HierarchyIssue = { where: string; message: string };

/**
 * A hierarchy, virtual-meter formula or loss computation refused its input. `issues` names every
 * node, link or term that is wrong, so a caller can show them all at once.
 */
export class HierarchyError extends Error {
  override readonly name = "HierarchyError";
  constructor(readonly issues: readonly HierarchyIssue[]) {
    super(issues.map((i) => `${i.where}: ${i.message}`).join("; "));
  }
}

/** Throws a HierarchyError with one issue. */
export function refuse(where: string, message: string): never {
  throw new HierarchyError([{ where, message }]);
}
