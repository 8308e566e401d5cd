import { randomUUID } from "node:crypto";
import {
  createProduct as insertProduct,
  discardProductDraft,
  publishProductDraft,
  saveProductDraft,
  setProductArchived,
  startProductDraft,
} from "@c4e/billing/catalogue";
import { isCurrencyCode, parseTariff, type Tariff } from "@c4e/domain";
import type pg from "pg";
import { z } from "zod";
import { type ActionResult, invalid } from "@/server/core/action-result.ts";
import { audit, type StaffScope } from "@/server/core/authz.ts";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { AppError, statusOf } from "@/server/core/errors.ts";
import type { MessageKey } from "@/messages/en.ts";

// The retailer's product catalogue. A product has numbered versions (1, 2, …): at most one draft,
// which staff edit, and published versions, which never change (the DB trigger
// `product_version_immutable` refuses it) and which contracts are signed on. Publishing makes the
// draft the latest version (what new contracts get); contracts keep the version they have.
// `product.name/description/tariff` mirror the latest published version (or the first draft before
// any is published). Every write locks the product row first, so two staff members cannot create
// two drafts or publish the same draft twice. Billing owns the tables: the writes are
// @c4e/billing/catalogue's, run in this file's transactions beside the audit row.

export type AdminProductVersion = {
  version: number;
  name: string;
  description: string;
  /** domain tariff JSON (validated with parseTariff when saved) */
  tariff: Tariff;
  status: "draft" | "published";
  publishedAt: string | null;
  createdAt: string;
  createdBy: string | null;
  /** contracts signed on this version */
  contracts: number;
};

export type AdminProduct = {
  id: string;
  code: string;
  name: string;
  description: string;
  currency: string;
  archivedAt: string | null;
  /** latest published version number, null before the first publication */
  latestPublished: number | null;
  /** the draft's version number, if there is one */
  draft: number | null;
  /** contracts on any version */
  contracts: number;
  /** newest first */
  versions: AdminProductVersion[];
};

type VersionRow = {
  product_id: string;
  version: number;
  name: string;
  description: string;
  tariff: Tariff;
  status: "draft" | "published";
  published_at: Date | null;
  created_at: Date;
  created_by: string | null;
  contracts: number;
};

type ProductRow = {
  id: string;
  code: string;
  name: string;
  description: string;
  currency: string;
  archived_at: Date | null;
};

async function loadProducts(db: Queryable, scope: StaffScope, productId?: string): Promise<AdminProduct[]> {
  const products = await db.query<ProductRow>(
    `SELECT id, code, name, description, currency, archived_at FROM product
     WHERE retailer_id = $1 AND ($2::text IS NULL OR id = $2)
     ORDER BY archived_at IS NOT NULL, code`,
    [scope.retailerId, productId ?? null],
  );
  const ids = products.rows.map((p) => p.id);
  const versions = await db.query<VersionRow>(
    `SELECT v.product_id, v.version, v.name, v.description, v.tariff, v.status::text AS status, v.published_at,
            v.created_at, v.created_by,
            (SELECT count(*)::int FROM contract c WHERE c.product_id = v.product_id AND c.product_version = v.version) AS contracts
     FROM product_version v WHERE v.product_id = ANY($1::text[])
     ORDER BY v.product_id, v.version DESC`,
    [ids],
  );
  return products.rows.map((p) => {
    const own = versions.rows.filter((v) => v.product_id === p.id);
    return {
      id: p.id,
      code: p.code,
      name: p.name,
      description: p.description,
      currency: p.currency,
      archivedAt: p.archived_at?.toISOString() ?? null,
      latestPublished: own.find((v) => v.status === "published")?.version ?? null,
      draft: own.find((v) => v.status === "draft")?.version ?? null,
      contracts: own.reduce((sum, v) => sum + v.contracts, 0),
      versions: own.map((v) => ({
        version: v.version,
        name: v.name,
        description: v.description,
        tariff: v.tariff,
        status: v.status,
        publishedAt: v.published_at?.toISOString() ?? null,
        createdAt: v.created_at.toISOString(),
        createdBy: v.created_by,
        contracts: v.contracts,
      })),
    };
  });
}

/** The retailer's products with all their versions (archived ones last). */
export function listProducts(db: Queryable, scope: StaffScope): Promise<AdminProduct[]> {
  return loadProducts(db, scope);
}

/** One product of the retailer with its versions; another retailer's product is `not_found`. */
export async function getProduct(db: Queryable, scope: StaffScope, productId: string): Promise<AdminProduct> {
  const [product] = await loadProducts(db, scope, productId);
  if (!product) throw new AppError("not_found", "no such product");
  return product;
}

