// Counterparties: VAT id, country and invoicing settings (payment terms, VAT rate of our invoices).
import type { Queryable } from "@c4e/prisma";
import { z } from "zod";
import { type TradingContext, type TradingResult, refuse } from "./errors.ts";
import { fieldErrors } from "./terms.ts";

const input = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lower-case letters, digits and dashes"),
  name: z.string().trim().min(1),
  vatId: z
    .string()
    .transform((v) => v.replace(/\s+/g, "").toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{2}[0-9A-Z]{2,13}$/, "a VAT id: country prefix and 2–13 characters")),
  country: z.string().regex(/^[A-Z]{2}$/, "ISO 3166 alpha-2"),
  address: z.string().default(""),
  email: z.string().email().nullish(),
  paymentTermsDays: z.number().int().min(0).max(365).default(14),
  vatRate: z
    .string()
    .regex(/^\d{1,2}(\.\d{1,2})?$/, "a percentage, e.g. 27 or 0")
    .default("0"),
});

export type CounterpartyInput = z.input<typeof input>;

export type Counterparty = {
  id: string;
  name: string;
  vatId: string;
  country: string;
  address: string;
  email: string | null;
  paymentTermsDays: number;
  vatRate: string;
};

/** Creates a counterparty; a VAT id already used by this retailer is a conflict. */
export async function createCounterparty(
  db: Queryable,
  ctx: TradingContext,
  raw: CounterpartyInput,
): Promise<TradingResult<Counterparty>> {
  const parsed = input.safeParse(raw);
  if (!parsed.success)
    return refuse("invalid", "counterparty: invalid input", fieldErrors(parsed.error, "counterparty"));
  const c = parsed.data;
  const res = await db.query(
    `INSERT INTO trading_counterparty (id, retailer_id, name, vat_id, country, address, email, payment_terms_days, vat_rate)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [
      c.id,
      ctx.retailerId,
      c.name,
      c.vatId,
      c.country,
      c.address,
      c.email ?? null,
      c.paymentTermsDays,
      c.vatRate,
    ],
  );
  if (res.rowCount !== 1) return refuse("conflict", `counterparty ${c.id} or VAT id ${c.vatId} exists`);
  return {
    ok: true,
    value: { ...c, email: c.email ?? null },
  };
}

export async function listCounterparties(db: Queryable, ctx: TradingContext): Promise<Counterparty[]> {
  const res = await db.query<Counterparty>(
    `SELECT id, name, vat_id AS "vatId", country, address, email, payment_terms_days AS "paymentTermsDays",
       trim_scale(vat_rate)::text AS "vatRate"
     FROM trading_counterparty WHERE retailer_id = $1 ORDER BY name, id`,
    [ctx.retailerId],
  );
  return res.rows;
}
