import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  batchProblems,
  DEFAULT_REWARD_BATCH_GAS_BUDGET,
  GAS_PER_BATCH,
  GAS_PER_RECIPIENT,
  maxRecipientsForGas,
  mintGasLimit,
  splitRewards,
  TRANSACTION_GAS_CAP,
} from "./batches.ts";
import { type RewardRow, summarizeRewards, type WalletAddress } from "./policy.ts";

const wallet = (n: number): WalletAddress => `0x${n.toString(16).padStart(40, "0")}`;

const rowsArb = fc.array(
  fc.record({
    wallet: fc.integer({ min: 1, max: 400 }),
    meter: fc.integer({ min: 1, max: 3 }),
    wh: fc.bigInt({ min: 1n, max: 50_000n }),
  }),
  { minLength: 1, maxLength: 600 },
);

const summaryOf = (rows: { wallet: number; meter: number; wh: bigint }[]) =>
  summarizeRewards({
    rows: rows.map((r): RewardRow => ({
      customerId: `c-${r.wallet}`,
      wallet: wallet(r.wallet),
      gatewayId: "gw",
      meterId: `m-${r.wallet}-${r.meter}`,
      exportWh: r.wh,
    })),
    periodStart: new Date("2026-11-01T10:00:00Z"),
  });

describe("maxRecipientsForGas", () => {
  it("fits the worst case into the budget, well under the per-transaction cap", () => {
    const n = maxRecipientsForGas({ gasBudget: DEFAULT_REWARD_BATCH_GAS_BUDGET });
    expect(GAS_PER_BATCH + BigInt(n) * GAS_PER_RECIPIENT).toBeLessThanOrEqual(
      DEFAULT_REWARD_BATCH_GAS_BUDGET,
    );
    expect(GAS_PER_BATCH + BigInt(n + 1) * GAS_PER_RECIPIENT).toBeGreaterThan(
      DEFAULT_REWARD_BATCH_GAS_BUDGET,
    );
    expect(DEFAULT_REWARD_BATCH_GAS_BUDGET).toBeLessThan(16_777_216n);
  });
  it("refuses a budget below one recipient", () => {
    expect(() => maxRecipientsForGas({ gasBudget: 100_000n })).toThrow(RangeError);
  });
});

describe("mintGasLimit", () => {
  it("is the worst case plus a quarter, capped at the per-transaction cap", () => {
    expect(mintGasLimit({ recipients: 126 })).toBe(((GAS_PER_BATCH + 126n * GAS_PER_RECIPIENT) * 5n) / 4n);
    expect(mintGasLimit({ recipients: 10_000 })).toBe(TRANSACTION_GAS_CAP);
    expect(() => mintGasLimit({ recipients: 0 })).toThrow(RangeError);
  });
});

describe("splitRewards (property)", () => {
  it("covers every recipient and leaf exactly once, in parts of at most the maximum, totals preserved", () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 150 }), (rows, max) => {
        const summary = summaryOf(rows);
        const parts = splitRewards({
          recipients: summary.recipients,
          leaves: summary.leaves,
          maxRecipients: max,
        });
        expect(parts.map((p) => p.part)).toEqual(parts.map((_, i) => i));
        expect(parts.length).toBe(Math.ceil(summary.recipients.length / max));
        for (const part of parts) {
          expect(part.recipients.length).toBeGreaterThan(0);
          expect(part.recipients.length).toBeLessThanOrEqual(max);
          const wallets = new Set(part.recipients.map((r) => r.wallet));
          for (const leaf of part.leaves) expect(wallets.has(leaf.recipient)).toBe(true);
          expect(batchProblems(part)).toEqual([]);
        }
        expect(parts.flatMap((p) => p.recipients)).toEqual(summary.recipients);
        expect(parts.reduce((n, p) => n + p.leaves.length, 0)).toBe(summary.leaves.length);
        expect(parts.reduce((sum, p) => sum + p.totalAmount, 0n)).toBe(summary.totalAmount);
      }),
      { numRuns: 100 },
    );
  });
});

describe("batchProblems", () => {
  const summary = summaryOf([
    { wallet: 1, meter: 1, wh: 1000n },
    { wallet: 1, meter: 2, wh: 500n },
    { wallet: 2, meter: 1, wh: 700n },
  ]);
  it("accepts a consistent batch", () => {
    expect(batchProblems(summary)).toEqual([]);
  });
  it("finds an inflated amount, a changed energy, a leaf of nobody", () => {
    const [a, b] = summary.recipients;
    if (!a || !b) throw new Error("fixture");
    expect(
      batchProblems({ recipients: [{ ...a, amount: a.amount * 1000n }, b], leaves: summary.leaves }),
    ).toEqual([
      `recipient ${a.wallet}: amount ${a.amount * 1000n}, the policy gives ${a.amount} for 1500 Wh`,
    ]);
    expect(
      batchProblems({
        recipients: [{ ...a, exportWh: 40_000_000n, amount: 40_000_000n * 10n ** 15n }, b],
        leaves: summary.leaves,
      }),
    ).toEqual([`recipient ${a.wallet}: 40000000 Wh allocated, its leaves sum to 1500 Wh`]);
    expect(batchProblems({ recipients: [a], leaves: summary.leaves })).toEqual([
      `leaves pay ${b.wallet}, which is not a recipient of the batch`,
    ]);
  });
});
