// `c4e product-price`: a new price row for a catalogue product or a contract's own tariff, valid from
// a (possibly past) local date. The tariff JSON's price becomes a schedule (`[{ from, price }]`, the
// domain's PriceValue). A product gets a new published version with the step (published versions are
// immutable); `--move-contracts` moves the contracts on the version it was made from. Bills of periods
// from that date are corrected by `bill-corrections`.
import { type PriceStep, type PriceValue, parseTariff } from "@c4e/domain";
import type pg from "pg";
import { BillRunError } from "./bill-run.ts";
import { withTransaction } from "@c4e/prisma";

/** Before any billed period: the first step of a schedule made from a plain price. */
const SINCE_EVER = "1970-01-01";

export type SetPriceParams = {
  /** `product:<code>` or `contract:<number>` */
  target: string;
  /** single | tou.<band> | tiered.<n> (1-based) | fixed.<code> | capacity | demand | feed_in | dynamic.margin */
  price: string;
  from: string;
  value: string;
};

type Holder = Record<string, unknown>;

/** The object and key holding the price named by `path` in the tariff JSON. */
function locate(tariff: Holder, path: string): { holder: Holder; key: string } {
  const [head, arg] = path.split(/\.(.*)/s) as [string, string | undefined];
  const obj = (v: unknown) => (v !== null && typeof v === "object" ? (v as Holder) : undefined);
  const list = (v: unknown) => (Array.isArray(v) ? (v as Holder[]) : []);
  let holder: Holder | undefined;
  let key = "price";
  if (head === "single" && !arg) holder = obj(tariff.single);
  else if (head === "tou" && arg) holder = list(obj(tariff.tou)?.bands).find((b) => b.code === arg);
  else if (head === "tiered" && arg) holder = list(obj(tariff.tiered)?.tiers)[Number(arg) - 1];
  else if (head === "fixed" && arg) holder = list(tariff.fixedCharges).find((f) => f.code === arg);
  else if ((head === "capacity" || head === "demand") && !arg) holder = obj(tariff[head]);
  else if (head === "feed_in" && !arg)
    holder = obj(tariff.export)?.kind === "feed_in" ? obj(tariff.export) : undefined;
  else if (head === "dynamic" && arg === "margin") {
    holder = obj(tariff.dynamic);
    key = "margin";
  }
  if (!holder || !(key in holder))
    throw new BillRunError(`the tariff has no price ${path}`, "TARIFF_INVALID");
  return { holder, key };
}