/** Locks the retailer's product row for the rest of the transaction (`not_found` for others'). */
async function lockProduct(db: Queryable, scope: StaffScope, productId: string): Promise<ProductRow> {
  const { rows } = await db.query<ProductRow>(
    `SELECT id, code, name, description, currency, archived_at FROM product
     WHERE id = $1 AND retailer_id = $2 FOR UPDATE`,
    [productId, scope.retailerId],
  );
  const row = rows[0];
  if (!row) throw new AppError("not_found", "no such product");
  return row;
}

async function draftOf(db: Queryable, productId: string) {
  const { rows } = await db.query<{ version: number; name: string; description: string; tariff: unknown }>(
    `SELECT version, name, description, tariff FROM product_version WHERE product_id = $1 AND status = 'draft'`,
    [productId],
  );
  return rows[0] ?? null;
}

/** A field error on the form (its message a catalogue key) with the given code. */
function refused<T>(error: "bad_request" | "conflict", field: string, key: MessageKey): ActionResult<T> {
  return { ok: false, error, status: statusOf(error), message: key, fieldErrors: { [field]: key } };
}

/** Where a tariff is wrong: every error of parseTariff with its field path. */
function tariffRefused<T>(errors: { path: string; message: string }[]): ActionResult<T> {
  return {
    ok: false,
    error: "bad_request",
    status: statusOf("bad_request"),
    message: "invalid tariff",
    fieldErrors: { tariff: "admin.products.error.tariff" },
    pathErrors: errors,
  };
}

/** The starting terms of a new product: a single price of zero in its currency, to be edited. */
export function starterTariff(name: string, currency: string): Tariff {
  return { name, currency: currency as Tariff["currency"], single: { price: "0.00" } };
}

const text = (max: number, key: "admin.products.error.name" | "admin.products.error.description") =>
  z.string().trim().max(max, key);

const createSchema = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9][A-Z0-9_-]{1,39}$/, "admin.products.error.code"),
  name: text(120, "admin.products.error.name").pipe(z.string().min(2, "admin.products.error.name")),
  description: text(2000, "admin.products.error.description").optional().default(""),
  currency: z.string().refine((c) => isCurrencyCode(c), "admin.products.error.currency"),
});

/** Creates a product of the retailer with its first draft (version 1); audited `product.create`. */
export async function createProduct(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ productId: string }>> {
  const parsed = createSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { code, name, description, currency } = parsed.data;
  const tariff = starterTariff(name, currency);
  const productId = `prod-${randomUUID()}`;
  return withTransaction(pool, async (db) => {
    const taken = await db.query(`SELECT 1 FROM product WHERE code = $1`, [code]);
    if (taken.rowCount) return refused("conflict", "code", "admin.products.error.codeTaken");
    await insertProduct(db, {
      productId,
      code,
      retailerId: scope.retailerId,
      name,
      description,
      currency,
      tariff,
      createdBy: scope.actor,
    });
    await audit(db, scope, {
      action: "product.create",
      targetType: "product",
      targetId: productId,
      detail: { code, name, currency },
    });
    return { ok: true as const, value: { productId } };
  });
}

const draftSchema = z.object({
  productId: z.string().min(1, "admin.products.error.product"),
  name: text(120, "admin.products.error.name").pipe(z.string().min(2, "admin.products.error.name")),
  description: text(2000, "admin.products.error.description").optional().default(""),
  tariff: z
    .string()
    .min(2, "admin.products.error.tariffJson")
    .max(200_000, "admin.products.error.tariffJson"),
  /** the draft version the editor was opened on: saving over a newer draft is refused */
  version: z.coerce.number().int().positive().optional(),
});

/**
 * Validates a tariff for a product version: JSON, parseTariff (every error with its path), and the
 * product's currency. The tariff's `name` is set to the version's name.
 */
export function checkTariff(
  json: string,
  name: string,
  currency: string,
): { ok: true; tariff: Tariff } | { ok: false; errors: { path: string; message: string }[] } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, errors: [{ path: "", message: `not JSON: ${(error as Error).message}` }] };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { ok: false, errors: [{ path: "", message: "must be an object" }] };
  const tariff: Record<string, unknown> = { ...(value as Record<string, unknown>), name };
  const parsed = parseTariff(tariff);
  const errors = parsed.ok ? [] : [...parsed.errors];
  if (tariff.currency !== currency && !errors.some((e) => e.path === "currency"))
    errors.push({ path: "currency", message: `must be the product's currency ${currency}` });
  if (errors.length > 0 || !parsed.ok) return { ok: false, errors };
  return { ok: true, tariff: parsed.tariff };
}

