import { addDays, localDateOf, localMidnightUtcMs } from "../billing/local-time.ts";

/** Length of the consumer's right of withdrawal for a distance contract (§ 355 (2) BGB). */
export const WITHDRAWAL_DAYS = 14;

export type WithdrawalDeadlineParams = {
  /** when the customer signed (the contract was concluded) */
  signedAtMs: number;
  /** the retailer's IANA time zone (Europe/Berlin by default) */
  timeZone?: string;
};

/**
 * The instant the withdrawal period ends (exclusive): the period runs 14 calendar days in the
 * retailer's time zone and the day of signing does not count (§ 187 (1) BGB), so it ends at the local
 * midnight after the 14th day. Computed from local dates, so a DST change inside the period does not
 * shift it by an hour.
 * @example withdrawalDeadlineMs({ signedAtMs: Date.parse("2026-03-20T10:00:00Z") })
 *   // local date 2026-03-20 → ends 2026-04-04 00:00 Europe/Berlin = 2026-04-03T22:00:00Z
 */
export function withdrawalDeadlineMs({
  signedAtMs,
  timeZone = "Europe/Berlin",
}: WithdrawalDeadlineParams): number {
  const signingDate = localDateOf(signedAtMs, timeZone);
  return localMidnightUtcMs(addDays(signingDate, WITHDRAWAL_DAYS + 1), timeZone);
}

/** True while the customer may still withdraw (strictly before the deadline). */
export function canWithdraw(params: WithdrawalDeadlineParams & { nowMs: number }): boolean {
  return params.nowMs < withdrawalDeadlineMs(params);
}
