import { H25_MONTHLY_SHARE_BP, monthlyForecastKwh } from "@c4e/domain";
import type { Queryable } from "@c4e/prisma";

/** A refusal of a supply change: nothing was written (the caller rolls its transaction back). */
export type SupplyRefusal = { ok: false; reason: string };

export type RetailCustomerParams = {
  retailerId: string;
  /** the signer's wallet (lower-case address): an existing customer is found by it */
  wallet: string;
  /** the id a new customer gets */
  newCustomerId: string;
  name: string;
  email: string;
};

/**
 * The retailer's customer holding `wallet`, or a new retail customer with that wallet as its primary
 * one. Refused when the wallet belongs to a customer of another retailer. Runs in the caller's
 * transaction.
 */
export async function openRetailCustomer(
  db: Queryable,
  p: RetailCustomerParams,
): Promise<{ ok: true; customerId: string; created: boolean } | SupplyRefusal> {
  const wallet = await db.query<{ customer_id: string; retailer_id: string }>(
    `SELECT w.customer_id, c.retailer_id FROM wallet w JOIN customer c ON c.id = w.customer_id WHERE w.address = $1`,
    [p.wallet],
  );
  const existing = wallet.rows[0];
  if (existing && existing.retailer_id !== p.retailerId)
    return { ok: false, reason: "the signer's wallet belongs to a customer of another retailer" };
  if (existing) return { ok: true, customerId: existing.customer_id, created: false };
  await db.query(
    `INSERT INTO customer (id, retailer_id, name, email, kind) VALUES ($1, $2, $3, $4, 'retail')`,
    [p.newCustomerId, p.retailerId, p.name, p.email],
  );
  await db.query(`INSERT INTO wallet (address, customer_id, "primary") VALUES ($1, $2, true)`, [
    p.wallet,
    p.newCustomerId,
  ]);
  return { ok: true, customerId: p.newCustomerId, created: true };
}

export type ActivateSupplyParams = {
  retailerId: string;
  customer: Omit<RetailCustomerParams, "retailerId">;
  contract: {
    id: string;
    number: string;
    /** local date supply starts (YYYY-MM-DD) */
    validFrom: string;
    currency: string;
    productId: string;
    productVersion: number;
  };
  pod: {
    id: string;
    identifier: string;
    name: string;
    address: string;
    metering: string;
    annualConsumptionKwh: number;
    distributorId: string;
    /** the retailer's IANA time zone */
    timeZone: string;
  };
};

/**
 * Starts supply for a household customer: the customer (by wallet, or new), a contract on the signed
 * product version sent by the retailer's trader, and the POD signed in on the contract's first day.
 * The H25 profile shapes the POD's monthly forecast, for an interval-metered POD too (its bills come
 * from the interval data; the forecast drives advances). Refused, with nothing written, when the
 * retailer has no trader, the POD identifier exists, or the wallet is another retailer's. Runs in
 * the caller's transaction.
 */
export async function activateSupply(
  db: Queryable,
  p: ActivateSupplyParams,
): Promise<{ ok: true; customerId: string; contractId: string; podId: string } | SupplyRefusal> {
  const trader = await db.query<{ id: string }>(
    `SELECT id FROM trader WHERE retailer_id = $1 ORDER BY id LIMIT 1`,
    [p.retailerId],
  );
  const traderId = trader.rows[0]?.id;
  if (!traderId) return { ok: false, reason: "the retailer has no trader" };
  const existingPod = await db.query(`SELECT 1 FROM pod WHERE identifier = $1`, [p.pod.identifier]);
  if ((existingPod.rowCount ?? 0) > 0) return { ok: false, reason: `POD ${p.pod.identifier} already exists` };
  const customer = await openRetailCustomer(db, { ...p.customer, retailerId: p.retailerId });
  if (!customer.ok) return customer;

  const c = p.contract;
  await db.query(
    `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, product_id, product_version)
     VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8)`,
    [c.id, c.number, customer.customerId, traderId, c.validFrom, c.currency, c.productId, c.productVersion],
  );
  const profile = await db.query(`SELECT 1 FROM profile_type WHERE code = 'H25'`);
  await db.query(
    `INSERT INTO pod (id, identifier, name, address, contract_id, metering, monthly_forecast_kwh, annual_reference_kwh,
       profile_type_code, distributor_id, trader_id, sign_in_date, time_zone)
     VALUES ($1, $2, $3, $4, $5, $13::"MeteringKind", $6::numeric[], $7, $8, $9, $10, $11::date, $12)`,
    [
      p.pod.id,
      p.pod.identifier,
      p.pod.name,
      p.pod.address,
      c.id,
      monthlyForecastKwh({
        annualKwh: p.pod.annualConsumptionKwh,
        monthlyShareBp: H25_MONTHLY_SHARE_BP,
      }),
      p.pod.annualConsumptionKwh,
      (profile.rowCount ?? 0) > 0 ? "H25" : null,
      p.pod.distributorId,
      traderId,
      c.validFrom,
      p.pod.timeZone,
      p.pod.metering,
    ],
  );
  return { ok: true, customerId: customer.customerId, contractId: c.id, podId: p.pod.id };
}
