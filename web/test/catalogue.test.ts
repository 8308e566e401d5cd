// The product catalogue's rules on a real database with the billing demo (3 contracts on DEMO-TOU
// version 1): version numbering, one draft per product (also under concurrency), published versions
// immutable (the server refuses, the DB trigger too), per-path tariff errors, retailer scoping, audit,
// the public catalogue queries, and through the real bill run: a contract on v1 is billed at v1
// prices after v2 is published while a new contract on v2 gets v2 prices.
import { runBill } from "@c4e/billing/bill-run";
import { DEMO_PRODUCT_ID, DEMO_TOU_DEMAND_TARIFF } from "@c4e/billing/seed-demo";
import type { Tariff } from "@c4e/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "@c4e/billing/test/fixtures";
import { tariffSummary } from "@/lib/tariff-summary.ts";
import {
  createProduct,
  discardDraft,
  getProduct,
  listProducts,
  publishDraft,
  saveDraft,
  setArchived,
  startDraft,
} from "@/server/admin/products.ts";
import type { StaffScope } from "@/server/core/authz.ts";
import { publishedProduct, publishedProducts } from "@/server/public/catalogue.ts";

let t: BillingTestDb;
const ADMIN: StaffScope = { retailerId: "retailer-demo", actor: "0xadmin", role: "retailer_admin" };
const OTHER: StaffScope = { retailerId: "ret-other", actor: "0xother", role: "retailer_admin" };

/** The demo tariff with every TOU band `delta` dearer. */
function dearer(delta: string): Tariff {
  const tariff = structuredClone(DEMO_TOU_DEMAND_TARIFF);
  tariff.tou!.bands = tariff.tou!.bands.map((b) => ({
    ...b,
    price: (Number(b.price) + Number(delta)).toFixed(4),
  }));
  return tariff;
}

