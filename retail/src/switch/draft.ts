import { randomBytes } from "node:crypto";
import {
  CONTRACT_DOCUMENT_FORMAT,
  type ContractDocument,
  hashContractDocument,
  localDateOf,
  normalizeName,
  parseLocalDate,
  type PodValidation,
  SWITCH_METERING_KINDS,
  type SwitchMeteringKind,
  supplyContractTypedData,
  switchReference,
  validatePodIdentifier,
  WITHDRAWAL_DAYS,
} from "@c4e/domain";
import { renderContractPdf } from "@c4e/billing/contract-pdf";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { slidingWindowExceeded } from "@c4e/prisma/sliding-window";
import type pg from "pg";
import { z } from "zod";
import { fieldFailure, invalid, RetailError, type RetailResult, UUID } from "../errors.ts";
import {
  addSwitchEvent,
  POD_CONFLICT_MESSAGE,
  podConflict,
  selectSwitchRequests,
  type SwitchRequestView,
} from "./store.ts";

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

type DraftForm = z.infer<typeof switchDraftInput>;

const POD_REASON: Record<string, string> = {
  empty: "switch.form.error.required",
  zaehlpunkt_format: "switch.form.pod.zaehlpunktFormat",
  malo_check_digit: "switch.form.pod.maloCheckDigit",
  unknown_format: "switch.form.pod.unknownFormat",
};

export type DraftMeta = { ip: string | null; userAgent: string | null; now: Date };

/** How many drafts one client address, and one POD, may start (`draftLimitExceeded`). */
export type SwitchDraftLimits = { perIpPerHour: number; perPodPerDay: number };

/** The product a draft is for: the latest published version of the public catalogue. */
export type DraftProduct = {
  productId: string;
  code: string;
  version: number;
  name: string;
  currency: string;
  tariff: unknown;
};

export type CreateDraftParams = {
  /** the retailer the public pages serve */
  retailerId: string;
  product: DraftProduct;
  limits: SwitchDraftLimits;
};

/**
 * Stores a prospect's draft for a product of the public catalogue (latest published version): checks
 * every field, the POD format and that the POD is free, builds the contract document and its hash.
 * Drafts are limited per client address and per POD (`draftLimitExceeded`): beyond a limit the answer
 * is `too_many_requests` and nothing is stored.
 */
export async function createSwitchDraft(
  pool: pg.Pool,
  { retailerId, product, limits }: CreateDraftParams,
  input: unknown,
  meta: DraftMeta,
): Promise<RetailResult<{ draftId: string }>> {
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
  const today = localDateOf(meta.now.getTime(), timeZone);
  const errors = await draftErrors(pool, d, pod, today);
  if (Object.keys(errors).length > 0 || !pod.ok) return fieldFailure(errors);

  const document = contractDocument({
    reference: switchReference(randomBytes(8)),
    supplier: { retailerId, name: retailer.rows[0]?.name ?? retailerId },
    product,
    pod,
    form: d,
  });
  const signed = hashContractDocument(document);
  return withTransaction(pool, async (db) => {
    const limited = await draftLimitExceeded(db, limits, meta.ip, pod.identifier);
    if (limited) return limited;
    const draftId = await insertDraft(db, {
      retailerId,
      product,
      pod,
      form: d,
      document,
      signed,
      ip: meta.ip,
    });
    await addSwitchEvent(db, draftId, {
      actor: "prospect",
      kind: "drafted",
      detail: {
        contractHash: signed.hash,
        productCode: product.code,
        productVersion: product.version,
        userAgent: meta.userAgent,
      },
      ip: meta.ip,
    });
    return { ok: true as const, value: { draftId } };
  });
}