/** Saves the draft's name, description and tariff (validated per field path); audited `product.draft.save`. */
export async function saveDraft(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ productId: string; version: number }>> {
  const parsed = draftSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { productId, name, description } = parsed.data;
  return withTransaction(pool, async (db) => {
    const product = await lockProduct(db, scope, productId);
    const draft = await draftOf(db, productId);
    if (!draft) return refused("conflict", "form", "admin.products.error.noDraft");
    if (parsed.data.version !== undefined && parsed.data.version !== draft.version)
      return refused("conflict", "form", "admin.products.error.staleDraft");
    const checked = checkTariff(parsed.data.tariff, name, product.currency);
    if (!checked.ok) return tariffRefused(checked.errors);
    // before the first publication the product shows its draft's terms
    await saveProductDraft(db, {
      productId,
      version: draft.version,
      name,
      description,
      tariff: checked.tariff,
    });
    await audit(db, scope, {
      action: "product.draft.save",
      targetType: "product",
      targetId: productId,
      detail: { version: draft.version, name },
    });
    return { ok: true as const, value: { productId, version: draft.version } };
  });
}

const productSchema = z.object({ productId: z.string().min(1, "admin.products.error.product") });

/**
 * Publishes the draft: it becomes the latest version (new contracts get it; existing contracts keep
 * theirs) and `product` mirrors it. The tariff is validated again. Audited `product.publish`.
 */
export async function publishDraft(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ productId: string; version: number }>> {
  const parsed = productSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { productId } = parsed.data;
  return withTransaction(pool, async (db) => {
    const product = await lockProduct(db, scope, productId);
    const draft = await draftOf(db, productId);
    if (!draft) return refused("conflict", "form", "admin.products.error.noDraft");
    const checked = checkTariff(JSON.stringify(draft.tariff), draft.name, product.currency);
    if (!checked.ok) return tariffRefused(checked.errors);
    await publishProductDraft(db, {
      productId,
      version: draft.version,
      name: draft.name,
      description: draft.description,
      tariff: checked.tariff,
    });
    await audit(db, scope, {
      action: "product.publish",
      targetType: "product",
      targetId: productId,
      detail: { version: draft.version, name: draft.name },
    });
    return { ok: true as const, value: { productId, version: draft.version } };
  });
}

/**
 * Starts a draft from the latest published version, numbered after the highest version. Refused
 * (`conflict`) while the product has a draft. Audited `product.draft.create`.
 */
export async function startDraft(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ productId: string; version: number }>> {
  const parsed = productSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { productId } = parsed.data;
  return withTransaction(pool, async (db) => {
    await lockProduct(db, scope, productId);
    if (await draftOf(db, productId)) return refused("conflict", "form", "admin.products.error.hasDraft");
    const version = await startProductDraft(db, { productId, createdBy: scope.actor });
    if (version === null) throw new AppError("conflict", "the product has no published version");
    await audit(db, scope, {
      action: "product.draft.create",
      targetType: "product",
      targetId: productId,
      detail: { version },
    });
    return { ok: true as const, value: { productId, version } };
  });
}

/**
 * Discards the draft (a product whose only version is the draft keeps it: it needs one version).
 * Audited `product.draft.discard`.
 */
export async function discardDraft(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ productId: string; version: number }>> {
  const parsed = productSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { productId } = parsed.data;
  return withTransaction(pool, async (db) => {
    await lockProduct(db, scope, productId);
    const draft = await draftOf(db, productId);
    if (!draft) return refused("conflict", "form", "admin.products.error.noDraft");
    const published = await db.query(
      `SELECT 1 FROM product_version WHERE product_id = $1 AND status = 'published' LIMIT 1`,
      [productId],
    );
    if (!published.rowCount) return refused("conflict", "form", "admin.products.error.onlyDraft");
    await discardProductDraft(db, { productId, version: draft.version });
    await audit(db, scope, {
      action: "product.draft.discard",
      targetType: "product",
      targetId: productId,
      detail: { version: draft.version },
    });
    return { ok: true as const, value: { productId, version: draft.version } };
  });
}

const archiveSchema = productSchema.extend({
  archived: z.enum(["true", "false"], { message: "admin.products.error.product" }),
});

/**
 * Archives a product (gone from the public catalogue and from new contracts; contracts on it keep
 * running) or brings it back. Audited `product.archive` / `product.unarchive`.
 */
export async function setArchived(
  pool: pg.Pool,
  scope: StaffScope,
  input: Record<string, string>,
): Promise<ActionResult<{ productId: string; archived: boolean }>> {
  const parsed = archiveSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { productId } = parsed.data;
  const archived = parsed.data.archived === "true";
  return withTransaction(pool, async (db) => {
    await lockProduct(db, scope, productId);
    await setProductArchived(db, { productId, archived });
    await audit(db, scope, {
      action: archived ? "product.archive" : "product.unarchive",
      targetType: "product",
      targetId: productId,
    });
    return { ok: true as const, value: { productId, archived } };
  });
}
