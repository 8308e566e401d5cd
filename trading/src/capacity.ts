// Cross-border capacity rights per border and direction: stored as bought at auction, expanded to
// hours by the domain (capacityHours) for the capacity page, the shortfall check and the return.
import { isCurrencyCode } from "@c4e/domain";
import { type CapacityHour, type CapacityRight, TradingInputError, capacityHours } from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { z } from "zod";
import { type TradingContext, type TradingResult, refuse } from "./errors.ts";
import { fieldErrors } from "./terms.ts";

const input = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,62}$/),
  border: z.string().regex(/^[A-Z]{2}-[A-Z]{2}$/, "XX-YY"),
  direction: z.string().regex(/^[A-Z]{2}>[A-Z]{2}$/, "XX>YY"),
  product: z.enum(["hourly", "daily", "weekly", "monthly", "yearly"]),
  period: z.object({ start: z.string(), end: z.string() }),
  fromHour: z.number().int().min(0).max(23).optional(),
  toHour: z.number().int().min(1).max(24).optional(),
  mw: z.string(),
  pricePerMwh: z.string(),
  currency: z.string().refine(isCurrencyCode, "an ISO 4217 currency"),
  timeZone: z.string(),
});

export type CapacityRightInput = z.input<typeof input>;

export async function addCapacityRight(
  db: Queryable,
  ctx: TradingContext,
  raw: CapacityRightInput,
): Promise<TradingResult<{ id: string; hours: number }>> {
  const parsed = input.safeParse(raw);
  if (!parsed.success)
    return refuse("invalid", "capacity right: invalid input", fieldErrors(parsed.error, "right"));
  const r = parsed.data;
  let hours: CapacityHour[];
  try {
    hours = capacityHours([r as CapacityRight], r.timeZone);
  } catch (e) {
    if (e instanceof TradingInputError)
      return refuse("invalid", e.message, [
        { path: e.path.replace("rights[0]", "right"), message: e.reason },
      ]);
    throw e;
  }
  const res = await db.query(
    `INSERT INTO trading_capacity_right (id, retailer_id, border, direction, product, period_start, period_end, from_hour,
       to_hour, mw, price_per_mwh, currency, time_zone)
     VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
    [
      r.id,
      ctx.retailerId,
      r.border,
      r.direction,
      r.product,
      r.period.start,
      r.period.end,
      r.fromHour ?? null,
      r.toHour ?? null,
      r.mw,
      r.pricePerMwh,
      r.currency,
      r.timeZone,
    ],
  );
  if (res.rowCount !== 1) return refuse("conflict", `capacity right ${r.id} exists`);
  return { ok: true, value: { id: r.id, hours: hours.length } };
}

/** The retailer's rights overlapping [from, to), as the domain takes them. */
export async function listCapacityRights(
  db: Queryable,
  ctx: TradingContext,
  p: { from: string; to: string },
): Promise<(CapacityRight & { currency: string; timeZone: string })[]> {
  const res = await db.query<{
    id: string;
    border: string;
    direction: string;
    product: CapacityRight["product"];
    start: string;
    end: string;
    from_hour: number | null;
    to_hour: number | null;
    mw: string;
    price: string;
    currency: string;
    time_zone: string;
  }>(
    `SELECT id, border, direction, product, period_start::text AS start, period_end::text AS end, from_hour, to_hour,
       trim_scale(mw)::text AS mw, trim_scale(price_per_mwh)::text AS price, currency, time_zone
     FROM trading_capacity_right WHERE retailer_id = $1 AND period_start < $3::date AND period_end > $2::date
     ORDER BY border, direction, period_start, id`,
    [ctx.retailerId, p.from, p.to],
  );
  return res.rows.map((r) => ({
    id: r.id,
    border: r.border,
    direction: r.direction,
    product: r.product,
    period: { start: r.start, end: r.end },
    ...(r.from_hour === null ? {} : { fromHour: r.from_hour }),
    ...(r.to_hour === null ? {} : { toHour: r.to_hour }),
    mw: r.mw,
    pricePerMwh: r.price,
    currency: r.currency,
    timeZone: r.time_zone,
  }));
}
