// Billing accounts of self-consumption communities (issue 16, docs/communities.md): a resident or a
// building owner billed by a property manager is a customer of the manager's tenant (retailer) with a
// contract that carries no POD and no product — only what the invoice store needs (the contract a
// document belongs to, its series, payment terms). The community's bills are then ordinary invoices:
// drafted with `insertDraftInvoices`, numbered by `issueInvoices`, rendered by `renderInvoicePdf`.
import type { Queryable } from "@c4e/prisma";

export type CommunityAccountParams = {
  retailerId: string;
  customerId: string;
  name: string;
  email: string | null;
  contractId: string;
  contractNumber: string;
  /** local date, inclusive */
  validFrom: string;
  /** local date, exclusive; null = open */
  validTo: string | null;
  currency: string;
  /** the invoice series (created with `prefix` if missing) */
  seriesId: string;
  seriesPrefix: string;
  paymentTermsDays?: number;
};

/**
 * Opens the customer (if new) and the contract a community member's bills are issued on, and the
 * community's invoice series. Refused, with nothing written, when the tenant has no trader (the
 * seller every contract names) or the series id exists with another prefix. Runs in the caller's
 * transaction; idempotent on the ids.
 */
export async function openCommunityAccount(
  db: Queryable,
  p: CommunityAccountParams,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const trader = await db.query<{ id: string }>(
    `SELECT id FROM trader WHERE retailer_id = $1 ORDER BY id LIMIT 1`,
    [p.retailerId],
  );
  const traderId = trader.rows[0]?.id;
  if (!traderId)
    return { ok: false, reason: `retailer ${p.retailerId} has no trader to sell on its invoices` };
  const series = await db.query<{ prefix: string }>(`SELECT prefix FROM invoice_series WHERE id = $1`, [
    p.seriesId,
  ]);
  if (series.rows[0] && series.rows[0].prefix !== p.seriesPrefix)
    return { ok: false, reason: `invoice series ${p.seriesId} exists with prefix ${series.rows[0].prefix}` };
  await db.query(`INSERT INTO invoice_series (id, prefix) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [
    p.seriesId,
    p.seriesPrefix,
  ]);
  await db.query(
    `INSERT INTO customer (id, retailer_id, name, email, kind) VALUES ($1, $2, $3, $4, 'retail')
     ON CONFLICT (id) DO NOTHING`,
    [p.customerId, p.retailerId, p.name, p.email],
  );
  await db.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, valid_to, currency, invoice_series,
       payment_terms_days)
     VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
    [
      p.contractId,
      p.contractNumber,
      p.customerId,
      traderId,
      p.validFrom,
      p.validTo,
      p.currency,
      p.seriesId,
      p.paymentTermsDays ?? 30,
    ],
  );
  return { ok: true };
}

/** Ends a community account's contract (a move-out): `validTo` is the local date after the last day. */
export async function closeCommunityAccount(
  db: Queryable,
  contractId: string,
  validTo: string | null,
): Promise<void> {
  await db.query(`UPDATE contract SET valid_to = $2::date, updated_at = now() WHERE id = $1`, [
    contractId,
    validTo,
  ]);
}
