// Purchase and sales contracts with versioned terms. A contract is created with version 1; an
// amendment adds a version with a reason. Once delivery has started (the caller's `asOf` local date is
// on or after the delivery start) the contract is locked: amendments are refused.
import { isCurrencyCode, isValidTimeZone } from "@c4e/domain";
import { type Shape, TradingInputError, expandProduct, tenorPeriod } from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { z } from "zod";
import { type FieldError, type TradingContext, type TradingResult, refuse } from "./errors.ts";
import { type ContractTerms, fieldErrors, termsSchema } from "./terms.ts";

const header = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,62}$/, "letters, digits and dashes"),
  number: z.string().trim().min(1),
  side: z.enum(["buy", "sell"]),
  counterpartyId: z.string().min(1),
  contractDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD expected"),
  zone: z.string().regex(/^[A-Z0-9-]{2,16}$/, "a bidding zone code, e.g. BE or HU"),
  timeZone: z.string().refine(isValidTimeZone, "an IANA time zone"),
  resolutionMinutes: z.union([z.literal(60), z.literal(15)]).default(60),
  currency: z.string().refine(isCurrencyCode, "an ISO 4217 currency"),
  paymentSchedule: z.enum(["monthly", "decade"]).default("monthly"),
  paymentTermsDays: z.number().int().min(0).max(365).default(14),
  balanceGroup: z.string().nullish(),
  terms: termsSchema,
});

export type ContractInput = z.input<typeof header>;

export type StoredContract = {
  id: string;
  number: string;
  side: "buy" | "sell";
  counterpartyId: string;
  counterpartyName: string;
  counterpartyCountry: string;
  contractDate: string;
  zone: string;
  timeZone: string;
  resolutionMinutes: 15 | 60;
  currency: string;
  paymentSchedule: "monthly" | "decade";
  paymentTermsDays: number;
  balanceGroup: string | null;
  version: number;
  deliveryStart: string;
  deliveryEnd: string;
  terms: ContractTerms;
};

/** The contract's delivered intervals (domain expansion of its current terms). */
export function contractShape(
  c: Pick<StoredContract, "terms" | "timeZone" | "resolutionMinutes" | "number">,
): Shape {
  return expandProduct(
    { ...c.terms, timeZone: c.timeZone, resolutionMinutes: c.resolutionMinutes },
    `contract ${c.number}`,
  );
}

/** Terms checked by the domain: the expansion must succeed (a field error names the terms path). */
function checkTerms(terms: ContractTerms, timeZone: string, resolutionMinutes: 15 | 60): FieldError[] {
  try {
    expandProduct({ ...terms, timeZone, resolutionMinutes }, "terms");
    if (terms.product.kind === "profile" && terms.quantity.kind !== "profile")
      return [
        { path: "terms.quantity.kind", message: `a profile product takes quantity { kind: "profile" }` },
      ];
    return [];
  } catch (e) {
    if (e instanceof TradingInputError) return [{ path: e.path, message: e.reason }];
    throw e;
  }
}

/** Creates a contract and its version 1. */
export async function createContract(
  db: Queryable,
  ctx: TradingContext,
  raw: ContractInput,
): Promise<TradingResult<StoredContract>> {
  const parsed = header.safeParse(raw);
  if (!parsed.success)
    return refuse("invalid", "contract: invalid input", fieldErrors(parsed.error, "contract"));
  const c = parsed.data;
  const terms = c.terms as ContractTerms;
  const errors = checkTerms(terms, c.timeZone, c.resolutionMinutes);
  if (errors.length > 0) return refuse("invalid", "contract: invalid terms", errors);
  const cp = await db.query(`SELECT 1 FROM trading_counterparty WHERE id = $1 AND retailer_id = $2`, [
    c.counterpartyId,
    ctx.retailerId,
  ]);
  if (cp.rowCount !== 1)
    return refuse("invalid", "contract: no such counterparty", [
      { path: "contract.counterpartyId", message: "unknown" },
    ]);
  const period = tenorPeriod(terms.tenor);
  const ins = await db.query(
    `INSERT INTO trading_contract (id, retailer_id, number, side, counterparty_id, contract_date, zone, time_zone,
       resolution_minutes, currency, payment_schedule, payment_terms_days, balance_group, current_version,
       delivery_start, delivery_end)
     VALUES ($1, $2, $3, $4::"TradingSide", $5, $6::date, $7, $8, $9, $10, $11::"TradingPaymentSchedule", $12, $13, 1,
       $14::date, $15::date)
     ON CONFLICT DO NOTHING`,
    [
      c.id,
      ctx.retailerId,
      c.number,
      c.side,
      c.counterpartyId,
      c.contractDate,
      c.zone,
      c.timeZone,
      c.resolutionMinutes,
      c.currency,
      c.paymentSchedule,
      c.paymentTermsDays,
      c.balanceGroup ?? null,
      period.start,
      period.end,
    ],
  );
  if (ins.rowCount !== 1) return refuse("conflict", `contract ${c.id} or number ${c.number} exists`);
  await db.query(
    `INSERT INTO trading_contract_version (contract_id, version, terms, reason, created_by) VALUES ($1, 1, $2, 'signed', $3)`,
    [c.id, JSON.stringify(terms), ctx.actor ?? null],
  );
  const stored = await getContract(db, ctx, c.id);
  if (!stored) throw new Error(`contract ${c.id} vanished`);
  return { ok: true, value: stored };
}

