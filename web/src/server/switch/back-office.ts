import type { DistributorAdapter } from "@c4e/retail/switch/distributor-adapter";
import * as activation from "@c4e/retail/switch/activate-due";
import * as office from "@c4e/retail/switch/back-office";
import * as queue from "@c4e/retail/switch/queue";
import type pg from "pg";
import type { ActionResult } from "@/server/core/action-result.ts";
import type { StaffScope } from "@/server/core/authz.ts";
import { fromRetail, retailAction, staffContext } from "@/server/core/retail.ts";
import type { Queryable } from "@c4e/prisma";

// The switch queue's calls into @c4e/retail (switch/queue.ts, back-office.ts, activate-due.ts hold
// the use cases): a RetailError becomes an AppError, a result gets its HTTP status, staff actions are
// audited under the session's role.

export {
  type ActivateDueParams,
  activateDueForAllRetailers,
  activateDueSwitches,
} from "@c4e/retail/switch/activate-due";
export { switchFilter } from "@c4e/retail/switch/queue";

/** The retailer's signed requests (drafts stay out of the queue), filtered by status and a search text. */
export const listSwitchRequests = (db: Queryable, scope: StaffScope, filter: unknown = {}) =>
  fromRetail(() => queue.listSwitchRequests(db, scope, filter));

/** Counts per status of the retailer's requests. */
export const switchStatusCounts = (db: Queryable, scope: StaffScope) =>
  fromRetail(() => queue.switchStatusCounts(db, scope));

/** One of the retailer's requests with its audit trail and distributor messages (`not_found` otherwise). */
export const getSwitchRequest = (db: Queryable, scope: StaffScope, requestId: string) =>
  fromRetail(() => queue.getSwitchRequest(db, scope, requestId));

/** The distributors a message can go to. */
export const listDistributors = (db: Queryable) => queue.listDistributors(db);

/** Re-runs the checks of a signed request; passes it to `validated` or reports what is wrong (audited). */
export const validateSwitchRequest = (
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ requestId: string; problems: string[] }>> =>
  retailAction(() => office.validateSwitchRequest(pool, staffContext(scope), input));

/** Rejects a request with a reason (retailer or distributor refusal); the CRM lead is lost (audited). */
export const rejectSwitchRequest = (
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ requestId: string }>> =>
  retailAction(() => office.rejectSwitchRequest(pool, staffContext(scope), input));

/** Produces, stores and sends the switch request message for a distributor (audited). */
export const sendSwitchMessage = (
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
  adapter?: DistributorAdapter,
): Promise<ActionResult<{ requestId: string; messageId: string }>> =>
  retailAction(() => office.sendSwitchMessage(pool, staffContext(scope), input, adapter));

/** Records the distributor's confirmation and the effective date supply starts (audited). */
export const confirmSwitchRequest = (
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ requestId: string; effectiveDate: string }>> =>
  retailAction(() => office.confirmSwitchRequest(pool, staffContext(scope), input));

/** Activates the retailer's due requests now: one audit row per activated request. */
export const activateDueForStaff = (
  pool: pg.Pool,
  scope: StaffScope,
  now = new Date(),
): Promise<ActionResult<{ activated: string[]; failed: { reference: string; reason: string }[] }>> =>
  retailAction(() => activation.activateDueForStaff(pool, staffContext(scope), now));
