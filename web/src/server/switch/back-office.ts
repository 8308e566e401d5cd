import {
  canTransition,
  H25_MONTHLY_SHARE_BP,
  monthlyForecastKwh,
  parseLocalDate,
  SWITCH_STATUSES,
  type SwitchStatus,
  validatePodIdentifier,
} from "@c4e/domain";
import type pg from "pg";
import { z } from "zod";
import { type ActionResult, invalid } from "@/server/core/action-result.ts";
import { audit, type StaffScope, withTransaction } from "@/server/core/authz.ts";
import {
  c4eSwitchJsonAdapter,
  type DistributorAdapter,
  type SwitchMessageInput,
} from "./distributor-adapter.ts";
import { AppError, statusOf } from "@/server/core/errors.ts";
import type { Queryable } from "@/server/core/session.ts";
import {
  addSwitchEvent,
  type DistributorMessageView,
  distributorMessages,
  localDate,
  moveSwitchLead,
  podConflict,
  selectSwitchRequests,
  type SwitchEventView,
  type SwitchRequestView,
  switchEvents,
} from "./store.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const switchFilter = z.object({
  status: z.enum(SWITCH_STATUSES).optional(),
  q: z.string().trim().max(100).optional(),
});

/** The retailer's signed requests (drafts stay out of the queue), filtered by status and a search text. */
export async function listSwitchRequests(
  db: Queryable,
  scope: StaffScope,
  filter: unknown = {},
): Promise<SwitchRequestView[]> {
  const f = switchFilter.safeParse(filter);
  const { status, q } = f.success ? f.data : {};
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return selectSwitchRequests(
    db,
    `r.retailer_id = $1 AND r.status <> 'draft'
     AND ($2::text IS NULL OR r.status::text = $2)
     AND ($3::text IS NULL OR r.reference ILIKE $3 OR r.full_name ILIKE $3 OR r.pod_identifier ILIKE $3 OR r.email ILIKE $3)`,
    [scope.retailerId, status ?? null, pattern],
  );
}

