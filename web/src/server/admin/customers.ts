import { z } from "zod";
import type { StaffScope } from "@/server/core/authz.ts";
import type { CrmStage } from "./crm-stages.ts";
import { AppError } from "@/server/core/errors.ts";
import type { ChainScope } from "@/server/prosumer/summary.ts";
import type { Queryable } from "@c4e/prisma";

/** Rows per page of the customer list (one more is read to know whether a next page exists). */
export const CUSTOMER_PAGE_SIZE = 50;

const flag = z
  .string()
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "on");

export const customerFilter = z.object({
  q: z.string().trim().max(100).optional(),
  kind: z.enum(["retail", "b2b"]).optional(),
  /** only customers with a contract valid today (the retailer's local date) */
  active: flag,
  /** only customers no CRM lead is linked to (the CRM search adds them to its leads) */
  noLead: flag,
  /** keyset cursor: the id of the last customer of the previous page */
  after: z.string().trim().min(1).max(200).optional(),
});
export type CustomerFilter = z.infer<typeof customerFilter>;

export type CustomerListRow = {
  id: string;
  name: string;
  email: string | null;
  kind: "retail" | "b2b";
  activeContract: boolean;
  /** the identifiers of up to three of the customer's PODs */
  pods: string[];
};

export type CustomerPage = { rows: CustomerListRow[]; nextAfter: string | null };

/** A LIKE pattern matching `q` anywhere (its wildcards escaped). */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of the retailer's customers, ordered by (name, id) and paged by keyset (`after` = the last
 * id of the previous page), so a page costs the same at customer 100,000 as at customer 1 (index
 * customer(retailer_id, name, id)). The search text matches a name or e-mail (contains), a POD
 * identifier (exact, through the unique index) or a wallet address (exact, the primary key).
 * `today` is the retailer's local date (YYYY-MM-DD) for the active-contract filter.
 */
export async function listCustomers(
  db: Queryable,
  scope: StaffScope,
  filter: CustomerFilter,
  today: string,
  pageSize: number = CUSTOMER_PAGE_SIZE,
): Promise<CustomerPage> {
  const q = filter.q || null;
  const { rows } = await db.query<{
    id: string;
    name: string;
    email: string | null;
    kind: "retail" | "b2b";
    active: boolean;
    pods: string[] | null;
  }>(
    `SELECT cu.id, cu.name, cu.email, cu.kind::text AS kind,
            EXISTS (SELECT 1 FROM contract c WHERE c.customer_id = cu.id AND c.valid_from <= $4::date
                      AND (c.valid_to IS NULL OR c.valid_to > $4::date)) AS active,
            ARRAY(SELECT p.identifier FROM contract c JOIN pod p ON p.contract_id = c.id
                  WHERE c.customer_id = cu.id ORDER BY p.identifier LIMIT 3) AS pods
     FROM customer cu
     WHERE cu.retailer_id = $1
       AND ($2::text IS NULL
            OR cu.name ILIKE $3 OR cu.email ILIKE $3
            OR cu.id IN (SELECT c.customer_id FROM pod p JOIN contract c ON c.id = p.contract_id
                         WHERE p.identifier IN ($2, upper($2)))
            OR cu.id IN (SELECT s.customer_id FROM site s WHERE s.pod_id IN ($2, upper($2)))
            OR cu.id IN (SELECT w.customer_id FROM wallet w WHERE w.address = lower($2)))
       AND ($5::text IS NULL OR cu.kind::text = $5)
       AND (NOT $6::boolean OR EXISTS (SELECT 1 FROM contract c WHERE c.customer_id = cu.id
              AND c.valid_from <= $4::date AND (c.valid_to IS NULL OR c.valid_to > $4::date)))
       AND (NOT $7::boolean OR NOT EXISTS (SELECT 1 FROM crm_lead l WHERE l.customer_id = cu.id))
       AND ($8::text IS NULL OR (cu.name, cu.id) >
            (SELECT a.name, a.id FROM customer a WHERE a.id = $8 AND a.retailer_id = $1))
     ORDER BY cu.name, cu.id
     LIMIT $9`,
    [
      scope.retailerId,
      q,
      q ? containsPattern(q) : null,
      today,
      filter.kind ?? null,
      filter.active,
      filter.noLead,
      filter.after ?? null,
      pageSize + 1,
    ],
  );
  const page = rows.slice(0, pageSize).map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    kind: r.kind,
    activeContract: r.active,
    pods: r.pods ?? [],
  }));
  return { rows: page, nextAfter: rows.length > pageSize ? (page.at(-1)?.id ?? null) : null };
}

