import type pg from "pg";
import { type ActivateDueResult, activateDueForAllRetailers } from "./activate-due.ts";
import { purgeStaleDrafts } from "./draft.ts";

export type SwitchHousekeepingResult = {
  /** per retailer with confirmed requests */
  activated: Record<string, ActivateDueResult>;
  purgedDrafts: number;
};

/**
 * The periodic run of the supplier switch, as actor `system`: confirmed requests whose effective date
 * has come become active contracts (`activateDueForAllRetailers`), unsigned drafts older than
 * DRAFT_RETENTION_DAYS are deleted (`purgeStaleDrafts`). Several processes may run it: each request
 * is activated under a row lock, once; the purge skips locked rows.
 */
export async function runSwitchHousekeeping(pool: pg.Pool, now: Date): Promise<SwitchHousekeepingResult> {
  const activated = await activateDueForAllRetailers(pool, now);
  const purgedDrafts = await purgeStaleDrafts(pool, now);
  return { activated, purgedDrafts };
}
