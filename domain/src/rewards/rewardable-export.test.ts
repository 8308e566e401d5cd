import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RewardableExportRow, rewardableExport } from "./rewardable-export.ts";

const WALLET = `0x${"ab".repeat(20)}`;
const row = (r: Partial<RewardableExportRow>): RewardableExportRow => ({
  register: "export",
  deltaWh: 120n,
  rewardEligible: true,
  rewardBatchId: null,
  meterKind: "grid",
  wallet: WALLET,
  ...r,
});

describe("rewardableExport", () => {
  it.each([
    ["a positive, eligible export delta on a grid meter with a wallet", {}, undefined],
    ["an upper-case address", { wallet: WALLET.toUpperCase().replace("0X", "0x") }, undefined],
    ["an import reading", { register: "import" }, "not_export"],
    ["the meter's first reading (no delta)", { deltaWh: null }, "no_positive_delta"],
    ["a zero delta", { deltaWh: 0n }, "no_positive_delta"],
    ["a delta marked ineligible (baseline, gap)", { rewardEligible: false }, "ineligible"],
    ["a reading already in a batch", { rewardBatchId: "b1" }, "already_batched"],
    ["a PV meter", { meterKind: "pv" }, "not_grid_meter"],
    ["no primary wallet", { wallet: null }, "no_wallet"],
    ["a malformed address", { wallet: "0x1234" }, "no_wallet"],
  ] as const)("%s", (_, r, reason) => {
    const result = rewardableExport(row(r as Partial<RewardableExportRow>));
    expect(result).toEqual(reason === undefined ? { rewardable: true } : { rewardable: false, reason });
  });

  it("property: rewardable exactly when every condition holds", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("import" as const, "export" as const),
        fc.option(fc.bigInt({ min: -5n, max: 5n }), { nil: null }),
        fc.boolean(),
        fc.option(fc.constant("b1"), { nil: null }),
        fc.constantFrom("grid", "pv"),
        fc.option(fc.constantFrom(WALLET, "0xnope"), { nil: null }),
        (register, deltaWh, rewardEligible, rewardBatchId, meterKind, wallet) => {
          const all =
            register === "export" &&
            deltaWh !== null &&
            deltaWh > 0n &&
            rewardEligible &&
            rewardBatchId === null &&
            meterKind === "grid" &&
            wallet === WALLET;
          const r = rewardableExport({ register, deltaWh, rewardEligible, rewardBatchId, meterKind, wallet });
          expect(r.rewardable).toBe(all);
        },
      ),
    );
  });
});