/** Counts per status of the retailer's requests. */
export async function switchStatusCounts(
  db: Queryable,
  scope: StaffScope,
): Promise<Record<SwitchStatus, number>> {
  const { rows } = await db.query<{ status: SwitchStatus; n: number }>(
    `SELECT status::text AS status, count(*)::int AS n FROM switch_request WHERE retailer_id = $1 GROUP BY status`,
    [scope.retailerId],
  );
  const counts = Object.fromEntries(SWITCH_STATUSES.map((s) => [s, 0])) as Record<SwitchStatus, number>;
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** One of the retailer's requests with its audit trail and distributor messages (`not_found` otherwise). */
export async function getSwitchRequest(
  db: Queryable,
  scope: StaffScope,
  requestId: string,
): Promise<{ request: SwitchRequestView; events: SwitchEventView[]; messages: DistributorMessageView[] }> {
  const request = await loadOwn(db, scope, requestId);
  const [events, messages] = await Promise.all([
    switchEvents(db, requestId),
    distributorMessages(db, requestId),
  ]);
  return { request, events, messages };
}

/** The distributors a message can go to. */
export async function listDistributors(db: Queryable): Promise<{ id: string; code: string; name: string }[]> {
  const { rows } = await db.query<{ id: string; code: string; name: string }>(
    `SELECT id, code, name FROM distributor ORDER BY name, id`,
  );
  return rows;
}

async function loadOwn(db: Queryable, scope: StaffScope, requestId: string, lock = false) {
  if (!UUID.test(requestId)) throw new AppError("not_found", "no such switch request");
  if (lock)
    await db.query(`SELECT 1 FROM switch_request WHERE id = $1::uuid AND retailer_id = $2 FOR UPDATE`, [
      requestId,
      scope.retailerId,
    ]);
  const [request] = await selectSwitchRequests(
    db,
    `r.id = $1::uuid AND r.retailer_id = $2 AND r.status <> 'draft'`,
    [requestId, scope.retailerId],
  );
  if (!request) throw new AppError("not_found", "no such switch request");
  return request;
}

function mustTransition(request: SwitchRequestView, to: SwitchStatus): void {
  if (!canTransition(request.status, to))
    throw new AppError("conflict", `a ${request.status} request cannot become ${to}`);
}

async function retailerTimeZone(db: Queryable, retailerId: string): Promise<string> {
  const { rows } = await db.query<{ time_zone: string }>(`SELECT time_zone FROM retailer WHERE id = $1`, [
    retailerId,
  ]);
  return rows[0]?.time_zone ?? "Europe/Berlin";
}

const requestIdInput = z.object({ requestId: z.string() });

/** What the last validation found wrong, or nothing: POD format, POD still free, within the product. */
async function validationProblems(
  db: Queryable,
  request: SwitchRequestView,
  today: string,
): Promise<string[]> {
  const problems: string[] = [];
  const pod = validatePodIdentifier(request.podIdentifier);
  if (!pod.ok) problems.push(`POD identifier: ${pod.reason}`);
  const conflict = await podConflict(db, request.podIdentifier, today, request.id);
  if (conflict === "switch.form.pod.underContract") problems.push("the POD is under an active contract");
  if (conflict === "switch.form.pod.openRequest") problems.push("another open request exists for the POD");
  if (!request.signature || !request.signerAddress) problems.push("the request is not signed");
  return problems;
}

/** Re-runs the checks of a signed request; passes it to `validated` or reports what is wrong (audited). */
export async function validateSwitchRequest(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ requestId: string; problems: string[] }>> {
  const parsed = requestIdInput.safeParse(input);
  if (!parsed.success) throw new AppError("not_found", "no such switch request");
  const { requestId } = parsed.data;
  return withTransaction(pool, async (db) => {
    const request = await loadOwn(db, scope, requestId, true);
    mustTransition(request, "validated");
    const today = localDate(new Date(), await retailerTimeZone(db, scope.retailerId));
    const problems = await validationProblems(db, request, today);
    await addSwitchEvent(db, requestId, {
      actor: scope.actor,
      kind: problems.length === 0 ? "validated" : "validation_failed",
      detail: { problems },
    });
    if (problems.length === 0)
      await db.query(
        `UPDATE switch_request SET status = 'validated', updated_at = now() WHERE id = $1::uuid`,
        [requestId],
      );
    await audit(db, scope, {
      action: "switch.validate",
      targetType: "switch_request",
      targetId: requestId,
      detail: { reference: request.reference, problems },
    });
    if (problems.length > 0)
      return {
        ok: false as const,
        error: "conflict" as const,
        status: statusOf("conflict"),
        message: `validation failed: ${problems.join("; ")}`,
      };
    return { ok: true as const, value: { requestId, problems } };
  });
}

const rejectInput = z.object({
  requestId: z.string(),
  reason: z
    .string()
    .trim()
    .min(3, "admin.switching.form.reasonRequired")
    .max(500, "admin.switching.form.tooLong"),
});

/** Rejects a request with a reason (retailer or distributor refusal); the CRM lead is lost (audited). */
export async function rejectSwitchRequest(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ requestId: string }>> {
  const parsed = rejectInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { requestId, reason } = parsed.data;
  return withTransaction(pool, async (db) => {
    const request = await loadOwn(db, scope, requestId, true);
    mustTransition(request, "rejected");
    await db.query(
      `UPDATE switch_request SET status = 'rejected', reject_reason = $2, updated_at = now() WHERE id = $1::uuid`,
      [requestId, reason],
    );
    await addSwitchEvent(db, requestId, {
      actor: scope.actor,
      kind: "rejected",
      detail: { reason, from: request.status },
    });
    await moveSwitchLead(db, request, "lost", scope.actor);
    await audit(db, scope, {
      action: "switch.reject",
      targetType: "switch_request",
      targetId: requestId,
      detail: { reference: request.reference, reason },
    });
    return { ok: true as const, value: { requestId } };
  });
}

/** The message input of a request for a distributor, the retailer's trader being the sender. */
async function messageInput(
  db: Queryable,
  request: SwitchRequestView,
  distributorId: string,
  now: Date,
): Promise<SwitchMessageInput> {
  const [trader, distributor] = await Promise.all([
    db.query<{ code: string; name: string }>(
      `SELECT code, name FROM trader WHERE retailer_id = $1 ORDER BY id LIMIT 1`,
      [request.retailerId],
    ),
    db.query<{ code: string; name: string }>(`SELECT code, name FROM distributor WHERE id = $1`, [
      distributorId,
    ]),
  ]);
  const sender = trader.rows[0];
  const recipient = distributor.rows[0];
  if (!sender) throw new AppError("conflict", "the retailer has no trader (market role) to send as");
  if (!recipient) throw new AppError("not_found", "no such distributor");
  return {
    reference: request.reference,
    createdAt: now.toISOString(),
    supplier: sender,
    distributor: recipient,
    pod: { identifier: request.podIdentifier, kind: request.podKind },
    customerName: request.fullName,
    supplyAddress: request.supplyAddress,
    previousSupplier: request.currentSupplier,
    meter: {
      number: request.meterNumber,
      readingKwh: request.meterReadingKwh,
      readingDate: request.meterReadingDate,
    },
    requestedStart: request.desiredStart,
  };
}

/** Produces and stores the cancellation of a switch request already sent (in the caller's transaction). */
export async function sendCancellation(
  db: Queryable,
  request: SwitchRequestView,
  reason: string,
  now: Date,
  adapter: DistributorAdapter = c4eSwitchJsonAdapter,
): Promise<void> {
  if (!request.distributorId) return;
  const message = adapter.cancellation({
    ...(await messageInput(db, request, request.distributorId, now)),
    reason,
  });
  await db.query(
    `INSERT INTO distributor_message (request_id, distributor_id, kind, format, payload)
     VALUES ($1::uuid, $2, $3, $4, $5) ON CONFLICT (request_id, kind) DO NOTHING`,
    [request.id, request.distributorId, message.kind, message.format, message.payload],
  );
  await addSwitchEvent(db, request.id, {
    actor: "system",
    kind: "cancellation_sent",
    detail: { format: message.format, distributorId: request.distributorId },
  });
}

const sendInput = z.object({
  requestId: z.string(),
  distributorId: z.string().trim().min(1, "admin.switching.form.distributorRequired"),
});

/**
 * Produces the switch request message for the distributor through the adapter, stores it (status
 * `sent`) and moves the request to `requested`, the CRM lead to `switching` (audited).
 */
export async function sendSwitchMessage(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
  adapter: DistributorAdapter = c4eSwitchJsonAdapter,
): Promise<ActionResult<{ requestId: string; messageId: string }>> {
  const parsed = sendInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { requestId, distributorId } = parsed.data;
  return withTransaction(pool, async (db) => {
    const request = await loadOwn(db, scope, requestId, true);
    mustTransition(request, "requested");
    const known = await db.query(`SELECT 1 FROM distributor WHERE id = $1`, [distributorId]);
    if (known.rowCount === 0)
      return {
        ok: false as const,
        error: "bad_request" as const,
        status: statusOf("bad_request"),
        message: "invalid input",
        fieldErrors: { distributorId: "admin.switching.form.distributorUnknown" as const },
      };
    const now = new Date();
    const message = adapter.switchRequest(await messageInput(db, request, distributorId, now));
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO distributor_message (request_id, distributor_id, kind, format, payload)
       VALUES ($1::uuid, $2, $3, $4, $5) RETURNING id::text`,
      [requestId, distributorId, message.kind, message.format, message.payload],
    );
    const messageId = rows[0]?.id ?? "";
    await db.query(
      `UPDATE switch_request SET status = 'requested', distributor_id = $2, updated_at = now() WHERE id = $1::uuid`,
      [requestId, distributorId],
    );
    await addSwitchEvent(db, requestId, {
      actor: scope.actor,
      kind: "requested",
      detail: { messageId, format: message.format, distributorId },
    });
    await moveSwitchLead(db, request, "switching", scope.actor);
    await audit(db, scope, {
      action: "switch.message.send",
      targetType: "switch_request",
      targetId: requestId,
      detail: { reference: request.reference, distributorId, format: message.format, messageId },
    });
    return { ok: true as const, value: { requestId, messageId } };
  });
}

const confirmInput = z.object({
  requestId: z.string(),
  effectiveDate: z
    .string()
    .trim()
    .min(1, "admin.switching.form.dateRequired")
    .refine((v) => parseLocalDate(v) !== undefined, "admin.switching.form.dateInvalid"),
});

/** Records the distributor's confirmation and the effective date supply starts (audited). */
export async function confirmSwitchRequest(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ requestId: string; effectiveDate: string }>> {
  const parsed = confirmInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { requestId, effectiveDate } = parsed.data;
  return withTransaction(pool, async (db) => {
    const request = await loadOwn(db, scope, requestId, true);
    mustTransition(request, "confirmed");
    await db.query(
      `UPDATE switch_request SET status = 'confirmed', effective_date = $2::date, updated_at = now() WHERE id = $1::uuid`,
      [requestId, effectiveDate],
    );
    await db.query(
      `UPDATE distributor_message SET status = 'acknowledged' WHERE request_id = $1::uuid AND kind = 'switch_request'`,
      [requestId],
    );
    await addSwitchEvent(db, requestId, { actor: scope.actor, kind: "confirmed", detail: { effectiveDate } });
    await audit(db, scope, {
      action: "switch.confirm",
      targetType: "switch_request",
      targetId: requestId,
      detail: { reference: request.reference, effectiveDate },
    });
    return { ok: true as const, value: { requestId, effectiveDate } };
  });
}

export type ActivateDueParams = {
  retailerId: string;
  /** who runs it: a staff address, or 'system' for the periodic job */
  actor: string;
  now: Date;
};

/**
 * Activates the retailer's confirmed requests whose effective date has come (local date in the
 * retailer's time zone): the customer (the signer's existing customer at this retailer, else a new
 * one with the signer's wallet), the contract on the signed product version and the POD; the request
 * becomes `active`, the CRM lead `active`. One transaction per request; a request that cannot be
 * activated (e.g. its POD identifier already exists) is reported and left confirmed. Callable from a
 * periodic job with a pool and actor 'system' (see docs/supplier-switch.md).
 */
export async function activateDueSwitches(
  pool: pg.Pool,
  { retailerId, actor, now }: ActivateDueParams,
): Promise<{
  activated: { requestId: string; reference: string; contractId: string }[];
  failed: { reference: string; reason: string }[];
}> {
  const timeZone = await retailerTimeZone(pool, retailerId);
  const today = localDate(now, timeZone);
  const due = await selectSwitchRequests(
    pool,
    `r.retailer_id = $1 AND r.status = 'confirmed' AND r.effective_date <= $2::date`,
    [retailerId, today],
    500,
  );
  const activated: { requestId: string; reference: string; contractId: string }[] = [];
  const failed: { reference: string; reason: string }[] = [];
  for (const request of due) {
    try {
      const contractId = await withTransaction(pool, (db) => activateOne(db, request, actor, timeZone));
      if (contractId) activated.push({ requestId: request.id, reference: request.reference, contractId });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      failed.push({ reference: request.reference, reason: error.message });
    }
  }
  return { activated, failed };
}

async function activateOne(db: pg.PoolClient, request: SwitchRequestView, actor: string, timeZone: string) {
  const locked = await db.query<{ status: string }>(
    `SELECT status::text AS status FROM switch_request WHERE id = $1::uuid FOR UPDATE`,
    [request.id],
  );
  if (locked.rows[0]?.status !== "confirmed") return null; // activated or withdrawn meanwhile
  const signer = request.signerAddress;
  if (!signer || !request.effectiveDate || !request.distributorId)
    throw new AppError("conflict", "incomplete request");
  const trader = await db.query<{ id: string }>(
    `SELECT id FROM trader WHERE retailer_id = $1 ORDER BY id LIMIT 1`,
    [request.retailerId],
  );
  const traderId = trader.rows[0]?.id;
  if (!traderId) throw new AppError("conflict", "the retailer has no trader");
  const existingPod = await db.query(`SELECT 1 FROM pod WHERE identifier = $1`, [request.podIdentifier]);
  if ((existingPod.rowCount ?? 0) > 0)
    throw new AppError("conflict", `POD ${request.podIdentifier} already exists`);

  const wallet = await db.query<{ customer_id: string; retailer_id: string }>(
    `SELECT w.customer_id, c.retailer_id FROM wallet w JOIN customer c ON c.id = w.customer_id WHERE w.address = $1`,
    [signer],
  );
  const ref = request.reference.toLowerCase();
  let customerId = wallet.rows[0]?.customer_id;
  if (customerId && wallet.rows[0]?.retailer_id !== request.retailerId)
    throw new AppError("conflict", "the signer's wallet belongs to a customer of another retailer");
  if (!customerId) {
    customerId = `cust-${ref}`;
    await db.query(
      `INSERT INTO customer (id, retailer_id, name, email, kind) VALUES ($1, $2, $3, $4, 'retail')`,
      [customerId, request.retailerId, request.fullName, request.email],
    );
    await db.query(`INSERT INTO wallet (address, customer_id, "primary") VALUES ($1, $2, true)`, [
      signer,
      customerId,
    ]);
  }
  const contractId = `ctr-${ref}`;
  await db.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, product_id, product_version)
     VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8)`,
    [
      contractId,
      `C-${request.reference}`,
      customerId,
      traderId,
      request.effectiveDate,
      request.currency,
      request.productId,
      request.productVersion,
    ],
  );
  // the public switch makes retail (household) customers: the H25 profile shapes the forecast, for
  // an interval-metered POD too (its bills come from the interval data; the forecast drives advances)
  const profile = await db.query(`SELECT 1 FROM profile_type WHERE code = 'H25'`);
  await db.query(
    `INSERT INTO pod (id, identifier, name, address, contract_id, metering, monthly_forecast_kwh, annual_reference_kwh,
       profile_type_code, distributor_id, trader_id, sign_in_date, time_zone)
     VALUES ($1, $2, $3, $4, $5, $13::"MeteringKind", $6::numeric[], $7, $8, $9, $10, $11::date, $12)`,
    [
      `pod-${ref}`,
      request.podIdentifier,
      `${request.fullName} (${request.reference})`,
      request.supplyAddress,
      contractId,
      monthlyForecastKwh({
        annualKwh: request.annualConsumptionKwh,
        monthlyShareBp: H25_MONTHLY_SHARE_BP,
      }),
      request.annualConsumptionKwh,
      (profile.rowCount ?? 0) > 0 ? "H25" : null,
      request.distributorId,
      traderId,
      request.effectiveDate,
      timeZone,
      request.meteringKind,
    ],
  );
  await db.query(
    `UPDATE switch_request SET status = 'active', customer_id = $2, contract_id = $3, updated_at = now() WHERE id = $1::uuid`,
    [request.id, customerId, contractId],
  );
  await addSwitchEvent(db, request.id, {
    actor,
    kind: "activated",
    detail: { customerId, contractId, podId: `pod-${ref}` },
  });
  await moveSwitchLead(db, request, "active", actor, customerId);
  return contractId;
}

/** The admin action around `activateDueSwitches`: one audit row per activated request. */
export async function activateDueForStaff(
  pool: pg.Pool,
  scope: StaffScope,
  now = new Date(),
): Promise<ActionResult<{ activated: string[]; failed: { reference: string; reason: string }[] }>> {
  const result = await activateDueSwitches(pool, { retailerId: scope.retailerId, actor: scope.actor, now });
  for (const a of result.activated)
    await audit(pool, scope, {
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
): Promise<Record<string, Awaited<ReturnType<typeof activateDueSwitches>>>> {
  const { rows } = await pool.query<{ retailer_id: string }>(
    `SELECT DISTINCT retailer_id FROM switch_request WHERE status = 'confirmed' ORDER BY retailer_id`,
  );
  const results: Record<string, Awaited<ReturnType<typeof activateDueSwitches>>> = {};
  for (const { retailer_id: retailerId } of rows)
    results[retailerId] = await activateDueSwitches(pool, { retailerId, actor: "system", now });
  return results;
}