/** Field errors beyond the form's own checks: POD format and still free, reading not in the future, start not past. */
async function draftErrors(
  db: Queryable,
  d: DraftForm,
  pod: PodValidation,
  today: string,
): Promise<Partial<Record<string, string>>> {
  const errors: Partial<Record<string, string>> = {};
  if (!pod.ok) errors.podIdentifier = POD_REASON[pod.reason];
  else {
    const conflict = await podConflict(db, pod.identifier, today);
    if (conflict) errors.podIdentifier = POD_CONFLICT_MESSAGE[conflict];
  }
  if (d.meterReadingDate > today) errors.meterReadingDate = "switch.form.error.readingFuture";
  if (d.desiredStart < today) errors.desiredStart = "switch.form.error.startPast";
  return errors;
}

type ValidPod = Extract<PodValidation, { ok: true }>;

/** The contract document the prospect will sign (its hash is what the signature covers). */
function contractDocument(p: {
  reference: string;
  supplier: ContractDocument["supplier"];
  product: DraftProduct;
  pod: ValidPod;
  form: DraftForm;
}): ContractDocument {
  const { product, pod, form: d } = p;
  return {
    format: CONTRACT_DOCUMENT_FORMAT,
    reference: p.reference,
    supplier: p.supplier,
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
}

/** Inserts the draft row (status `draft`) with its document and hash; returns its id. */
async function insertDraft(
  db: Queryable,
  p: {
    retailerId: string;
    product: DraftProduct;
    pod: ValidPod;
    form: DraftForm;
    document: ContractDocument;
    /** the document's canonical text and its hash */
    signed: { text: string; hash: string };
    ip: string | null;
  },
): Promise<string> {
  const { text, hash } = p.signed;
  const d = p.form;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO switch_request (reference, retailer_id, product_id, product_version, pod_identifier, pod_kind,
       supply_address, current_supplier, meter_number, meter_reading_kwh, meter_reading_date,
       annual_consumption_kwh, desired_start, full_name, email, contract_document, contract_hash,
       metering_kind, client_ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::numeric, $11::date, $12, $13::date, $14, $15, $16, $17,
       $18::"MeteringKind", $19)
     RETURNING id::text`,
    [
      p.document.reference,
      p.retailerId,
      p.product.productId,
      p.product.version,
      p.pod.identifier,
      p.pod.kind,
      d.supplyAddress,
      d.currentSupplier,
      d.meterNumber,
      d.meterReadingKwh,
      d.meterReadingDate,
      Number(d.annualConsumptionKwh),
      d.desiredStart,
      p.document.customer.fullName,
      d.email,
      text,
      hash,
      d.meteringKind,
      p.ip,
    ],
  );
  const draftId = rows[0]?.id;
  if (!draftId) throw new Error("createSwitchDraft: insert returned no row");
  return draftId;
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
): Promise<RetailResult<{ draftId: string }> | null> {
  const refuse = (message: string, fieldErrors?: Partial<Record<string, string>>) => ({
    ok: false as const,
    error: "too_many_requests" as const,
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

/** A draft that may still be previewed and signed (`not_found` otherwise: unknown, signed, expired). */
export async function getSwitchDraft(
  db: Queryable,
  draftId: string,
): Promise<SwitchRequestView & { document: ContractDocument }> {
  if (!UUID.test(draftId)) throw new RetailError("not_found", "no such draft");
  const [draft] = await selectSwitchRequests(
    db,
    `r.id = $1::uuid AND r.status = 'draft' AND r.created_at > now() - make_interval(hours => $2)`,
    [draftId, DRAFT_TTL_HOURS],
  );
  if (!draft) throw new RetailError("not_found", "no such draft");
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

/** The preview PDF of a draft (anyone holding the draft's unguessable id, until it is signed or expires). */
export async function draftPdf(db: Queryable, draftId: string): Promise<{ fileName: string; body: Buffer }> {
  const draft = await getSwitchDraft(db, draftId);
  const body = await renderContractPdf(draft.document, draft.contractHash);
  return { fileName: `contract-${draft.reference}-preview.pdf`, body };
}
