import type { Tariff } from "@c4e/domain";
import type { Queryable } from "@c4e/prisma";

// Writes of the retailer's product catalogue (`product`, `product_version`); billing owns both tables
// (prisma/src/ownership.ts). A product has numbered versions: at most one draft and published ones,
// which never change (the DB trigger `product_version_immutable`). `product.name/description/tariff`
// mirror the latest published version, or the first draft before any is published. The caller runs
// each function inside its transaction, after locking the product row and validating the tariff.

export type CreateProductParameters = {
  productId: string;
  code: string;
  retailerId: string;
  name: string;
  description: string;
  currency: string;
  tariff: Tariff;
  createdBy: string;
};

/** Inserts a product with its first draft (version 1) on the same terms. */
export async function createProduct(db: Queryable, p: CreateProductParameters): Promise<void> {
  await db.query(
    `INSERT INTO product (id, code, retailer_id, name, description, currency, tariff) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [p.productId, p.code, p.retailerId, p.name, p.description, p.currency, JSON.stringify(p.tariff)],
  );
  await db.query(
    `INSERT INTO product_version (product_id, version, name, description, tariff, status, created_by)
     VALUES ($1, 1, $2, $3, $4, 'draft', $5)`,
    [p.productId, p.name, p.description, JSON.stringify(p.tariff), p.createdBy],
  );
}

export type ProductTermsParameters = {
  productId: string;
  version: number;
  name: string;
  description: string;
  tariff: Tariff;
};

/** Saves the draft's terms; before the first publication the product shows them too. */
export async function saveProductDraft(db: Queryable, p: ProductTermsParameters): Promise<void> {
  await db.query(
    `UPDATE product_version SET name = $3, description = $4, tariff = $5
     WHERE product_id = $1 AND version = $2 AND status = 'draft'`,
    [p.productId, p.version, p.name, p.description, JSON.stringify(p.tariff)],
  );
  await db.query(
    `UPDATE product SET name = $2, description = $3, tariff = $4
     WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM product_version WHERE product_id = $1 AND status = 'published')`,
    [p.productId, p.name, p.description, JSON.stringify(p.tariff)],
  );
}

/** Publishes the draft `version` (new contracts get it) and makes the product mirror its terms. */
export async function publishProductDraft(db: Queryable, p: ProductTermsParameters): Promise<void> {
  await db.query(
    `UPDATE product_version SET status = 'published', published_at = now()
     WHERE product_id = $1 AND version = $2 AND status = 'draft'`,
    [p.productId, p.version],
  );
  await db.query(`UPDATE product SET name = $2, description = $3, tariff = $4 WHERE id = $1`, [
    p.productId,
    p.name,
    p.description,
    JSON.stringify(p.tariff),
  ]);
}

/**
 * Starts a draft copied from the latest published version, numbered after the highest version.
 * Returns its version, or null when the product has no published version.
 */
export async function startProductDraft(
  db: Queryable,
  p: { productId: string; createdBy: string },
): Promise<number | null> {
  const { rows } = await db.query<{ version: number }>(
    `INSERT INTO product_version (product_id, version, name, description, tariff, status, created_by)
     SELECT product_id, (SELECT max(version) + 1 FROM product_version WHERE product_id = $1), name, description,
            tariff, 'draft', $2
     FROM product_version WHERE product_id = $1 AND status = 'published'
     ORDER BY version DESC LIMIT 1
     RETURNING version`,
    [p.productId, p.createdBy],
  );
  return rows[0]?.version ?? null;
}

/** Deletes the draft `version` (a published version is never deleted). */
export async function discardProductDraft(
  db: Queryable,
  p: { productId: string; version: number },
): Promise<void> {
  await db.query(`DELETE FROM product_version WHERE product_id = $1 AND version = $2 AND status = 'draft'`, [
    p.productId,
    p.version,
  ]);
}

/** Archives the product (kept since its first archiving) or brings it back. */
export async function setProductArchived(
  db: Queryable,
  p: { productId: string; archived: boolean },
): Promise<void> {
  await db.query(
    `UPDATE product SET archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) ELSE NULL END WHERE id = $1`,
    [p.productId, p.archived],
  );
}
