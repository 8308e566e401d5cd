import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rewardEligibility } from "./eligibility.ts";

const t = (hhmm: string, day = "2026-11-01") => new Date(`${day}T${hhmm}:00Z`);
const BASE = t("08:00");

describe("rewardEligibility", () => {
  it.each([
    ["a 15-minute delta after the baseline", t("10:15"), t("10:00"), { eligible: true }],
    ["the baseline reading itself", t("08:00"), null, { eligible: false, reason: "baseline" }],
    [
      "the baseline re-based by a back-dated reading",
      t("08:00"),
      t("07:45"),
      { eligible: false, reason: "baseline" },
    ],
    ["a back-dated reading", t("07:45"), null, { eligible: false, reason: "before_baseline" }],
    [
      "a delta reaching before the baseline",
      t("08:15"),
      t("07:50"),
      { eligible: false, reason: "spans_baseline" },
    ],
    ["a delta of exactly the gap", t("11:00"), t("10:00"), { eligible: true }],
    ["the first reading after a longer silence", t("11:01"), t("10:00"), { eligible: false, reason: "gap" }],
  ] as const)("%s", (_name, at, previousAt, expected) => {
    expect(rewardEligibility({ at, previousAt, baselineAt: BASE, maxGapMinutes: 60 })).toEqual(expected);
  });

  it("refuses a non-positive gap and a previous reading not before the reading", () => {
    expect(() =>
      rewardEligibility({ at: t("09:00"), previousAt: t("08:45"), baselineAt: BASE, maxGapMinutes: 0 }),
    ).toThrow(RangeError);
    expect(() =>
      rewardEligibility({ at: t("09:00"), previousAt: t("09:00"), baselineAt: BASE, maxGapMinutes: 60 }),
    ).toThrow(RangeError);
  });

  it("is eligible exactly when the delta lies inside [baseline, …] and spans at most the gap (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 1_440 }),
        (previousMin, spanMin, gap) => {
          const previousAt = new Date(BASE.getTime() + previousMin * 60_000);
          const at = new Date(previousAt.getTime() + spanMin * 60_000);
          const result = rewardEligibility({ at, previousAt, baselineAt: BASE, maxGapMinutes: gap });
          expect(result.eligible).toBe(previousMin >= 0 && spanMin <= gap);
        },
      ),
    );
  });
});
