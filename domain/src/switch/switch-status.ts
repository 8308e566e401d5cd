/**
 * The supplier-switch state machine.
 *
 *   draft → signed → validated → requested → confirmed → active
 *   signed | validated | requested → rejected      (retailer or distributor refuses)
 *   signed | validated | requested | confirmed → withdrawn   (customer, within 14 days)
 *
 * `active`, `rejected` and `withdrawn` are final. A withdrawal after `requested` also sends the
 * distributor a cancellation.
 */
export const SWITCH_STATUSES = [
  "draft",
  "signed",
  "validated",
  "requested",
  "confirmed",
  "active",
  "rejected",
  "withdrawn",
] as const;
export type SwitchStatus = (typeof SWITCH_STATUSES)[number];

const TRANSITIONS: Record<SwitchStatus, readonly SwitchStatus[]> = {
  draft: ["signed"],
  signed: ["validated", "rejected", "withdrawn"],
  validated: ["requested", "rejected", "withdrawn"],
  requested: ["confirmed", "rejected", "withdrawn"],
  confirmed: ["active", "withdrawn"],
  active: [],
  rejected: [],
  withdrawn: [],
};

/** True when a request may move from `from` to `to`. */
export function canTransition(from: SwitchStatus, to: SwitchStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a request may move to from `from`. */
export function nextStatuses(from: SwitchStatus): readonly SwitchStatus[] {
  return TRANSITIONS[from];
}

/** True for a status no transition leaves. */
export function isFinalStatus(status: SwitchStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Statuses of a request that still claims its POD (a second request for it is refused). */
export const OPEN_SWITCH_STATUSES: readonly SwitchStatus[] = [
  "signed",
  "validated",
  "requested",
  "confirmed",
];

/** True when the distributor already has (or had) the switch request message. */
export function distributorInformed(status: SwitchStatus): boolean {
  return status === "requested" || status === "confirmed";
}
