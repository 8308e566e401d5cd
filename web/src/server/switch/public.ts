import { randomBytes } from "node:crypto";
import {
  CONTRACT_DOCUMENT_FORMAT,
  type ContractDocument,
  canTransition,
  distributorInformed,
  hashContractDocument,
  parseLocalDate,
  type SwitchStatus,
  SWITCH_METERING_KINDS,
  type SwitchMeteringKind,
  supplyContractTypedData,
  validatePodIdentifier,
  WITHDRAWAL_DAYS,
  withdrawalDeadlineMs,
} from "@c4e/domain";
import { renderContractPdf } from "@c4e/billing/contract-pdf";
import type pg from "pg";
import { type Address, getAddress, isAddress, isHex, verifyTypedData } from "viem";
import { z } from "zod";
import type { ServerConfig, SwitchDraftLimits } from "@/env.ts";
import type { MessageKey } from "@/messages/en.ts";
import { type ActionResult, invalid } from "@/server/core/action-result.ts";
import { type SignerScope, withTransaction } from "@/server/core/authz.ts";
import { publicRetailerId, publishedProduct } from "@/server/public/catalogue.ts";
import { AppError, statusOf } from "@/server/core/errors.ts";
import { slidingWindowExceeded } from "@/server/core/rate-limit.ts";
import type { Queryable } from "@/server/core/session.ts";
import {
  addSwitchEvent,
  localDate,
  moveSwitchLead,
  podConflict,
  selectSwitchRequests,
  type SwitchEventView,
  type SwitchRequestView,
  switchEvents,
} from "./store.ts";
import { sendCancellation } from "./back-office.ts";

/** An unsigned draft can be previewed and signed for this long. */
export const DRAFT_TTL_HOURS = 24;

/** Unsigned drafts older than this are deleted by the periodic run (`purgeStaleDrafts`). */
export const DRAFT_RETENTION_DAYS = 7;

const DECIMAL_KWH = /^\d{1,10}(\.\d{1,3})?$/;
const isDate = (v: string) => parseLocalDate(v) !== undefined;

/** The public form (every text trimmed; messages are catalogue keys shown at the field). */
export const switchDraftInput = z.object({
  podIdentifier: z.string().trim().max(60, "switch.form.error.tooLong"),
  supplyAddress: z
    .string()
    .trim()
    .min(1, "switch.form.error.required")
    .min(5, "switch.form.error.addressShort")
    .max(300, "switch.form.error.tooLong"),
  currentSupplier: z
    .string()
    .trim()
    .min(1, "switch.form.error.required")
    .max(200, "switch.form.error.tooLong"),
  meterNumber: z
    .string()
    .trim()
    .min(1, "switch.form.error.required")
    .max(40, "switch.form.error.tooLong")
    .regex(/^[A-Za-z0-9 ._-]+$/, "switch.form.error.meterNumber"),
  meterReadingKwh: z
    .string()
    .trim()
    .min(1, "switch.form.error.required")
    .regex(DECIMAL_KWH, "switch.form.error.reading"),
  meterReadingDate: z
    .string()
    .trim()
    .min(1, "switch.form.error.required")
    .refine(isDate, "switch.form.error.date"),
  annualConsumptionKwh: z
    .string()
    .trim()
    .min(1, "switch.form.error.required")
    .regex(/^\d{1,7}$/, "switch.form.error.annual")
    .refine((v) => Number(v) >= 1 && Number(v) <= 1_000_000, "switch.form.error.annual"),
  meteringKind: z
    .string({ error: "switch.form.error.meteringKind" })
    .refine(
      (v): v is SwitchMeteringKind => (SWITCH_METERING_KINDS as readonly string[]).includes(v),
      "switch.form.error.meteringKind",
    ),
  desiredStart: z
    .string()
    .trim()
    .min(1, "switch.form.error.required")
    .refine(isDate, "switch.form.error.date"),
  fullName: z.string().trim().min(1, "switch.form.error.required").max(200, "switch.form.error.tooLong"),
  email: z
    .string()
    .trim()
    .min(1, "switch.form.error.required")
    .max(200, "switch.form.error.tooLong")
    .refine((v) => z.string().email().safeParse(v).success, "switch.form.error.email"),
});

