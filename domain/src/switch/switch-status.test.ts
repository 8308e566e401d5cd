import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canTransition,
  isFinalStatus,
  nextStatuses,
  OPEN_SWITCH_STATUSES,
  SWITCH_STATUSES,
  type SwitchStatus,
} from "./switch-status.ts";

describe("switch status machine", () => {
  it.each([
    ["draft", "signed", true],
    ["signed", "validated", true],
    ["validated", "requested", true],
    ["requested", "confirmed", true],
    ["confirmed", "active", true],
    ["signed", "withdrawn", true],
    ["confirmed", "withdrawn", true],
    ["requested", "rejected", true],
    ["draft", "validated", false], // unsigned drafts are never processed
    ["signed", "requested", false], // validation first
    ["confirmed", "rejected", false], // the distributor already confirmed
    ["active", "withdrawn", false],
    ["withdrawn", "signed", false],
    ["rejected", "validated", false],
  ] as const)("%s → %s: %s", (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it("final statuses have no way out, and every other status reaches one", () => {
    const reachesFinal = (s: SwitchStatus, seen = new Set<SwitchStatus>()): boolean =>
      isFinalStatus(s) || nextStatuses(s).some((n) => !seen.has(n) && reachesFinal(n, new Set([...seen, s])));
    for (const s of SWITCH_STATUSES) expect(reachesFinal(s), s).toBe(true);
    expect(SWITCH_STATUSES.filter(isFinalStatus)).toEqual(["active", "rejected", "withdrawn"]);
  });

  it("no random walk returns to an earlier status or leaves a final one", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 7 }), { maxLength: 12 }), (choices) => {
        let status: SwitchStatus = "draft";
        const visited: SwitchStatus[] = [status];
        for (const c of choices) {
          const options = nextStatuses(status);
          if (options.length === 0) break;
          status = options[c % options.length] as SwitchStatus;
          expect(visited).not.toContain(status);
          visited.push(status);
        }
      }),
    );
  });

  it("open statuses are exactly the signed, non-final ones", () => {
    expect(OPEN_SWITCH_STATUSES).toEqual(SWITCH_STATUSES.filter((s) => s !== "draft" && !isFinalStatus(s)));
  });
});