export type CustomerDetail = {
  customer: {
    id: string;
    name: string;
    email: string | null;
    kind: "retail" | "b2b";
    createdAt: string;
  };
  wallets: { address: string; primary: boolean }[];
  contracts: {
    id: string;
    number: string;
    productCode: string | null;
    productVersion: number | null;
    validFrom: string;
    validTo: string | null;
    advanceMode: string;
    currency: string;
  }[];
  pods: {
    id: string;
    identifier: string;
    address: string;
    metering: "slp" | "amr";
    signInDate: string;
    signOutDate: string | null;
    contractNumber: string;
    meters: MeterRow[];
  }[];
  invoices: {
    id: string;
    number: string | null;
    kind: string;
    status: "draft" | "issued" | "voided";
    currency: string;
    minorUnitDigits: number;
    totalMinor: string;
    dueDate: string | null;
  }[];
  reports: ReportRow[];
  lead: {
    id: string;
    stage: CrmStage;
    activities: { id: string; kind: string; body: string; createdAt: string }[];
  } | null;
  /** C4E balance of the customer's wallets from the chain mirror (base units, 18 decimals) */
  balance: string;
};

export type MeterRow = {
  id: string;
  kind: string;
  gatewayId: string;
  /** time of the newest accepted reading of the meter (null: none yet) */
  lastReadingAt: string | null;
};

export type ReportRow = {
  id: string;
  podId: string;
  podIdentifier: string;
  date: string;
  kwh: string;
  status: "pending" | "accepted" | "rejected";
  reportedAt: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  rejectReason: string | null;
};

const REPORT_SELECT = `
  SELECT r.id::text, r.pod_id, p.identifier, r.read_on::text, r.kwh::text, r.status::text AS status,
         r.created_at, r.reviewed_by, r.reviewed_at, r.reject_reason
  FROM meter_reading_report r JOIN pod p ON p.id = r.pod_id`;

type ReportDbRow = {
  id: string;
  pod_id: string;
  identifier: string;
  read_on: string;
  kwh: string;
  status: ReportRow["status"];
  created_at: Date;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  reject_reason: string | null;
};

export const toReport = (r: ReportDbRow): ReportRow => ({
  id: r.id,
  podId: r.pod_id,
  podIdentifier: r.identifier,
  date: r.read_on,
  kwh: r.kwh,
  status: r.status,
  reportedAt: r.created_at.toISOString(),
  reviewedBy: r.reviewed_by,
  reviewedAt: r.reviewed_at?.toISOString() ?? null,
  rejectReason: r.reject_reason,
});

/** Reported readings matching a WHERE clause on `r` (newest date first, at most 200). */
export async function selectReports(db: Queryable, where: string, params: unknown[]): Promise<ReportRow[]> {
  const { rows } = await db.query<ReportDbRow>(
    `${REPORT_SELECT} WHERE ${where} ORDER BY r.read_on DESC, p.identifier LIMIT 200`,
    params,
  );
  return rows.map(toReport);
}

/** The meters of sites (grid and PV) with their gateway and newest reading time. */
export async function metersOfSites(
  db: Queryable,
  siteIds: string[],
): Promise<(MeterRow & { siteId: string })[]> {
  if (siteIds.length === 0) return [];
  const { rows } = await db.query<{
    id: string;
    site_id: string;
    kind: string;
    gateway_id: string;
    last_at: Date | null;
  }>(
    `SELECT m.id, m.site_id, m.kind, m.gateway_id,
            (SELECT max(r.at) FROM reading r WHERE r.meter_id = m.id) AS last_at
     FROM meter m WHERE m.site_id = ANY($1::text[]) ORDER BY m.site_id, m.kind, m.id`,
    [siteIds],
  );
  return rows.map((r) => ({
    id: r.id,
    siteId: r.site_id,
    kind: r.kind,
    gatewayId: r.gateway_id,
    lastReadingAt: r.last_at?.toISOString() ?? null,
  }));
}

/**
 * One of the retailer's customers with everything the admin needs on one page; a customer of another
 * retailer (or none) is `not_found`.
 */