const POD_REASON: Record<string, MessageKey> = {
  empty: "switch.form.error.required",
  zaehlpunkt_format: "switch.form.pod.zaehlpunktFormat",
  malo_check_digit: "switch.form.pod.maloCheckDigit",
  unknown_format: "switch.form.pod.unknownFormat",
};

const fieldFailure = <T>(fieldErrors: Partial<Record<string, MessageKey>>): ActionResult<T> => ({
  ok: false,
  error: "bad_request",
  status: statusOf("bad_request"),
  message: "invalid input",
  fieldErrors,
});

/** Names compare without case and with runs of white space as one space. */
export const normalizeName = (name: string) => name.trim().replace(/\s+/g, " ");
const sameName = (a: string, b: string) => normalizeName(a).toLowerCase() === normalizeName(b).toLowerCase();

/** A reference like SW-7K3Q9D2M (Crockford base32 without I, L, O, U: easy to read out). */
function newReference(): string {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  return `SW-${[...randomBytes(8)].map((b) => alphabet[b % 32]).join("")}`;
}

export type DraftMeta = { ip: string | null; userAgent: string | null; now: Date };

/**
 * Stores a prospect's draft for a product of the public catalogue (latest published version): checks
 * every field, the POD format and that the POD is free, builds the contract document and its hash.
 * Drafts are limited per client address and per POD (`draftLimitExceeded`): beyond a limit the answer
 * is `too_many_requests` and nothing is stored.
 */
