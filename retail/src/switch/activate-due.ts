import { activateSupply } from "@c4e/billing/supply-contracts";
import { localDateOf } from "@c4e/domain";
import { type Queryable, withTransaction } from "@c4e/prisma";
import type pg from "pg";
import { moveSwitchLead } from "../crm/switch-leads.ts";
import { RetailError, type RetailResult } from "../errors.ts";
import type { StaffContext } from "../staff.ts";
import { retailerTimeZone } from "./queue.ts";
import { addSwitchEvent, selectSwitchRequests, type SwitchRequestView } from "./store.ts";

export type ActivateDueParams = {
  retailerId: string;
  /** who runs it: a staff address, or 'system' for the periodic job */
  actor: string;
  now: Date;
};

export type ActivateDueResult = {
  activated: { requestId: string; reference: string; contractId: string }[];
  failed: { reference: string; reason: string }[];
};

/**
 * Activates the retailer's confirmed requests whose effective date has come (local date in the
 * retailer's time zone): billing opens the customer (the signer's existing customer at this retailer,
 * else a new one with the signer's wallet), the contract on the signed product version and the POD;
 * the request becomes `active`, the CRM lead `active`. One transaction per request; a request that
 * cannot be activated (e.g. its POD identifier already exists) is reported and left confirmed.
 * Callable from a periodic job with a pool and actor 'system' (see docs/supplier-switch.md).
 */
export async function activateDueSwitches(
  pool: pg.Pool,
  { retailerId, actor, now }: ActivateDueParams,
): Promise<ActivateDueResult> {
  const timeZone = await retailerTimeZone(pool, retailerId);
  const today = localDateOf(now.getTime(), timeZone);
  const due = await selectSwitchRequests(
    pool,
    `r.retailer_id = $1 AND r.status = 'confirmed' AND r.effective_date <= $2::date`,
    [retailerId, today],
    500,
  );
  const result: ActivateDueResult = { activated: [], failed: [] };
  for (const request of due) {
    try {
      const contractId = await withTransaction(pool, (db) => activateOne(db, request, actor, timeZone));
      if (contractId)
        result.activated.push({ requestId: request.id, reference: request.reference, contractId });
    } catch (error) {
      if (!(error instanceof RetailError)) throw error;
      result.failed.push({ reference: request.reference, reason: error.message });
    }
  }
  return result;
}

/** One request: locked, still confirmed, activated through billing (null when it went meanwhile). */
async function activateOne(
  db: Queryable,
  request: SwitchRequestView,
  actor: string,
  timeZone: string,
): Promise<string | null> {
  const locked = await db.query<{ status: string }>(
    `SELECT status::text AS status FROM switch_request WHERE id = $1::uuid FOR UPDATE`,
    [request.id],
  );
  if (locked.rows[0]?.status !== "confirmed") return null; // activated or withdrawn meanwhile
  const signer = request.signerAddress;
  if (!signer || !request.effectiveDate || !request.distributorId)
    throw new RetailError("conflict", "incomplete request");
  const ref = request.reference.toLowerCase();
  const supply = await activateSupply(db, {
    retailerId: request.retailerId,
    customer: { wallet: signer, newCustomerId: `cust-${ref}`, name: request.fullName, email: request.email },
    contract: {
      id: `ctr-${ref}`,
      number: `C-${request.reference}`,
      validFrom: request.effectiveDate,
      currency: request.currency,
      productId: request.productId,
      productVersion: request.productVersion,
    },
    pod: {
      id: `pod-${ref}`,
      identifier: request.podIdentifier,
      name: `${request.fullName} (${request.reference})`,
      address: request.supplyAddress,
      metering: request.meteringKind,
      annualConsumptionKwh: request.annualConsumptionKwh,
      distributorId: request.distributorId,
      timeZone,
    },
  });
  if (!supply.ok) throw new RetailError("conflict", supply.reason);
  const { customerId, contractId, podId } = supply;
  await db.query(
    `UPDATE switch_request SET status = 'active', customer_id = $2, contract_id = $3, updated_at = now() WHERE id = $1::uuid`,
    [request.id, customerId, contractId],
  );
  await addSwitchEvent(db, request.id, {
    actor,
    kind: "activated",
    detail: { customerId, contractId, podId },
  });
  await moveSwitchLead(db, request, "active", actor, customerId);
  return contractId;
}

/** The admin action around `activateDueSwitches`: one audit row per activated request. */
export async function activateDueForStaff(
  pool: pg.Pool,
  scope: StaffContext,
  now = new Date(),
): Promise<RetailResult<{ activated: string[]; failed: { reference: string; reason: string }[] }>> {
  const result = await activateDueSwitches(pool, { retailerId: scope.retailerId, actor: scope.actor, now });
  for (const a of result.activated)
    await scope.audit(pool, {
      action: "switch.activate",
      targetType: "switch_request",
      targetId: a.requestId,
      detail: { reference: a.reference, contractId: a.contractId },
    });
  return { ok: true, value: { activated: result.activated.map((a) => a.reference), failed: result.failed } };
}

/**
 * The periodic job: `activateDueSwitches` for every retailer with confirmed requests, as actor
 * 'system' (run it daily after local midnight, e.g. `npm run switch:activate-due -w web` from cron).
 */
export async function activateDueForAllRetailers(
  pool: pg.Pool,
  now: Date,
): Promise<Record<string, ActivateDueResult>> {
  const { rows } = await pool.query<{ retailer_id: string }>(
    `SELECT DISTINCT retailer_id FROM switch_request WHERE status = 'confirmed' ORDER BY retailer_id`,
  );
  const results: Record<string, ActivateDueResult> = {};
  for (const { retailer_id: retailerId } of rows)
    results[retailerId] = await activateDueSwitches(pool, { retailerId, actor: "system", now });
  return results;
}
