// c4e-test: needs no machine services (npm run test:integration skips this file)
import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import type { BlockHeader } from "./chain-reader.ts";
import { checkRange, headersToFetch } from "./plan-range.ts";

const h = (n: number, fork = "a"): Hex => `0x${fork}${n.toString(16).padStart(63, "0")}`;
const header = (n: number, fork = "a", parentFork = fork): BlockHeader => ({
  number: BigInt(n),
  hash: h(n, fork),
  parentHash: h(n - 1, parentFork),
  timestamp: BigInt(1_700_000_000 + n),
});

describe("headersToFetch", () => {
  it.each([
    // range 1..10, head 10, window 3 → ends, event block 2, window 8..10
    { from: 1, to: 10, head: 10, window: 3, logs: [2], want: [1, 2, 8, 9, 10] },
    // catching up far below the head: only ends and event blocks
    { from: 1, to: 2000, head: 9000, window: 256, logs: [5, 5, 1500], want: [1, 5, 1500, 2000] },
    // window covers the whole range
    { from: 5, to: 7, head: 7, window: 256, logs: [], want: [5, 6, 7] },
    // single block
    { from: 4, to: 4, head: 9, window: 2, logs: [4], want: [4] },
    // event numbers outside the range are ignored
    { from: 4, to: 6, head: 100, window: 2, logs: [1, 7], want: [4, 6] },
    { from: 5, to: 4, head: 4, window: 2, logs: [], want: [] },
  ])("range $from..$to, head $head, window $window → $want", ({ from, to, head, window, logs, want }) => {
    const got = headersToFetch({
      fromBlock: BigInt(from),
      toBlock: BigInt(to),
      head: BigInt(head),
      reorgWindow: window,
      logBlocks: logs.map(BigInt),
    });
    expect(got).toEqual(want.map(BigInt));
  });
});

describe("checkRange", () => {
  const headers = [header(5), header(6), header(7)];
  const ok = {
    parentHash: h(4),
    headers,
    logs: [{ blockNumber: 6n, blockHash: h(6) }],
    lastHashBeforeLogs: h(7),
  };

  it("accepts a range that continues the checkpoint", () => {
    expect(checkRange(ok)).toEqual({ kind: "ok" });
  });

  it("accepts the first range without a checkpoint", () => {
    expect(checkRange({ ...ok, parentHash: null })).toEqual({ kind: "ok" });
  });

  it("reports a reorganisation when the first parent is not the checkpoint", () => {
    expect(checkRange({ ...ok, parentHash: h(4, "b") })).toEqual({ kind: "reorg" });
  });

  it("rejects unlinked adjacent headers as read across a reorganisation", () => {
    const mixed = [header(5), header(6, "b", "b"), header(7, "b")];
    expect(checkRange({ ...ok, headers: mixed, logs: [], lastHashBeforeLogs: h(7, "b") }).kind).toBe(
      "inconsistent",
    );
  });

  it("does not require links across blocks it did not fetch", () => {
    const sparse = [header(5), header(9, "a")];
    expect(checkRange({ ...ok, headers: sparse, logs: [], lastHashBeforeLogs: h(9) })).toEqual({
      kind: "ok",
    });
  });

  it("rejects an event of another fork", () => {
    const check = checkRange({ ...ok, logs: [{ blockNumber: 6n, blockHash: h(6, "b") }] });
    expect(check.kind).toBe("inconsistent");
  });

  it("rejects a range whose last block changed during the log query", () => {
    expect(checkRange({ ...ok, lastHashBeforeLogs: h(7, "b") }).kind).toBe("inconsistent");
  });
});
