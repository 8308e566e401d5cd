import { renderInvoicePdf, loadSeller } from "@c4e/billing/invoice-pdf";
import { loadInvoice } from "@c4e/billing/invoice-store";
import type { CustomerScope } from "@/server/core/authz.ts";
import { AppError } from "@/server/core/errors.ts";
import { listMeterReadings, type MeterReadingEntry } from "./meter-readings.ts";
import type { Queryable } from "@c4e/prisma";

export type CustomerInvoiceEntry = {
  id: string;
  number: string;
  kind: "advance" | "monthly" | "settlement" | "difference" | "credit_note";
  status: "issued" | "voided";
  /** local dates (YYYY-MM-DD), end exclusive */
  periodStart: string;
  periodEnd: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  minorUnitDigits: number;
  /** integer minor units as decimal strings (STYLE 4); a credit is negative */
  totalMinor: string;
  amountDueMinor: string;
  contractNumber: string;
  podIdentifier: string | null;
};

export type CustomerContractEntry = {
  number: string;
  validFrom: string;
  validTo: string | null;
  currency: string;
  paymentTermsDays: number;
  advanceMode: string;
  /** the catalogue product and the version of its terms the contract was signed on */
  product: { code: string; name: string; version: number | null; versionName: string | null } | null;
  /** true when the contract has its own energy tariff instead of a catalogue product */
  individualTariff: boolean;
  pods: {
    id: string;
    identifier: string;
    name: string;
    address: string;
    metering: string;
    /** local date, inclusive: the first day a reading may be reported for */
    supplyStart: string;
  }[];
};

export type CustomerBilling = {
  invoices: CustomerInvoiceEntry[];
  contracts: CustomerContractEntry[];
  /** per currency: the sum of the amounts due of issued (not voided) invoices, minor units */
  amountDue: { currency: string; minorUnitDigits: number; amountMinor: string }[];
  /** meter readings the customer reported, newest first */
  meterReadings: MeterReadingEntry[];
};

/**
 * The signed-in customer's issued and voided invoices (drafts are the retailer's work in progress and
 * never shown), contracts with product and PODs, and the amounts due per currency. Scoped by the
 * contracts' customer: nothing of another customer is returned.
 */