/** The schedule with a step from `from` (replacing a step of the same date), ascending. */
export function withPriceStep(value: PriceValue, from: string, price: string): PriceStep[] {
  const steps: PriceStep[] = typeof value === "string" ? [{ from: SINCE_EVER, price: value }] : [...value];
  const out = steps.filter((s) => s.from !== from);
  out.push({ from, price });
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

/** What a price change on a product did, and which contracts it affects. */
export type ProductPriceResult = {
  target: string;
  /** the new published version: what new contracts get */
  version: number;
  /** the version it was made from (the latest published one before) */
  basedOn: number;
  tariff: unknown;
  /** contracts moved from `basedOn` to `version` (only with `moveContracts`), by number */
  moved: string[];
  /** contracts that keep the version they are on (unaffected), by number */
  unchanged: { number: string; version: number }[];
  /** one sentence for the operator */
  summary: string;
};

export type ContractPriceResult = { target: string; tariff: unknown; summary: string };

/**
 * A price change. For `product:<code>`: products are versioned and published versions never change,
 * so the change is a NEW published version (the latest published one with the price step added):
 * new contracts get it; existing contracts keep their version unless `moveContracts`, which moves the
 * contracts on the version it was made from (their terms differ only by the step from `from` on, so
 * their bills before `from` stay the same; `bill-corrections` then corrects issued bills from `from`).
 * Contracts on older versions are never moved. Refused while the product has a draft (its number
 * would no longer follow the latest version). For `contract:<number>`: the contract's own tariff is
 * changed in place (it belongs to that one contract).
 */
export async function setTariffPrice(
  pool: pg.Pool,
  params: SetPriceParams & { moveContracts?: boolean },
): Promise<ProductPriceResult | ContractPriceResult> {
  const m = /^(product|contract):(.+)$/.exec(params.target);
  if (!m) throw new BillRunError(`--product <code> or --contract <number>`);
  const key = m[2] as string;
  if (m[1] === "contract") {
    if (params.moveContracts) throw new BillRunError("--move-contracts is for --product only");
    return withTransaction(pool, async (c) => {
      const row = await c.query<{ tariff: Holder | null }>(
        `SELECT energy_tariff AS tariff FROM contract WHERE number = $1 FOR UPDATE`,
        [key],
      );
      const tariff = row.rows[0]?.tariff;
      if (!tariff) throw new BillRunError(`no contract ${key} with its own tariff`, "NOT_FOUND");
      stepInto(tariff, params);
      await c.query(`UPDATE contract SET energy_tariff = $2 WHERE number = $1`, [
        key,
        JSON.stringify(tariff),
      ]);
      return {
        target: params.target,
        tariff,
        summary: `contract ${key}: its own tariff has the new price from ${params.from}`,
      };
    });
  }
  return withTransaction(pool, async (c) => {
    const product = await c.query<{ id: string }>(`SELECT id FROM product WHERE code = $1 FOR UPDATE`, [key]);
    const productId = product.rows[0]?.id;
    if (!productId) throw new BillRunError(`no product ${key}`, "NOT_FOUND");
    const draft = await c.query<{ version: number }>(
      `SELECT version FROM product_version WHERE product_id = $1 AND status = 'draft'`,
      [productId],
    );
    if (draft.rows[0])
      throw new BillRunError(
        `product ${key} has a draft (version ${draft.rows[0].version}): publish or discard it first`,
        "CONFLICT",
      );
    const latest = await c.query<{ version: number; name: string; description: string; tariff: Holder }>(
      `SELECT version, name, description, tariff FROM product_version
       WHERE product_id = $1 AND status = 'published' ORDER BY version DESC LIMIT 1`,
      [productId],
    );
    const base = latest.rows[0];
    if (!base) throw new BillRunError(`product ${key} has no published version`, "NOT_FOUND");
    const tariff = structuredClone(base.tariff);
    stepInto(tariff, params);
    const version = base.version + 1;
    await c.query(
      `INSERT INTO product_version (product_id, version, name, description, tariff, status, published_at, created_by)
       VALUES ($1, $2, $3, $4, $5, 'published', now(), 'cli:product-price')`,
      [productId, version, base.name, base.description, JSON.stringify(tariff)],
    );
    // product.* mirrors the latest published version
    await c.query(`UPDATE product SET tariff = $2 WHERE id = $1`, [productId, JSON.stringify(tariff)]);
    const moved = params.moveContracts
      ? (
          await c.query<{ number: string }>(
            `UPDATE contract SET product_version = $3 WHERE product_id = $1 AND product_version = $2
             RETURNING number`,
            [productId, base.version, version],
          )
        ).rows.map((r) => r.number)
      : [];
    const unchanged = (
      await c.query<{ number: string; version: number }>(
        `SELECT number, product_version AS version FROM contract
         WHERE product_id = $1 AND product_version IS DISTINCT FROM $2 ORDER BY number`,
        [productId, version],
      )
    ).rows;
    moved.sort();
    const summary =
      `product ${key}: version ${version} published (version ${base.version} with ${params.price} = ${params.value} ` +
      `from ${params.from}); new contracts get version ${version}; ` +
      (params.moveContracts
        ? `${moved.length} contract(s) moved from version ${base.version}; `
        : `no existing contract changed (--move-contracts moves those on version ${base.version}); `) +
      `${unchanged.length} contract(s) keep their version`;
    return { target: params.target, version, basedOn: base.version, tariff, moved, unchanged, summary };
  });
}

/** Adds the price step in place, then validates the whole tariff (`parseTariff`). */
function stepInto(tariff: Holder, params: SetPriceParams): void {
  const { holder, key } = locate(tariff, params.price);
  holder[key] = withPriceStep(holder[key] as PriceValue, params.from, params.value);
  const parsed = parseTariff(tariff);
  if (!parsed.ok)
    throw new BillRunError(parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; "), "TARIFF_INVALID");
}