export async function createSwitchDraft(
  pool: pg.Pool,
  config: Pick<ServerConfig, "publicRetailerId" | "switchDraftLimits">,
  productCode: string,
  input: unknown,
  meta: DraftMeta,
): Promise<ActionResult<{ draftId: string }>> {
  const retailerId = await publicRetailerId(pool, config);
  const product = await publishedProduct(pool, retailerId, productCode);
  const parsed = switchDraftInput.safeParse(input);
  const pod = validatePodIdentifier(
    typeof input === "object" && input ? String((input as Record<string, unknown>).podIdentifier ?? "") : "",
  );
  if (!parsed.success) {
    const result = invalid<{ draftId: string }>(parsed.error);
    if (!result.ok && !pod.ok)
      result.fieldErrors = { ...result.fieldErrors, podIdentifier: POD_REASON[pod.reason] };
    return result;
  }
  const d = parsed.data;
  const retailer = await pool.query<{ name: string; time_zone: string }>(
    `SELECT name, time_zone FROM retailer WHERE id = $1`,
    [retailerId],
  );
  const timeZone = retailer.rows[0]?.time_zone ?? "Europe/Berlin";
  const today = localDate(meta.now, timeZone);
  const errors: Partial<Record<string, MessageKey>> = {};
  if (!pod.ok) errors.podIdentifier = POD_REASON[pod.reason];
  else {
    const conflict = await podConflict(pool, pod.identifier, today);
    if (conflict) errors.podIdentifier = conflict;
  }
  if (d.meterReadingDate > today) errors.meterReadingDate = "switch.form.error.readingFuture";
  if (d.desiredStart < today) errors.desiredStart = "switch.form.error.startPast";
  if (Object.keys(errors).length > 0 || !pod.ok) return fieldFailure(errors);

  const reference = newReference();
  const document: ContractDocument = {
    format: CONTRACT_DOCUMENT_FORMAT,
    reference,
    supplier: { retailerId, name: retailer.rows[0]?.name ?? retailerId },
    product: {
      code: product.code,
      version: product.version,
      name: product.name,
      currency: product.currency,
      tariff: product.tariff,
    },
    customer: { fullName: normalizeName(d.fullName), email: d.email },
    pointOfDelivery: {
      identifier: pod.identifier,
      kind: pod.kind,
      supplyAddress: d.supplyAddress,
      currentSupplier: d.currentSupplier,
      meterNumber: d.meterNumber,
      meterReadingKwh: d.meterReadingKwh,
      meterReadingDate: d.meterReadingDate,
      annualConsumptionKwh: Number(d.annualConsumptionKwh),
      meteringKind: d.meteringKind,
    },
    desiredStart: d.desiredStart,
    withdrawalDays: WITHDRAWAL_DAYS,
  };
  const { text, hash } = hashContractDocument(document);
  return withTransaction(pool, async (db) => {
    const limited = await draftLimitExceeded(db, config.switchDraftLimits, meta.ip, pod.identifier);
    if (limited) return limited;
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO switch_request (reference, retailer_id, product_id, product_version, pod_identifier, pod_kind,
         supply_address, current_supplier, meter_number, meter_reading_kwh, meter_reading_date,
         annual_consumption_kwh, desired_start, full_name, email, contract_document, contract_hash,
         metering_kind, client_ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::numeric, $11::date, $12, $13::date, $14, $15, $16, $17,
         $18::"MeteringKind", $19)
       RETURNING id::text`,
      [
        reference,
        retailerId,
        product.productId,
        product.version,
        pod.identifier,
        pod.kind,
        d.supplyAddress,
        d.currentSupplier,
        d.meterNumber,
        d.meterReadingKwh,
        d.meterReadingDate,
        Number(d.annualConsumptionKwh),
        d.desiredStart,
        document.customer.fullName,
        d.email,
        text,
        hash,
        d.meteringKind,
        meta.ip,
      ],
    );
    const draftId = rows[0]?.id;
    if (!draftId) throw new Error("createSwitchDraft: insert returned no row");
    await addSwitchEvent(db, draftId, {
      actor: "prospect",
      kind: "drafted",
      detail: {
        contractHash: hash,
        productCode: product.code,
        productVersion: product.version,
        userAgent: meta.userAgent,
      },
      ip: meta.ip,
    });
    return { ok: true as const, value: { draftId } };
  });
}

/**
 * Refuses a draft beyond the limits: `perIpPerHour` drafts from one client address within the last
 * hour, `perPodPerDay` drafts for one POD within the last 24 hours (sliding windows over
 * `switch_request.created_at`; every request counts, signed or not). Counted in Postgres under
 * transaction-scoped advisory locks on the address and the POD (`slidingWindowExceeded`), so two web
 * processes cannot both admit the last draft. Requests without a known address share one bucket.
 * Call in the transaction that inserts the draft.
 */
export async function draftLimitExceeded(
  db: Queryable,
  limits: SwitchDraftLimits,
  ip: string | null,
  podIdentifier: string,
): Promise<ActionResult<{ draftId: string }> | null> {
  const refuse = (message: string, fieldErrors?: Partial<Record<string, MessageKey>>) => ({
    ok: false as const,
    error: "too_many_requests" as const,
    status: statusOf("too_many_requests"),
    message,
    ...(fieldErrors ? { fieldErrors } : {}),
  });
  // always address first, then POD: one order, no deadlock between two drafts
  const byIp = await slidingWindowExceeded(db, {
    bucket: `switch-draft-ip:${ip ?? ""}`,
    events: `SELECT created_at FROM switch_request WHERE client_ip IS NOT DISTINCT FROM $3`,
    params: [ip],
    max: limits.perIpPerHour,
    windowSeconds: 3600,
  });
  if (byIp) return refuse("too many drafts from this address; try again later");
  const byPod = await slidingWindowExceeded(db, {
    bucket: `switch-draft-pod:${podIdentifier}`,
    events: `SELECT created_at FROM switch_request WHERE pod_identifier = $3`,
    params: [podIdentifier],
    max: limits.perPodPerDay,
    windowSeconds: 24 * 3600,
  });
  if (byPod)
    return refuse("too many drafts for this point of delivery today", {
      podIdentifier: "switch.form.error.podTooMany",
    });
  return null;
}

/**
 * Deletes unsigned drafts created more than `DRAFT_RETENTION_DAYS` ago, with their one-entry trail
 * (the trail's trigger allows that for drafts only). They stopped being signable after
 * `DRAFT_TTL_HOURS`; keeping a prospect's name and e-mail from an abandoned form serves no purpose.
 * Idempotent; rows another transaction holds are left for the next run. Returns how many went.
 */
export async function purgeStaleDrafts(pool: pg.Pool, now: Date): Promise<number> {
  return withTransaction(pool, async (db) => {
    const stale = await db.query<{ id: string }>(
      `SELECT id::text FROM switch_request
        WHERE status = 'draft' AND created_at < $1::timestamptz - make_interval(days => $2)
        ORDER BY created_at LIMIT 5000 FOR UPDATE SKIP LOCKED`,
      [now, DRAFT_RETENTION_DAYS],
    );
    const ids = stale.rows.map((r) => r.id);
    if (ids.length === 0) return 0;
    await db.query(`DELETE FROM switch_event WHERE request_id = ANY($1::uuid[])`, [ids]);
    const deleted = await db.query(
      `DELETE FROM switch_request WHERE id = ANY($1::uuid[]) AND status = 'draft'`,
      [ids],
    );
    return deleted.rowCount ?? 0;
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A draft that may still be previewed and signed (`not_found` otherwise: unknown, signed, expired). */
export async function getSwitchDraft(
  db: Queryable,
  draftId: string,
): Promise<SwitchRequestView & { document: ContractDocument }> {
  if (!UUID.test(draftId)) throw new AppError("not_found", "no such draft");
  const [draft] = await selectSwitchRequests(
    db,
    `r.id = $1::uuid AND r.status = 'draft' AND r.created_at > now() - make_interval(hours => $2)`,
    [draftId, DRAFT_TTL_HOURS],
  );
  if (!draft) throw new AppError("not_found", "no such draft");
  const doc = await db.query<{ contract_document: string }>(
    `SELECT contract_document FROM switch_request WHERE id = $1::uuid`,
    [draftId],
  );
  return { ...draft, document: JSON.parse(doc.rows[0]?.contract_document ?? "null") as ContractDocument };
}

/** The EIP-712 data of a draft, for the customer's typed full name (the server's copy; never the client's). */
export function draftTypedData(draft: SwitchRequestView, chainId: number, fullName: string) {
  return supplyContractTypedData(chainId, {
    reference: draft.reference,
    contractHash: draft.contractHash as `0x${string}`,
    productCode: draft.productCode,
    productVersion: draft.productVersion,
    pod: draft.podIdentifier,
    fullName: normalizeName(fullName),
  });
}

export const signInput = z.object({
  draftId: z.string(),
  fullName: z.string().trim().min(1, "switch.sign.nameRequired").max(200, "switch.form.error.tooLong"),
  signer: z.string().refine((v) => isAddress(v, { strict: false }), "switch.sign.badSigner"),
  signature: z
    .string()
    .refine((v) => isHex(v) && v.length >= 132 && v.length <= 1000, "switch.sign.badSignature"),
});

/**
 * Signs a draft: the typed full name must be the draft's name; the EIP-712 signature must verify for
 * the signer over the server's typed data (hash re-computed from the stored document, the app's
 * chain id). Stores signer, signature, time, IP and user agent, the withdrawal deadline, a CRM lead in
 * stage `signed`, and the `signed` event.
 */
export async function signSwitchDraft(
  pool: pg.Pool,
  config: Pick<ServerConfig, "chainId">,
  input: unknown,
  meta: DraftMeta,
): Promise<ActionResult<{ reference: string; requestId: string }>> {
  const parsed = signInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { draftId, fullName, signature } = parsed.data;
  const signer = getAddress(parsed.data.signer);
  const draft = await getSwitchDraft(pool, draftId);
  if (!sameName(fullName, draft.fullName)) return fieldFailure({ fullName: "switch.sign.nameMismatch" });
  const recomputed = hashContractDocument(draft.document);
  if (recomputed.hash !== draft.contractHash)
    throw new Error(`switch draft ${draftId}: stored hash does not match its document`);
  // the message carries the name as the customer typed it (same name, maybe other case or spacing)
  const typed = draftTypedData(draft, config.chainId, fullName);
  const valid = await verifyTypedData({
    address: signer as Address,
    signature: signature as `0x${string}`,
    ...typed,
  }).catch(() => false);
  if (!valid) return fieldFailure({ signature: "switch.sign.badSignature" });

  return withTransaction(pool, async (db) => {
    // one signer at a time per POD: the open-request check below and the update are atomic
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('switch-pod:' || $1))`, [draft.podIdentifier]);
    const locked = await db.query<{ status: SwitchStatus; time_zone: string }>(
      `SELECT r.status::text AS status, t.time_zone FROM switch_request r JOIN retailer t ON t.id = r.retailer_id
        WHERE r.id = $1::uuid FOR UPDATE OF r`,
      [draftId],
    );
    const row = locked.rows[0];
    if (!row || !canTransition(row.status, "signed")) throw new AppError("not_found", "no such draft");
    const conflict = await podConflict(db, draft.podIdentifier, localDate(meta.now, row.time_zone), draftId);
    if (conflict) return fieldFailure<{ reference: string; requestId: string }>({ podIdentifier: conflict });
    const deadline = new Date(
      withdrawalDeadlineMs({ signedAtMs: meta.now.getTime(), timeZone: row.time_zone }),
    );
    const lead = await db.query<{ id: string }>(
      `INSERT INTO crm_lead (retailer_id, name, email, kind, stage) VALUES ($1, $2, $3, 'retail', 'signed') RETURNING id::text`,
      [draft.retailerId, draft.fullName, draft.email],
    );
    const leadId = lead.rows[0]?.id ?? null;
    await db.query(
      `INSERT INTO crm_activity (lead_id, retailer_id, kind, body, author) VALUES ($1::uuid, $2, 'stage_change', $3, $4)`,
      [
        leadId,
        draft.retailerId,
        `signed supply contract ${draft.reference} (${draft.productCode} v${draft.productVersion})`,
        signer.toLowerCase(),
      ],
    );
    await db.query(
      `UPDATE switch_request SET status = 'signed', signer_address = $2, signature = $3, chain_id = $4, signed_at = $5,
              signer_ip = $6, user_agent = $7, withdrawal_deadline = $8, lead_id = $9::uuid, updated_at = now()
        WHERE id = $1::uuid`,
      [
        draftId,
        signer.toLowerCase(),
        signature,
        config.chainId,
        meta.now,
        meta.ip,
        meta.userAgent,
        deadline,
        leadId,
      ],
    );
    await addSwitchEvent(db, draftId, {
      actor: signer.toLowerCase(),
      kind: "signed",
      detail: {
        contractHash: draft.contractHash,
        signer: signer.toLowerCase(),
        chainId: config.chainId,
        typedFullName: normalizeName(fullName),
        userAgent: meta.userAgent,
        withdrawalDeadline: deadline.toISOString(),
      },
      ip: meta.ip,
    });
    return { ok: true as const, value: { reference: draft.reference, requestId: draftId } };
  });
}

