import type { ServerConfig } from "@/env.ts";
import { AppError } from "@/server/core/errors.ts";
import type { Queryable } from "@c4e/prisma";

/** A product as the public catalogue shows it: its latest published version. */
export type PublishedProduct = {
  productId: string;
  code: string;
  retailerId: string;
  currency: string;
  version: number;
  name: string;
  description: string;
  /** domain tariff JSON of the version (validated when the version was saved) */
  tariff: unknown;
  publishedAt: string;
  /** the retailer's time zone (dates on the public pages are shown in it) */
  timeZone: string;
};

/**
 * The retailer the public pages serve: PUBLIC_RETAILER_ID, or the only retailer in the database.
 * `not_found` when neither names exactly one retailer.
 */
export async function publicRetailerId(db: Queryable, config: Pick<ServerConfig, "publicRetailerId">) {
  if (config.publicRetailerId !== null) {
    const r = await db.query(`SELECT 1 FROM retailer WHERE id = $1`, [config.publicRetailerId]);
    if (r.rowCount === 0) throw new AppError("not_found", "the configured PUBLIC_RETAILER_ID does not exist");
    return config.publicRetailerId;
  }
  const r = await db.query<{ id: string }>(`SELECT id FROM retailer ORDER BY id LIMIT 2`);
  if (r.rows.length !== 1 || !r.rows[0])
    throw new AppError("not_found", "set PUBLIC_RETAILER_ID: the database has no retailer or several");
  return r.rows[0].id;
}

const PUBLISHED_SELECT = `SELECT p.id AS "productId", p.code, p.retailer_id AS "retailerId", p.currency,
         v.version, v.name, v.description, v.tariff, v.published_at AS "publishedAt",
         r.time_zone AS "timeZone"
    FROM product p
    JOIN retailer r ON r.id = p.retailer_id
    JOIN LATERAL (SELECT * FROM product_version pv
                   WHERE pv.product_id = p.id AND pv.status = 'published'
                   ORDER BY pv.version DESC LIMIT 1) v ON true
   WHERE p.retailer_id = $1 AND p.archived_at IS NULL`;

type Row = Omit<PublishedProduct, "publishedAt"> & { publishedAt: Date };
const toProduct = (r: Row): PublishedProduct => ({ ...r, publishedAt: r.publishedAt.toISOString() });

/** The retailer's public catalogue: every product with a published version, not archived, by code. */
export async function publishedProducts(db: Queryable, retailerId: string): Promise<PublishedProduct[]> {
  const r = await db.query<Row>(`${PUBLISHED_SELECT} ORDER BY p.code`, [retailerId]);
  return r.rows.map(toProduct);
}

/** One product of the public catalogue by code, at its latest published version (`not_found` otherwise). */
export async function publishedProduct(
  db: Queryable,
  retailerId: string,
  code: string,
): Promise<PublishedProduct> {
  const r = await db.query<Row>(`${PUBLISHED_SELECT} AND p.code = $2`, [retailerId, code]);
  const row = r.rows[0];
  if (!row) throw new AppError("not_found", `no published product ${code}`);
  return toProduct(row);
}
