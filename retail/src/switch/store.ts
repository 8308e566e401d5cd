import {
  OPEN_SWITCH_STATUSES,
  type PodConflict,
  type SwitchMeteringKind,
  type SwitchStatus,
} from "@c4e/domain";
import type { Queryable } from "@c4e/prisma";

// Rows of the supplier switch (switch_request, switch_event, distributor_message) as the pages and
// server functions use them. Every query that uses these selects adds its own scope (retailer or
// signer) in its WHERE clause.

/** One switch request as staff and its signer see it (dates as YYYY-MM-DD, instants as ISO). */
export type SwitchRequestView = {
  id: string;
  reference: string;
  retailerId: string;
  /** the retailer's IANA time zone (dates and the withdrawal deadline are local to it) */
  timeZone: string;
  status: SwitchStatus;
  productId: string;
  productCode: string;
  productVersion: number;
  productName: string;
  currency: string;
  podIdentifier: string;
  podKind: string;
  supplyAddress: string;
  currentSupplier: string;
  meterNumber: string;
  meterReadingKwh: string;
  meterReadingDate: string;
  annualConsumptionKwh: number;
  /** as declared on the form (requests from before the question: slp) */
  meteringKind: SwitchMeteringKind;
  desiredStart: string;
  fullName: string;
  email: string;
  contractHash: string;
  signerAddress: string | null;
  signature: string | null;
  chainId: number | null;
  signedAt: string | null;
  signerIp: string | null;
  userAgent: string | null;
  withdrawalDeadline: string | null;
  distributorId: string | null;
  distributorName: string | null;
  effectiveDate: string | null;
  rejectReason: string | null;
  leadId: string | null;
  customerId: string | null;
  contractId: string | null;
  createdAt: string;
  updatedAt: string;
};

export type SwitchEventView = {
  id: string;
  at: string;
  actor: string;
  kind: string;
  detail: Record<string, unknown>;
  ip: string | null;
};

export type DistributorMessageView = {
  id: string;
  kind: string;
  format: string;
  payload: string;
  status: string;
  distributorName: string;
  createdAt: string;
};

export const SWITCH_SELECT = `
  SELECT r.id::text, r.reference, r.retailer_id AS "retailerId", t.time_zone AS "timeZone", r.status::text AS status,
         r.product_id AS "productId", p.code AS "productCode", r.product_version AS "productVersion",
         v.name AS "productName", p.currency,
         r.pod_identifier AS "podIdentifier", r.pod_kind AS "podKind", r.supply_address AS "supplyAddress",
         r.current_supplier AS "currentSupplier", r.meter_number AS "meterNumber",
         r.meter_reading_kwh::text AS "meterReadingKwh", to_char(r.meter_reading_date, 'YYYY-MM-DD') AS "meterReadingDate",
         r.annual_consumption_kwh AS "annualConsumptionKwh", r.metering_kind::text AS "meteringKind", to_char(r.desired_start, 'YYYY-MM-DD') AS "desiredStart",
         r.full_name AS "fullName", r.email, r.contract_hash AS "contractHash", r.signer_address AS "signerAddress",
         r.signature, r.chain_id AS "chainId", r.signed_at AS "signedAt", r.signer_ip AS "signerIp",
         r.user_agent AS "userAgent", r.withdrawal_deadline AS "withdrawalDeadline",
         r.distributor_id AS "distributorId", d.name AS "distributorName",
         to_char(r.effective_date, 'YYYY-MM-DD') AS "effectiveDate", r.reject_reason AS "rejectReason",
         r.lead_id::text AS "leadId", r.customer_id AS "customerId", r.contract_id AS "contractId",
         r.created_at AS "createdAt", r.updated_at AS "updatedAt"
    FROM switch_request r
    JOIN retailer t ON t.id = r.retailer_id
    JOIN product p ON p.id = r.product_id
    JOIN product_version v ON v.product_id = r.product_id AND v.version = r.product_version
    LEFT JOIN distributor d ON d.id = r.distributor_id`;

