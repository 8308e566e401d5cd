// c4e-test: needs no machine services (npm run test:integration skips this file)
import {
  HttpRequestError,
  LimitExceededRpcError,
  ResponseBodyTooLargeError,
  RpcRequestError,
  TimeoutError,
} from "viem";
import { describe, expect, it } from "vitest";
import { isTooLarge, suggestedEnd } from "./chain-reader.ts";
import { nextRange } from "./plan-range.ts";
import { DEFAULT_MAX_RESPONSE_BYTES, resolveSettings } from "./settings.ts";

describe("resolveSettings", () => {
  it("fills in the defaults", () => {
    expect(resolveSettings({ pollIntervalMs: 1000, maxBlockRange: 2000 })).toEqual({
      pollIntervalMs: 1000,
      maxBlockRange: 2000,
      initialBlockRange: 16,
      reorgWindow: 256,
      maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
      requestTimeoutMs: 15_000,
      retries: 2,
      confirmations: 0,
      readAhead: 2,
    });
  });

  it("caps the first range at the largest", () => {
    expect(resolveSettings({ pollIntervalMs: 1000, maxBlockRange: 5 }).initialBlockRange).toBe(5);
  });

  it.each([
    { maxBlockRange: 0 },
    { maxBlockRange: 1.5 },
    { pollIntervalMs: -1 },
    { reorgWindow: 0 },
    { maxResponseBytes: 1000 },
    { maxResponseBytes: Number.NaN },
    { requestTimeoutMs: 10 },
    { retries: -1 },
    { initialBlockRange: 0 },
    { confirmations: -1 },
    { confirmations: 1.5 },
    { confirmations: 256 }, // not below the reorganisation window
    { confirmations: 10, reorgWindow: 10 },
    { readAhead: 0 },
  ])("refuses %o", (bad) => {
    expect(() => resolveSettings({ pollIntervalMs: 1000, maxBlockRange: 2000, ...bad })).toThrow(RangeError);
  });
});

describe("nextRange", () => {
  const base = { current: 100n, max: 2000n, targetBytes: 4_000_000, refused: 0 };
  it("scales the range to the target bytes", () => {
    expect(nextRange({ ...base, blocks: 100n, requested: 100n, bytes: 8_000_000 })).toBe(50n);
    expect(nextRange({ ...base, blocks: 100n, requested: 100n, bytes: 2_500_000 })).toBe(160n);
  });
  it("grows at most twofold, up to the maximum", () => {
    expect(nextRange({ ...base, blocks: 100n, requested: 100n, bytes: 10 })).toBe(200n);
    expect(nextRange({ ...base, blocks: 100n, requested: 100n, bytes: 0 })).toBe(200n);
    expect(nextRange({ ...base, current: 1500n, blocks: 1500n, requested: 1500n, bytes: 0 })).toBe(2000n);
  });
  it("keeps the range that fit after a refusal", () => {
    expect(nextRange({ ...base, blocks: 25n, requested: 100n, bytes: 3_000_000, refused: 2 })).toBe(25n);
    expect(nextRange({ ...base, blocks: 1n, requested: 100n, bytes: 30_000_000, refused: 9 })).toBe(1n);
  });
  it("a read capped by the head keeps the range unless it was dense", () => {
    expect(nextRange({ ...base, blocks: 3n, requested: 3n, bytes: 1000 })).toBe(100n);
    expect(nextRange({ ...base, blocks: 3n, requested: 3n, bytes: 6_000_000 })).toBe(2n);
  });
});

describe("isTooLarge", () => {
  const rpc = (code: number, message: string) =>
    new RpcRequestError({ body: {}, url: "http://x", error: { code, message } });
  it.each([
    ["viem's response limit", new ResponseBodyTooLargeError({ maxSize: 10, size: 11 })],
    ["a timeout", new TimeoutError({ body: {}, url: "http://x" })],
    ["HTTP 413", new HttpRequestError({ url: "http://x", status: 413 })],
    ["-32005", new LimitExceededRpcError(rpc(-32005, "limit exceeded"))],
    ["a result cap", rpc(-32602, "query returned more than 10000 results")],
    ["a range cap", rpc(-32000, "block range is too large")],
    ["a wrapped one", new Error("outer", { cause: new ResponseBodyTooLargeError({ maxSize: 1, size: 2 }) })],
  ])("%s: split", (_name, err) => {
    expect(isTooLarge(err)).toBe(true);
  });
  it.each([
    ["a refused connection", new HttpRequestError({ url: "http://x", details: "fetch failed" })],
    [
      "a connect timeout",
      new HttpRequestError({ url: "http://x", details: "connect ETIMEDOUT 10.0.0.1:8545" }),
    ],
    ["a server error", rpc(-32603, "internal error")],
    ["not an error", "nope"],
  ])("%s: not split", (_name, err) => {
    expect(isTooLarge(err)).toBe(false);
  });
});

describe("suggestedEnd", () => {
  const alchemy = (range: string) =>
    new RpcRequestError({
      body: {},
      url: "http://x",
      error: {
        code: -32602,
        message: `Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters, this block range should work: ${range}`,
      },
    });
  it("takes the provider's shorter range", () => {
    expect(isTooLarge(alchemy("[0x64, 0x96]"))).toBe(true);
    expect(suggestedEnd(alchemy("[0x64, 0x96]"), 100n, 2099n)).toBe(150n);
  });
  it("ignores a suggestion that does not shorten this range", () => {
    expect(suggestedEnd(alchemy("[0x65, 0x96]"), 100n, 2099n)).toBeUndefined();
    expect(suggestedEnd(alchemy("[0x64, 0x1000]"), 100n, 2099n)).toBeUndefined();
    expect(suggestedEnd(new Error("too large"), 100n, 2099n)).toBeUndefined();
  });
});
