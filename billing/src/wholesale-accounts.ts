// The billed party of a wholesale trading counterparty (issue 19). Billing's invoice store issues every
// invoice against a billing contract of a customer; a trading counterparty (producer, wholesaler,
// large customer) gets a b2b customer and one billing contract per currency here, so its invoices go
// through the same store, numbering (series INV), PDFs and exports as retail invoices. Called by
// @c4e/trading/invoices in its own transaction.
import type { Queryable } from "@c4e/prisma";

export type WholesaleAccountParams = {
  retailerId: string;
  /** the trading counterparty's id (the customer and contract ids derive from it) */
  counterpartyId: string;
  name: string;
  email: string | null;
  currency: string;
  paymentTermsDays: number;
  /** local date the relationship starts (the billing contract's valid_from) */
  validFrom: string;
};

/**
 * The billing customer and contract of a counterparty in a currency: created on first use (natural
 * ids `wc-<counterparty>` and `wc-<counterparty>-<CUR>`; a second call changes nothing). Refused when
 * the retailer has no trader (a billing contract names the supplying trader).
 */
export async function openWholesaleAccount(
  db: Queryable,
  p: WholesaleAccountParams,
): Promise<{ ok: true; customerId: string; contractId: string } | { ok: false; reason: string }> {
  const trader = await db.query<{ id: string }>(
    `SELECT id FROM trader WHERE retailer_id = $1 ORDER BY id LIMIT 1`,
    [p.retailerId],
  );
  const traderId = trader.rows[0]?.id;
  if (!traderId) return { ok: false, reason: "the retailer has no trader" };
  const customerId = `wc-${p.counterpartyId}`;
  const contractId = `wc-${p.counterpartyId}-${p.currency}`;
  await db.query(
    `INSERT INTO customer (id, retailer_id, name, email, kind) VALUES ($1, $2, $3, $4, 'b2b') ON CONFLICT (id) DO NOTHING`,
    [customerId, p.retailerId, p.name, p.email],
  );
  await db.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, payment_terms_days)
     VALUES ($1, $1, $2, $3, $4::date, $5, $6) ON CONFLICT (id) DO NOTHING`,
    [contractId, customerId, traderId, p.validFrom, p.currency, p.paymentTermsDays],
  );
  return { ok: true, customerId, contractId };
}