/** The requests the signer's wallet signed, each with its trail (newest first). */
export async function ownSwitchRequests(
  db: Queryable,
  scope: SignerScope,
): Promise<(SwitchRequestView & { events: SwitchEventView[] })[]> {
  const requests = await selectSwitchRequests(
    db,
    `r.signer_address = $1 AND r.status <> 'draft'`,
    [scope.address],
    50,
  );
  return Promise.all(
    requests.map(async (r) => ({ ...r, signature: null, events: await switchEvents(db, r.id) })),
  );
}

/** One request the signer's wallet signed (`not_found` for anyone else's). */
export async function ownSwitchRequest(db: Queryable, scope: SignerScope, requestId: string) {
  if (!UUID.test(requestId)) throw new AppError("not_found", "no such request");
  const [request] = await selectSwitchRequests(
    db,
    `r.id = $1::uuid AND r.signer_address = $2 AND r.status <> 'draft'`,
    [requestId, scope.address],
  );
  if (!request) throw new AppError("not_found", "no such request");
  const doc = await db.query<{ contract_document: string }>(
    `SELECT contract_document FROM switch_request WHERE id = $1::uuid`,
    [requestId],
  );
  return { ...request, document: JSON.parse(doc.rows[0]?.contract_document ?? "null") as ContractDocument };
}

