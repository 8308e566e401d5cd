// c4e-test: needs no machine services (npm run test:integration skips this file)
import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import { findCommonAncestor, type StoredBlock } from "./find-common-ancestor.ts";

const h = (n: number, fork: string): Hex => `0x${fork}${n.toString(16).padStart(63, "0")}`;

/** Stored blocks lo..hi of fork "a", newest first. */
function stored(lo: number, hi: number): StoredBlock[] {
  const out: StoredBlock[] = [];
  for (let n = hi; n >= lo; n--) out.push({ number: BigInt(n), hash: h(n, "a") });
  return out;
}

/** A chain that agrees with fork "a" up to `forkAfter` and has fork "b" above it, up to `head`. */
function chain(forkAfter: number, head: number) {
  const calls: bigint[][] = [];
  return {
    calls,
    hashesAt: async (numbers: readonly bigint[]) => {
      calls.push([...numbers]);
      return new Map(
        numbers.map((n): [bigint, Hex | null] => [
          n,
          n > BigInt(head) ? null : h(Number(n), n > BigInt(forkAfter) ? "b" : "a"),
        ]),
      );
    },
  };
}

describe("findCommonAncestor", () => {
  it("finds the fork point of a longer replacement chain", async () => {
    const c = chain(7, 12);
    const got = await findCommonAncestor({ stored: stored(1, 10), head: 12n, hashesAt: c.hashesAt });
    expect(got).toEqual({ number: 7n, hash: h(7, "a") });
  });

  it("skips stored blocks above a head that moved back", async () => {
    const c = chain(8, 8); // blocks 9 and 10 are gone, 1..8 unchanged
    const got = await findCommonAncestor({ stored: stored(1, 10), head: 8n, hashesAt: c.hashesAt });
    expect(got?.number).toBe(8n);
    expect(c.calls[0]).not.toContain(9n);
  });

  it("compares in batches, newest first", async () => {
    const c = chain(2, 40);
    const got = await findCommonAncestor({
      stored: stored(1, 40),
      head: 40n,
      hashesAt: c.hashesAt,
      batchSize: 16,
    });
    expect(got?.number).toBe(2n);
    expect(c.calls.map((x) => x.length)).toEqual([16, 16, 8]);
  });

  it("returns null when no stored block survived", async () => {
    const c = chain(0, 20);
    expect(await findCommonAncestor({ stored: stored(5, 10), head: 20n, hashesAt: c.hashesAt })).toBeNull();
  });
});
