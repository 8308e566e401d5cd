/**
 * Balance alarms and supply cut-off for a prepaid account. Alarm levels (e.g. 100, 50, 0 and the
 * overdraft limit, in minor units) notify once when the balance falls to or below them and re-arm
 * when it rises above them again. At the cut-off level supply is switched off (relay open or valve
 * closed); a top-up that brings the balance above the restore level switches it on again. Pure: the
 * caller stores the state, sends the notifications and issues the commands.
 */
import { PrepaidError } from "./errors.ts";

export type AlarmLevel = { code: string; thresholdMinor: bigint };

export type SupplyPolicy = {
  /** notified once per crossing, in any order */
  levels: readonly AlarmLevel[];
  /** at or below this balance supply is cut off (0, or minus the overdraft) */
  cutOffMinor: bigint;
  /** above this balance supply is restored (≥ cutOffMinor; a margin avoids flapping) */
  restoreMinor: bigint;
};

export type SupplyState = {
  supply: "on" | "off";
  /** levels crossed and not re-armed */ alarmed: readonly string[];
};

export type SupplyDecision = {
  state: SupplyState;
  /** levels newly crossed by this change, highest threshold first */
  notify: AlarmLevel[];
  /** the command to issue, if any */
  command?: "cut_off" | "restore";
};

export function validateSupplyPolicy(p: SupplyPolicy): void {
  if (p.restoreMinor < p.cutOffMinor)
    throw new PrepaidError("invalid_input", "restoreMinor: must be at least cutOffMinor");
  const codes = new Set<string>();
  for (const l of p.levels) {
    if (codes.has(l.code)) throw new PrepaidError("invalid_input", `levels: ${l.code} appears twice`);
    codes.add(l.code);
  }
}

/** The state after the balance changed to `balanceMinor` (from any previous balance). */
export function balanceChanged(
  state: SupplyState,
  policy: SupplyPolicy,
  balanceMinor: bigint,
): SupplyDecision {
  validateSupplyPolicy(policy);
  const alarmed = new Set(state.alarmed);
  const notify: AlarmLevel[] = [];
  for (const level of policy.levels) {
    const below = balanceMinor <= level.thresholdMinor;
    if (below && !alarmed.has(level.code)) {
      alarmed.add(level.code);
      notify.push(level);
    } else if (!below) alarmed.delete(level.code);
  }
  notify.sort((a, b) =>
    a.thresholdMinor > b.thresholdMinor ? -1 : a.thresholdMinor < b.thresholdMinor ? 1 : 0,
  );
  let supply = state.supply;
  let command: SupplyDecision["command"];
  if (supply === "on" && balanceMinor <= policy.cutOffMinor) {
    supply = "off";
    command = "cut_off";
  } else if (supply === "off" && balanceMinor > policy.restoreMinor) {
    supply = "on";
    command = "restore";
  }
  const next: SupplyState = {
    supply,
    alarmed: policy.levels.map((l) => l.code).filter((c) => alarmed.has(c)),
  };
  return command === undefined ? { state: next, notify } : { state: next, notify, command };
}