export async function getCustomer(
  db: Queryable,
  scope: StaffScope,
  customerId: string,
  chain: ChainScope,
): Promise<CustomerDetail> {
  if (customerId.length === 0 || customerId.length > 200) throw new AppError("not_found", "no such customer");
  const found = await db.query<{
    id: string;
    name: string;
    email: string | null;
    kind: "retail" | "b2b";
    created_at: Date;
  }>(
    `SELECT id, name, email, kind::text AS kind, created_at FROM customer WHERE id = $1 AND retailer_id = $2`,
    [customerId, scope.retailerId],
  );
  const c = found.rows[0];
  if (!c) throw new AppError("not_found", "no such customer");

  const [wallets, contracts, pods, invoices, reports, lead, balance] = await Promise.all([
    db.query<{ address: string; primary: boolean }>(
      `SELECT address, "primary" FROM wallet WHERE customer_id = $1 ORDER BY "primary" DESC, address`,
      [c.id],
    ),
    db.query<{
      id: string;
      number: string;
      code: string | null;
      product_version: number | null;
      valid_from: string;
      valid_to: string | null;
      advance_mode: string;
      currency: string;
    }>(
      `SELECT c.id, c.number, pr.code, c.product_version, c.valid_from::text, c.valid_to::text,
              c.advance_mode::text, c.currency
       FROM contract c LEFT JOIN product pr ON pr.id = c.product_id
       WHERE c.customer_id = $1 ORDER BY c.valid_from DESC, c.number`,
      [c.id],
    ),
    db.query<{
      id: string;
      identifier: string;
      address: string;
      metering: "slp" | "amr";
      sign_in_date: string;
      sign_out_date: string | null;
      number: string;
      site_id: string | null;
    }>(
      `SELECT p.id, p.identifier, p.address, p.metering::text AS metering, p.sign_in_date::text,
              p.sign_out_date::text, c.number, p.site_id
       FROM pod p JOIN contract c ON c.id = p.contract_id
       WHERE c.customer_id = $1 ORDER BY p.identifier`,
      [c.id],
    ),
    db.query<{
      id: string;
      number: string | null;
      kind: string;
      status: "draft" | "issued" | "voided";
      currency: string;
      minor_unit_digits: number;
      total_minor: string;
      due_date: string | null;
    }>(
      `SELECT i.id::text, i.number, i.kind::text, i.status::text AS status, i.currency, i.minor_unit_digits,
              i.total_minor::text, i.due_date::text
       FROM invoice i JOIN contract c ON c.id = i.contract_id
       WHERE c.customer_id = $1 ORDER BY i.created_at DESC, i.id LIMIT 100`,
      [c.id],
    ),
    selectReports(db, "r.customer_id = $1", [c.id]),
    db.query<{ id: string; stage: CrmStage }>(
      `SELECT id::text, stage::text AS stage FROM crm_lead WHERE customer_id = $1 AND retailer_id = $2
       ORDER BY updated_at DESC LIMIT 1`,
      [c.id, scope.retailerId],
    ),
    db.query<{ amount: string }>(
      `SELECT coalesce(sum(b.balance), 0)::numeric(78, 0)::text AS amount FROM token_balance b
       WHERE b.chain_id = $1 AND lower(b.token) = lower($2)
         AND lower(b.address) IN (SELECT lower(w.address) FROM wallet w WHERE w.customer_id = $3)`,
      [chain.chainId, chain.tokenAddress, c.id],
    ),
  ]);

  const meters = await metersOfSites(
    db,
    pods.rows.flatMap((p) => (p.site_id ? [p.site_id] : [])),
  );
  const leadRow = lead.rows[0];
  const activities = leadRow
    ? await db.query<{ id: string; kind: string; body: string; created_at: Date }>(
        `SELECT id::text, kind::text, body, created_at FROM crm_activity
         WHERE lead_id = $1::uuid AND retailer_id = $2 ORDER BY created_at DESC, id DESC LIMIT 20`,
        [leadRow.id, scope.retailerId],
      )
    : null;

  return {
    customer: { id: c.id, name: c.name, email: c.email, kind: c.kind, createdAt: c.created_at.toISOString() },
    wallets: wallets.rows,
    contracts: contracts.rows.map((r) => ({
      id: r.id,
      number: r.number,
      productCode: r.code,
      productVersion: r.product_version,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      advanceMode: r.advance_mode,
      currency: r.currency,
    })),
    pods: pods.rows.map((p) => ({
      id: p.id,
      identifier: p.identifier,
      address: p.address,
      metering: p.metering,
      signInDate: p.sign_in_date,
      signOutDate: p.sign_out_date,
      contractNumber: p.number,
      meters: meters.filter((m) => m.siteId === p.site_id).map(({ siteId: _, ...m }) => m),
    })),
    invoices: invoices.rows.map((i) => ({
      id: i.id,
      number: i.number,
      kind: i.kind,
      status: i.status,
      currency: i.currency,
      minorUnitDigits: i.minor_unit_digits,
      totalMinor: i.total_minor,
      dueDate: i.due_date,
    })),
    reports,
    lead: leadRow
      ? {
          id: leadRow.id,
          stage: leadRow.stage,
          activities: (activities?.rows ?? []).map((a) => ({
            id: a.id,
            kind: a.kind,
            body: a.body,
            createdAt: a.created_at.toISOString(),
          })),
        }
      : null,
    balance: balance.rows[0]?.amount ?? "0",
  };
}