export async function getCustomerBilling(db: Queryable, scope: Pick<CustomerScope, "customerId">) {
  const invoices = await db.query<{
    id: string;
    number: string;
    kind: CustomerInvoiceEntry["kind"];
    status: CustomerInvoiceEntry["status"];
    period_start: string;
    period_end: string;
    issue_date: string;
    due_date: string;
    currency: string;
    minor_unit_digits: number;
    total_minor: string;
    amount_due_minor: string;
    contract_number: string;
    pod_identifier: string | null;
  }>(
    `SELECT i.id::text, i.number, i.kind::text, i.status::text, i.period_start::text, i.period_end::text,
            i.issue_date::text, i.due_date::text, i.currency, i.minor_unit_digits,
            i.total_minor::text, i.amount_due_minor::text, c.number AS contract_number,
            p.identifier AS pod_identifier
     FROM invoice i
     JOIN contract c ON c.id = i.contract_id
     LEFT JOIN pod p ON p.id = i.pod_id
     WHERE c.customer_id = $1 AND i.status IN ('issued', 'voided')
     ORDER BY i.issue_date DESC, i.sequence DESC NULLS LAST, i.id
     LIMIT 500`,
    [scope.customerId],
  );
  const contracts = await db.query<{
    id: string;
    number: string;
    valid_from: string;
    valid_to: string | null;
    currency: string;
    payment_terms_days: number;
    advance_mode: string;
    product_code: string | null;
    product_name: string | null;
    product_version: number | null;
    version_name: string | null;
    individual: boolean;
  }>(
    `SELECT c.id, c.number, c.valid_from::text, c.valid_to::text, c.currency, c.payment_terms_days,
            c.advance_mode::text, pr.code AS product_code, pr.name AS product_name,
            c.product_version, pv.name AS version_name, c.energy_tariff IS NOT NULL AS individual
     FROM contract c LEFT JOIN product pr ON pr.id = c.product_id
     LEFT JOIN product_version pv ON pv.product_id = c.product_id AND pv.version = c.product_version
     WHERE c.customer_id = $1
     ORDER BY c.valid_from DESC, c.number`,
    [scope.customerId],
  );
  const pods = await db.query<{
    contract_id: string;
    id: string;
    identifier: string;
    name: string;
    address: string;
    metering: string;
    sign_in_date: string;
  }>(
    `SELECT p.contract_id, p.id, p.identifier, p.name, p.address, p.metering::text, p.sign_in_date::text
     FROM pod p JOIN contract c ON c.id = p.contract_id
     WHERE c.customer_id = $1 ORDER BY p.identifier`,
    [scope.customerId],
  );
  const entries: CustomerInvoiceEntry[] = invoices.rows.map((r) => ({
    id: r.id,
    number: r.number,
    kind: r.kind,
    status: r.status,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    currency: r.currency,
    minorUnitDigits: r.minor_unit_digits,
    totalMinor: r.total_minor,
    amountDueMinor: r.amount_due_minor,
    contractNumber: r.contract_number,
    podIdentifier: r.pod_identifier,
  }));
  const due = new Map<string, { minorUnitDigits: number; amount: bigint }>();
  for (const e of entries) {
    if (e.status !== "issued") continue;
    const d = due.get(e.currency) ?? { minorUnitDigits: e.minorUnitDigits, amount: 0n };
    d.amount += BigInt(e.amountDueMinor);
    due.set(e.currency, d);
  }
  return {
    invoices: entries,
    contracts: contracts.rows.map((c) => ({
      number: c.number,
      validFrom: c.valid_from,
      validTo: c.valid_to,
      currency: c.currency,
      paymentTermsDays: c.payment_terms_days,
      advanceMode: c.advance_mode,
      product:
        c.product_code && c.product_name
          ? {
              code: c.product_code,
              name: c.product_name,
              version: c.product_version,
              versionName: c.version_name,
            }
          : null,
      individualTariff: c.individual,
      pods: pods.rows
        .filter((p) => p.contract_id === c.id)
        .map((p) => ({
          id: p.id,
          identifier: p.identifier,
          name: p.name,
          address: p.address,
          metering: p.metering,
          supplyStart: p.sign_in_date,
        })),
    })),
    amountDue: [...due].map(([currency, d]) => ({
      currency,
      minorUnitDigits: d.minorUnitDigits,
      amountMinor: d.amount.toString(),
    })),
    meterReadings: await listMeterReadings(db, scope),
  } satisfies CustomerBilling;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The PDF of one of the customer's issued or voided invoices. Another customer's invoice, a draft
 * or an unknown id are all `not_found`.
 */
export async function customerInvoicePdf(
  db: Queryable,
  scope: Pick<CustomerScope, "customerId">,
  invoiceId: string,
): Promise<{ fileName: string; pdf: Buffer }> {
  if (!UUID.test(invoiceId)) throw new AppError("not_found", "no such invoice");
  const owned = await db.query<{ id: string }>(
    `SELECT i.id::text FROM invoice i JOIN contract c ON c.id = i.contract_id
     WHERE i.id = $1::uuid AND c.customer_id = $2 AND i.status IN ('issued', 'voided')`,
    [invoiceId, scope.customerId],
  );
  if (owned.rowCount === 0) throw new AppError("not_found", "no such invoice");
  const stored = await loadInvoice(db, invoiceId);
  if (!stored) throw new AppError("not_found", "no such invoice");
  const pdf = await renderInvoicePdf(stored, await loadSeller(db, stored.contractId));
  return { fileName: `${stored.number ?? "invoice"}.pdf`, pdf };
}