beforeAll(async () => {
  t = await createBillingTestDb("web_catalogue");
  await t.pool.query(`INSERT INTO retailer (id, name) VALUES ('ret-other', 'Other Retail')`);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("product catalogue", () => {
  let productId = "";

  it("creates a product with draft version 1; the code is unique; bad input is refused per field", async () => {
    const created = await createProduct(t.pool, ADMIN, {
      code: "green-fix",
      name: "Green Fix",
      description: "One price all day",
      currency: "EUR",
    });
    if (!created.ok) throw new Error(JSON.stringify(created));
    productId = created.value.productId;
    const product = await getProduct(t.pool, ADMIN, productId);
    expect(product).toMatchObject({ code: "GREEN-FIX", latestPublished: null, draft: 1, contracts: 0 });
    expect(product.versions.map((v) => [v.version, v.status, v.createdBy])).toEqual([
      [1, "draft", "0xadmin"],
    ]);

    expect(
      await createProduct(t.pool, ADMIN, { code: "GREEN-FIX", name: "Again", currency: "EUR" }),
    ).toMatchObject({
      ok: false,
      error: "conflict",
      fieldErrors: { code: "admin.products.error.codeTaken" },
    });
    expect(await createProduct(t.pool, ADMIN, { code: "a b", name: "x", currency: "XYZ" })).toMatchObject({
      ok: false,
      fieldErrors: {
        code: "admin.products.error.code",
        name: "admin.products.error.name",
        currency: "admin.products.error.currency",
      },
    });
  });

  it("returns tariff errors on their field paths and keeps the draft unchanged", async () => {
    const bad = await saveDraft(t.pool, ADMIN, {
      productId,
      name: "Green Fix",
      description: "",
      tariff: JSON.stringify({
        currency: "EUR",
        single: { price: "abc" },
        fixedCharges: [{ code: "base", description: "Base", per: "week", price: "5" }],
      }),
    });
    if (bad.ok) throw new Error("accepted a bad tariff");
    expect(bad.fieldErrors).toEqual({ tariff: "admin.products.error.tariff" });
    expect(bad.pathErrors?.map((e) => e.path)).toEqual(["single.price", "fixedCharges[0].per"]);
    const wrongCurrency = await saveDraft(t.pool, ADMIN, {
      productId,
      name: "Green Fix",
      tariff: JSON.stringify({ currency: "CHF", single: { price: "0.30" } }),
    });
    expect(!wrongCurrency.ok && wrongCurrency.pathErrors).toEqual([
      { path: "currency", message: "must be the product's currency EUR" },
    ]);
    expect((await getProduct(t.pool, ADMIN, productId)).versions[0]?.tariff).toMatchObject({
      single: { price: "0.00" },
    });
  });

  it("saves and publishes the draft; the product mirrors it; a published version cannot change", async () => {
    const saved = await saveDraft(t.pool, ADMIN, {
      productId,
      name: "Green Fix",
      description: "One price all day",
      tariff: JSON.stringify({ name: "ignored", currency: "EUR", single: { price: "0.3100" } }),
    });
    expect(saved).toEqual({ ok: true, value: { productId, version: 1 } });
    expect(await publishDraft(t.pool, ADMIN, { productId })).toEqual({
      ok: true,
      value: { productId, version: 1 },
    });
    const product = await getProduct(t.pool, ADMIN, productId);
    expect(product).toMatchObject({ latestPublished: 1, draft: null });
    expect(product.versions[0]).toMatchObject({ status: "published", tariff: { name: "Green Fix" } });
    expect(product.versions[0]?.publishedAt).not.toBeNull();
    const mirror = await t.pool.query(`SELECT name, tariff FROM product WHERE id = $1`, [productId]);
    expect(mirror.rows[0]).toMatchObject({ name: "Green Fix", tariff: { single: { price: "0.3100" } } });

    // no draft any more: saving and publishing are refused
    expect(await saveDraft(t.pool, ADMIN, { productId, name: "X y", tariff: "{}" })).toMatchObject({
      ok: false,
      error: "conflict",
    });
    expect(await publishDraft(t.pool, ADMIN, { productId })).toMatchObject({ ok: false, error: "conflict" });
    // the database refuses too
    await expect(
      t.pool.query(`UPDATE product_version SET tariff = '{}' WHERE product_id = $1 AND version = 1`, [
        productId,
      ]),
    ).rejects.toThrow(/published and cannot be changed/);
    await expect(
      t.pool.query(`UPDATE product_version SET status = 'draft' WHERE product_id = $1`, [productId]),
    ).rejects.toThrow(/published and cannot be changed/);
    await expect(
      t.pool.query(`DELETE FROM product_version WHERE product_id = $1`, [productId]),
    ).rejects.toThrow(/published and cannot be deleted/);
  });

  it("allows one draft at a time, numbered after the highest version, also when started concurrently", async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => startDraft(t.pool, ADMIN, { productId })));
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, value: { productId, version: 2 } }]);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.fieldErrors)).toEqual(
      Array(3).fill({ form: "admin.products.error.hasDraft" }),
    );
    const drafts = await t.pool.query(
      `SELECT version, tariff FROM product_version WHERE product_id = $1 AND status = 'draft'`,
      [productId],
    );
    // copied from the latest published version
    expect(drafts.rows).toEqual([
      { version: 2, tariff: expect.objectContaining({ single: { price: "0.3100" } }) },
    ]);
    // an editor opened on another draft version does not overwrite this one
    expect(
      await saveDraft(t.pool, ADMIN, {
        productId,
        version: "1",
        name: "Stale tab",
        tariff: JSON.stringify({ currency: "EUR", single: { price: "9" } }),
      }),
    ).toMatchObject({
      ok: false,
      error: "conflict",
      fieldErrors: { form: "admin.products.error.staleDraft" },
    });
    expect(await discardDraft(t.pool, ADMIN, { productId })).toEqual({
      ok: true,
      value: { productId, version: 2 },
    });
    expect(await startDraft(t.pool, ADMIN, { productId })).toEqual({
      ok: true,
      value: { productId, version: 2 },
    });
  });

  it("keeps every write inside the retailer: another retailer's product is not found", async () => {
    for (const fn of [startDraft, publishDraft, discardDraft])
      await expect(fn(t.pool, OTHER, { productId })).rejects.toMatchObject({ code: "not_found" });
    await expect(saveDraft(t.pool, OTHER, { productId, name: "Stolen", tariff: "{}" })).rejects.toMatchObject(
      {
        code: "not_found",
      },
    );
    await expect(setArchived(t.pool, OTHER, { productId, archived: "true" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getProduct(t.pool, OTHER, productId)).rejects.toMatchObject({ code: "not_found" });
    expect(await listProducts(t.pool, OTHER)).toEqual([]);
  });

  it("shows only published, non-archived products in the public catalogue, at their latest version", async () => {
    const before = await publishedProducts(t.pool, "retailer-demo");
    expect(before.map((p) => [p.code, p.version])).toEqual([
      ["DEMO-TOU", 1],
      ["GREEN-FIX", 1],
    ]);
    expect(await setArchived(t.pool, ADMIN, { productId, archived: "true" })).toMatchObject({ ok: true });
    expect((await publishedProducts(t.pool, "retailer-demo")).map((p) => p.code)).toEqual(["DEMO-TOU"]);
    await expect(publishedProduct(t.pool, "retailer-demo", "GREEN-FIX")).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await setArchived(t.pool, ADMIN, { productId, archived: "false" })).toMatchObject({ ok: true });
    expect((await publishedProduct(t.pool, "retailer-demo", "GREEN-FIX")).version).toBe(1);
    expect(await publishedProducts(t.pool, "ret-other")).toEqual([]);
    expect(tariffSummary(DEMO_TOU_DEMAND_TARIFF)).toEqual([
      "Time of use: Peak €0.34, Off-peak €0.24, Night valley €0.19 per kWh (1 season(s))",
      "Base charge: €9.90 per month",
      "Demand: €4.20 per kW of monthly peak (15 minutes)",
      "Feed-in: €0.082 per kWh",
    ]);
  });

  it("bills a contract on v1 at v1 prices after v2 is published, and a new contract on v2 at v2 prices", async () => {
    await seedIntervals(t);
    expect(await startDraft(t.pool, ADMIN, { productId: DEMO_PRODUCT_ID })).toMatchObject({
      ok: true,
      value: { version: 2 },
    });
    const v2 = dearer("0.1000");
    expect(
      await saveDraft(t.pool, ADMIN, {
        productId: DEMO_PRODUCT_ID,
        name: "C4E Demo TOU + demand 2027",
        tariff: JSON.stringify(v2),
      }),
    ).toMatchObject({ ok: true });
    expect(await publishDraft(t.pool, ADMIN, { productId: DEMO_PRODUCT_ID })).toMatchObject({
      ok: true,
      value: { version: 2 },
    });
    // Carol signs a new contract on the latest version (what the switch does) and her POD moves to it.
    await t.pool.query(
      `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, payment_terms_days,
         advance_mode, product_id, product_version, price_includes_levy, contracted_capacity_kw)
       SELECT 'ctr-carol-2', 'C-CAROL-2', customer_id, trader_id, valid_from, currency, payment_terms_days,
         advance_mode, product_id, (SELECT max(version) FROM product_version WHERE product_id = $1 AND status = 'published'),
         price_includes_levy, contracted_capacity_kw
       FROM contract WHERE id = 'ctr-carol'`,
      [DEMO_PRODUCT_ID],
    );
    await t.pool.query(`UPDATE pod SET contract_id = 'ctr-carol-2' WHERE contract_id = 'ctr-carol'`);
    const demo = await getProduct(t.pool, ADMIN, DEMO_PRODUCT_ID);
    expect(demo.versions.map((v) => [v.version, v.status, v.contracts])).toEqual([
      [2, "published", 1],
      [1, "published", 3],
    ]);

    const run = await runBill(t.pool, { period: "2026-10" });
    expect(run).toMatchObject({ status: "completed", drafted: 3, failed: 0 });
    const lines = await t.pool.query<{ contract_id: string; code: string; unit_price: string }>(
      `SELECT i.contract_id, l.code, l.unit_price::text FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
       WHERE l.code LIKE 'energy.%' ORDER BY i.contract_id, l.code`,
    );
    const prices = (contract: string) =>
      Object.fromEntries(
        lines.rows.filter((l) => l.contract_id === contract).map((l) => [l.code, Number(l.unit_price)]),
      );
    for (const contract of ["ctr-alice", "ctr-bob"])
      expect(prices(contract), contract).toEqual({
        "energy.offpeak": 0.24,
        "energy.peak": 0.34,
        "energy.valley": 0.19,
      });
    expect(prices("ctr-carol-2")).toEqual({
      "energy.offpeak": 0.34,
      "energy.peak": 0.44,
      "energy.valley": 0.29,
    });
  });

  it("audited every write with the actor and retailer", async () => {
    const rows = await t.pool.query<{ action: string; actor: string; retailer_id: string }>(
      `SELECT action, actor, retailer_id FROM audit_log WHERE target_type = 'product' ORDER BY id`,
    );
    expect(rows.rows.every((r) => r.actor === "0xadmin" && r.retailer_id === "retailer-demo")).toBe(true);
    expect(rows.rows.map((r) => r.action)).toEqual([
      "product.create",
      "product.draft.save",
      "product.publish",
      "product.draft.create",
      "product.draft.discard",
      "product.draft.create",
      "product.archive",
      "product.unarchive",
      "product.draft.create",
      "product.draft.save",
      "product.publish",
    ]);
  });
});
