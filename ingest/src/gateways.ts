import type { Queryable } from "@c4e/prisma";

// Writes of `gateway`, which ingest owns (it verifies every batch against the gateway's key). Staff
// register gateways on the admin pages; the web validates, audits, and calls these in its transaction.

export type RegisterGatewayParameters = {
  gatewayId: string;
  retailerId: string;
  /** Ed25519 public key, base64 of the raw 32 bytes (validated by the caller) */
  publicKey: string;
};

/** Registers an active Ed25519 gateway; false, writing nothing, when the id is taken (by any retailer). */
export async function registerGateway(db: Queryable, p: RegisterGatewayParameters): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO gateway (id, retailer_id, public_key, key_algorithm, active)
     VALUES ($1, $2, $3, 'ed25519', true) ON CONFLICT (id) DO NOTHING`,
    [p.gatewayId, p.retailerId, p.publicKey],
  );
  return inserted.rowCount === 1;
}