type Row = Omit<SwitchRequestView, "signedAt" | "withdrawalDeadline" | "createdAt" | "updatedAt"> & {
  signedAt: Date | null;
  withdrawalDeadline: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export const toSwitchView = (r: Row): SwitchRequestView => ({
  ...r,
  signedAt: r.signedAt?.toISOString() ?? null,
  withdrawalDeadline: r.withdrawalDeadline?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Requests matching `where` (a clause on alias r, parameters from $1), newest first. */
export async function selectSwitchRequests(
  db: Queryable,
  where: string,
  params: unknown[],
  limit = 200,
): Promise<SwitchRequestView[]> {
  const { rows } = await db.query<Row>(
    `${SWITCH_SELECT} WHERE ${where} ORDER BY r.created_at DESC, r.id LIMIT ${Math.trunc(limit)}`,
    params,
  );
  return rows.map(toSwitchView);
}

/** A request's audit trail, oldest first. */
export async function switchEvents(db: Queryable, requestId: string): Promise<SwitchEventView[]> {
  const { rows } = await db.query<{
    id: string;
    at: Date;
    actor: string;
    kind: string;
    detail: Record<string, unknown>;
    ip: string | null;
  }>(
    `SELECT id::text, at, actor, kind, detail, ip FROM switch_event WHERE request_id = $1::uuid ORDER BY at, id`,
    [requestId],
  );
  return rows.map((e) => ({ ...e, at: e.at.toISOString() }));
}

/** The messages produced for a request, oldest first. */
export async function distributorMessages(
  db: Queryable,
  requestId: string,
): Promise<DistributorMessageView[]> {
  const { rows } = await db.query<Omit<DistributorMessageView, "createdAt"> & { createdAt: Date }>(
    `SELECT m.id::text, m.kind, m.format, m.payload, m.status::text AS status, d.name AS "distributorName",
            m.created_at AS "createdAt"
       FROM distributor_message m JOIN distributor d ON d.id = m.distributor_id
      WHERE m.request_id = $1::uuid ORDER BY m.created_at, m.id`,
    [requestId],
  );
  return rows.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() }));
}

export type SwitchEventInput = {
  actor: string;
  kind: string;
  detail?: Record<string, unknown>;
  ip?: string | null;
};

/** Appends an entry to a request's trail (in the caller's transaction). */
export async function addSwitchEvent(db: Queryable, requestId: string, e: SwitchEventInput): Promise<void> {
  await db.query(
    `INSERT INTO switch_event (request_id, actor, kind, detail, ip) VALUES ($1::uuid, $2, $3, $4, $5)`,
    [requestId, e.actor, e.kind, JSON.stringify(e.detail ?? {}), e.ip ?? null],
  );
}

/** A POD conflict as the form shows it (keys of the web app's message catalogue). */
export const POD_CONFLICT_MESSAGE: Record<PodConflict, string> = {
  underContract: "switch.form.pod.underContract",
  openRequest: "switch.form.pod.openRequest",
};

/**
 * Why a POD cannot be switched, or null: it is supplied under an active contract of this platform
 * (a `pod` row with a contract, not signed out by `today`, or a customer's site), or another signed
 * request for it is still open. `exceptRequest` leaves one request out (re-validation of itself).
 */
export async function podConflict(
  db: Queryable,
  identifier: string,
  today: string,
  exceptRequest: string | null = null,
): Promise<PodConflict | null> {
  const contract = await db.query(
    `SELECT 1 FROM pod WHERE upper(identifier) = $1 AND contract_id IS NOT NULL
        AND (sign_out_date IS NULL OR sign_out_date > $2::date)
     UNION ALL SELECT 1 FROM site WHERE upper(pod_id) = $1 LIMIT 1`,
    [identifier, today],
  );
  if ((contract.rowCount ?? 0) > 0) return "underContract";
  const open = await db.query(
    `SELECT 1 FROM switch_request WHERE pod_identifier = $1 AND status::text = ANY($2::text[])
        AND ($3::uuid IS NULL OR id <> $3::uuid) LIMIT 1`,
    [identifier, OPEN_SWITCH_STATUSES, exceptRequest],
  );
  if ((open.rowCount ?? 0) > 0) return "openRequest";
  return null;
}
