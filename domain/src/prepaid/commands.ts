/**
 * A command to a gateway (relay off/on, valve close/open, a schedule or price table to apply) goes
 * through one state machine: queued → sent → acknowledged → done, or failed, or expired once its
 * expiry passes before it is done. Final states never change. A manual override needs a reason.
 */
import { PrepaidError } from "./errors.ts";

export const COMMAND_KINDS = [
  "relay_off",
  "relay_on",
  "valve_close",
  "valve_open",
  "apply_schedule",
] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];
export type CommandState = "queued" | "sent" | "acknowledged" | "done" | "failed" | "expired";
export type CommandEvent = "send" | "acknowledge" | "complete" | "fail" | "expire";

const FINAL: ReadonlySet<CommandState> = new Set(["done", "failed", "expired"]);

const NEXT: Readonly<Record<CommandEvent, Partial<Record<CommandState, CommandState>>>> = {
  send: { queued: "sent", sent: "sent" }, // a resend keeps it sent
  acknowledge: { sent: "acknowledged" },
  complete: { sent: "done", acknowledged: "done" }, // a gateway may report done without an ack first
  fail: { queued: "failed", sent: "failed", acknowledged: "failed" },
  expire: { queued: "expired", sent: "expired", acknowledged: "expired" },
};

export function isFinal(state: CommandState): boolean {
  return FINAL.has(state);
}

/**
 * The state after `event` at `nowMs`; an event after the expiry of a command not yet done expires it
 * instead (`done` wins only when it arrives before the expiry).
 */
export function nextCommandState(
  state: CommandState,
  event: CommandEvent,
  { nowMs, expiresAtMs }: { nowMs: number; expiresAtMs: number },
): CommandState {
  if (isFinal(state))
    throw new PrepaidError("transition_refused", `a ${state} command does not change (${event})`);
  if (nowMs >= expiresAtMs) return "expired";
  const next = NEXT[event][state];
  if (next === undefined) throw new PrepaidError("transition_refused", `cannot ${event} a ${state} command`);
  return next;
}

/** The command that puts supply into the wanted state for a meter of this medium. */
export function supplyCommand(medium: "electricity" | "water", supply: "on" | "off"): CommandKind {
  if (medium === "electricity") return supply === "on" ? "relay_on" : "relay_off";
  return supply === "on" ? "valve_open" : "valve_close";
}

/** A manual override (a command by hand against the automatic state) is refused without a reason. */
export function checkOverride(reason: string | undefined): string {
  const r = (reason ?? "").trim();
  if (r.length < 3) throw new PrepaidError("invalid_input", "reason: required for a manual override");
  return r;
}