export type AmendParams = {
  contractId: string;
  terms: unknown;
  reason: string;
  /** today's local date in the delivery zone (the caller's clock; the lock compares with it) */
  asOf: string;
};

/**
 * Adds a version with new terms. Refused as `locked` when delivery of the current version has
 * started by `asOf`, and as `invalid` without a reason or with terms the domain refuses.
 */
export async function amendContract(
  db: Queryable,
  ctx: TradingContext,
  p: AmendParams,
): Promise<TradingResult<{ version: number }>> {
  const cur = await db.query<{
    current_version: number;
    delivery_start: string;
    time_zone: string;
    resolution_minutes: 15 | 60;
  }>(
    `SELECT current_version, delivery_start::text, time_zone, resolution_minutes FROM trading_contract
     WHERE id = $1 AND retailer_id = $2 FOR UPDATE`,
    [p.contractId, ctx.retailerId],
  );
  const row = cur.rows[0];
  if (!row) return refuse("not_found", `no contract ${p.contractId}`);
  if (p.asOf >= row.delivery_start)
    return refuse("locked", `contract ${p.contractId} is locked: delivery started on ${row.delivery_start}`);
  if (p.reason.trim() === "")
    return refuse("invalid", "an amendment needs a reason", [{ path: "reason", message: "required" }]);
  const parsed = termsSchema.safeParse(p.terms);
  if (!parsed.success)
    return refuse("invalid", "amendment: invalid terms", fieldErrors(parsed.error, "terms"));
  const terms = parsed.data as ContractTerms;
  const errors = checkTerms(terms, row.time_zone, row.resolution_minutes);
  if (errors.length > 0) return refuse("invalid", "amendment: invalid terms", errors);
  const version = row.current_version + 1;
  const period = tenorPeriod(terms.tenor);
  await db.query(
    `INSERT INTO trading_contract_version (contract_id, version, terms, reason, created_by) VALUES ($1, $2, $3, $4, $5)`,
    [p.contractId, version, JSON.stringify(terms), p.reason.trim(), ctx.actor ?? null],
  );
  await db.query(
    `UPDATE trading_contract SET current_version = $2, delivery_start = $3::date, delivery_end = $4::date WHERE id = $1`,
    [p.contractId, version, period.start, period.end],
  );
  return { ok: true, value: { version } };
}

const SELECT = `SELECT c.id, c.number, c.side::text, c.counterparty_id AS "counterpartyId", cp.name AS "counterpartyName",
    cp.country AS "counterpartyCountry", c.contract_date::text AS "contractDate", c.zone, c.time_zone AS "timeZone",
    c.resolution_minutes AS "resolutionMinutes", c.currency, c.payment_schedule::text AS "paymentSchedule",
    c.payment_terms_days AS "paymentTermsDays", c.balance_group AS "balanceGroup", c.current_version AS version,
    c.delivery_start::text AS "deliveryStart", c.delivery_end::text AS "deliveryEnd", v.terms
  FROM trading_contract c
  JOIN trading_counterparty cp ON cp.id = c.counterparty_id
  JOIN trading_contract_version v ON v.contract_id = c.id AND v.version = c.current_version`;

export async function getContract(
  db: Queryable,
  ctx: TradingContext,
  id: string,
): Promise<StoredContract | undefined> {
  const res = await db.query<StoredContract>(`${SELECT} WHERE c.id = $1 AND c.retailer_id = $2`, [
    id,
    ctx.retailerId,
  ]);
  return res.rows[0];
}

/** Contracts delivering in [from, to) (local dates), by contract date and number. */
export async function listContracts(
  db: Queryable,
  ctx: TradingContext,
  range?: { from: string; to: string },
): Promise<StoredContract[]> {
  const res = range
    ? await db.query<StoredContract>(
        `${SELECT} WHERE c.retailer_id = $1 AND c.delivery_start < $3::date AND c.delivery_end > $2::date
         ORDER BY c.contract_date, c.number`,
        [ctx.retailerId, range.from, range.to],
      )
    : await db.query<StoredContract>(
        `${SELECT} WHERE c.retailer_id = $1 ORDER BY c.contract_date, c.number`,
        [ctx.retailerId],
      );
  return res.rows;
}

export async function contractVersions(
  db: Queryable,
  ctx: TradingContext,
  id: string,
): Promise<
  { version: number; reason: string; createdBy: string | null; createdAt: Date; terms: ContractTerms }[]
> {
  const res = await db.query(
    `SELECT v.version, v.reason, v.created_by AS "createdBy", v.created_at AS "createdAt", v.terms
     FROM trading_contract_version v JOIN trading_contract c ON c.id = v.contract_id
     WHERE v.contract_id = $1 AND c.retailer_id = $2 ORDER BY v.version`,
    [id, ctx.retailerId],
  );
  return res.rows;
}
