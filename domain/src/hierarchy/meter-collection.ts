/**
 * Meter collections: named groups of meters (a customer's sites, a building's tenants, all feeders
 * of a substation) that are not a branch of the network tree, so a meter can belong to several
 * collections besides its one parent. A collection's value per interval is the sum of the members
 * in force in that interval — the virtual meter `{m1}[from..to) + {m2}[from..to) + …`, evaluated
 * by the same rules (a missing member makes the interval missing, never zero).
 */
import { BillingDecimal } from "../billing/money.ts";
import { refuse } from "./errors.ts";
import { instantMs } from "./validity.ts";
import type { VirtualMeterFormula } from "./virtual-meter.ts";

export type MeterCollection = {
  id: string;
  members: readonly { meterId: string; from: string; to?: string | null }[];
};

/**
 * The collection as a virtual-meter formula; refuses an empty collection and a meter that is a
 * member twice at the same time (it would be counted twice).
 * @example collectionFormula({ id: "C", members: [{ meterId: "A", from: "2025-01-01T00:00:00Z" }] })
 */
export function collectionFormula(collection: MeterCollection): VirtualMeterFormula {
  if (collection.members.length === 0) refuse(`collection ${collection.id}`, "has no members");
  const terms = collection.members.map((m, i) => {
    const where = `collection ${collection.id} members[${i}] (${m.meterId})`;
    const fromMs = instantMs(m.from, `${where}.from`);
    const toMs = m.to === undefined || m.to === null ? null : instantMs(m.to, `${where}.to`);
    if (toMs !== null && toMs <= fromMs) refuse(where, "membership ends at or before it starts");
    return { meterId: m.meterId, factor: new BillingDecimal(1), validity: { fromMs, toMs } };
  });
  terms.forEach((a, i) => {
    terms.slice(i + 1).forEach((b, k) => {
      const overlap =
        a.meterId === b.meterId &&
        (b.validity.toMs === null || a.validity.fromMs < b.validity.toMs) &&
        (a.validity.toMs === null || b.validity.fromMs < a.validity.toMs);
      if (overlap) {
        refuse(
          `collection ${collection.id} members[${i + 1 + k}] (${b.meterId})`,
          `meter ${b.meterId} is already a member then (members[${i}])`,
        );
      }
    });
  });
  return { terms };
}