const withdrawInput = z.object({ requestId: z.string() });

/**
 * The signer withdraws a request within the 14-day period (refused after it, whatever the status).
 * When the distributor already has the switch request, a cancellation message is produced.
 */
export async function withdrawOwnSwitchRequest(
  pool: pg.Pool,
  scope: SignerScope,
  input: unknown,
  meta: DraftMeta,
): Promise<ActionResult<{ requestId: string }>> {
  const parsed = withdrawInput.safeParse(input);
  if (!parsed.success || !UUID.test(parsed.data.requestId))
    throw new AppError("not_found", "no such request");
  const { requestId } = parsed.data;
  return withTransaction(pool, async (db) => {
    const [request] = await selectSwitchRequests(
      db,
      `r.id = $1::uuid AND r.signer_address = $2 AND r.status <> 'draft'`,
      [requestId, scope.address],
    );
    if (!request) throw new AppError("not_found", "no such request");
    await db.query(`SELECT 1 FROM switch_request WHERE id = $1::uuid FOR UPDATE`, [requestId]);
    if (!canTransition(request.status, "withdrawn"))
      throw new AppError("conflict", `a ${request.status} request cannot be withdrawn`);
    if (!request.withdrawalDeadline || meta.now.getTime() >= Date.parse(request.withdrawalDeadline))
      throw new AppError("conflict", "the withdrawal period has ended");
    if (distributorInformed(request.status))
      await sendCancellation(db, request, "withdrawn by the customer", meta.now);
    await db.query(`UPDATE switch_request SET status = 'withdrawn', updated_at = now() WHERE id = $1::uuid`, [
      requestId,
    ]);
    await addSwitchEvent(db, requestId, {
      actor: scope.address,
      kind: "withdrawn",
      detail: { from: request.status },
      ip: meta.ip,
    });
    await moveSwitchLead(db, request, "lost", scope.address);
    return { ok: true as const, value: { requestId } };
  });
}

/** The preview PDF of a draft (anyone holding the draft's unguessable id, until it is signed or expires). */
export async function draftPdf(db: Queryable, draftId: string): Promise<{ fileName: string; body: Buffer }> {
  const draft = await getSwitchDraft(db, draftId);
  const body = await renderContractPdf(draft.document, draft.contractHash);
  return { fileName: `contract-${draft.reference}-preview.pdf`, body };
}

/** The signed contract PDF of one of the signer's requests. */
export async function ownRequestPdf(
  db: Queryable,
  scope: SignerScope,
  requestId: string,
): Promise<{ fileName: string; body: Buffer }> {
  const request = await ownSwitchRequest(db, scope, requestId);
  const body = await renderContractPdf(request.document, request.contractHash, {
    signer: request.signerAddress ?? "",
    signedAt: request.signedAt ?? "",
    signature: request.signature ?? "",
    status: request.status,
  });
  return { fileName: `contract-${request.reference}.pdf`, body };
}
