import { localDateOf, parseLocalDate, switchRequestProblems, validatePodIdentifier } from "@c4e/domain";
import { type Queryable, withTransaction } from "@c4e/prisma";
import type pg from "pg";
import { z } from "zod";
import { moveSwitchLead } from "../crm/switch-leads.ts";
import { invalid, RetailError, type RetailResult } from "../errors.ts";
import type { StaffContext } from "../staff.ts";
import {
  c4eSwitchJsonAdapter,
  type DistributorAdapter,
  type SwitchMessageInput,
} from "./distributor-adapter.ts";
import { loadOwn, mustTransition, retailerTimeZone } from "./queue.ts";
import { addSwitchEvent, podConflict, type SwitchRequestView } from "./store.ts";

// The staff's steps on a signed request: validate, reject, send the distributor message, record the
// distributor's confirmation. Activation is in activate-due.ts.

const requestIdInput = z.object({ requestId: z.string() });

/** What the last validation found wrong, or nothing: POD format, POD still free, signed. */
async function validationProblems(
  db: Queryable,
  request: SwitchRequestView,
  today: string,
): Promise<string[]> {
  return switchRequestProblems({
    pod: validatePodIdentifier(request.podIdentifier),
    conflict: await podConflict(db, request.podIdentifier, today, request.id),
    signed: Boolean(request.signature && request.signerAddress),
  });
}

/** Re-runs the checks of a signed request; passes it to `validated` or reports what is wrong (audited). */
export async function validateSwitchRequest(
  pool: pg.Pool,
  scope: StaffContext,
  input: unknown,
): Promise<RetailResult<{ requestId: string; problems: string[] }>> {
  const parsed = requestIdInput.safeParse(input);
  if (!parsed.success) throw new RetailError("not_found", "no such switch request");
  const { requestId } = parsed.data;
  return withTransaction(pool, async (db) => {
    const request = await loadOwn(db, scope, requestId, true);
    mustTransition(request, "validated");
    const today = localDateOf(Date.now(), await retailerTimeZone(db, scope.retailerId));
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
    await scope.audit(db, {
      action: "switch.validate",
      targetType: "switch_request",
      targetId: requestId,
      detail: { reference: request.reference, problems },
    });
    if (problems.length > 0)
      return {
        ok: false as const,
        error: "conflict" as const,
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
  scope: StaffContext,
  input: unknown,
): Promise<RetailResult<{ requestId: string }>> {
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
    await scope.audit(db, {
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
  if (!sender) throw new RetailError("conflict", "the retailer has no trader (market role) to send as");
  if (!recipient) throw new RetailError("not_found", "no such distributor");
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
  scope: StaffContext,
  input: unknown,
  adapter: DistributorAdapter = c4eSwitchJsonAdapter,
): Promise<RetailResult<{ requestId: string; messageId: string }>> {
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
    await scope.audit(db, {
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
  scope: StaffContext,
  input: unknown,
): Promise<RetailResult<{ requestId: string; effectiveDate: string }>> {
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
    await scope.audit(db, {
      action: "switch.confirm",
      targetType: "switch_request",
      targetId: requestId,
      detail: { reference: request.reference, effectiveDate },
    });
    return { ok: true as const, value: { requestId, effectiveDate } };
  });
}
