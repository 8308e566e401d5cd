// `c4e product-price`: a new price row for a catalogue product or a contract's own tariff, valid from
// a (possibly past) local date. The tariff JSON's price becomes a schedule (`[{ from, price }]`, the
// domain's PriceValue); bills of periods from that date are corrected by `bill-corrections`.
import { type PriceStep, type PriceValue, parseTariff } from "@c4e/domain";
import type pg from "pg";
import { BillRunError } from "./bill-run.ts";
import { withTransaction } from "./db.ts";

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
  if (!holder || !(key in holder)) throw new BillRunError(`the tariff has no price ${path}`);
  return { holder, key };
}

/** The schedule with a step from `from` (replacing a step of the same date), ascending. */
export function withPriceStep(value: PriceValue, from: string, price: string): PriceStep[] {
  const steps: PriceStep[] = typeof value === "string" ? [{ from: SINCE_EVER, price: value }] : [...value];
  const out = steps.filter((s) => s.from !== from);
  out.push({ from, price });
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

/** Adds the price step to the product's or contract's tariff (validated by `parseTariff` first). */
export async function setTariffPrice(pool: pg.Pool, params: SetPriceParams): Promise<{ tariff: unknown }> {
  const m = /^(product|contract):(.+)$/.exec(params.target);
  if (!m) throw new BillRunError(`--product <code> or --contract <number>`);
  const [table, column, keyColumn] =
    m[1] === "product" ? ["product", "tariff", "code"] : ["contract", "energy_tariff", "number"];
  return withTransaction(pool, async (c) => {
    const row = await c.query<{ tariff: Holder | null }>(
      `SELECT ${column} AS tariff FROM ${table} WHERE ${keyColumn} = $1 FOR UPDATE`,
      [m[2]],
    );
    const tariff = row.rows[0]?.tariff;
    if (!tariff) throw new BillRunError(`no ${table} ${m[2]} with its own tariff`);
    const { holder, key } = locate(tariff, params.price);
    holder[key] = withPriceStep(holder[key] as PriceValue, params.from, params.value);
    const parsed = parseTariff(tariff);
    if (!parsed.ok) throw new BillRunError(parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; "));
    await c.query(`UPDATE ${table} SET ${column} = $2 WHERE ${keyColumn} = $1`, [
      m[2],
      JSON.stringify(tariff),
    ]);
    return { tariff };
  });
}
