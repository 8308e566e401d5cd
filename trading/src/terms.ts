// Contract terms as stored (trading_contract_version.terms) and as entered: validated with zod into the
// domain's Product / Tenor / Quantity / ContractPrice. A field error names its path (e.g.
// `terms.price.spreadPerMwh`).
import type { ContractPrice, Product, Quantity, Tenor } from "@c4e/domain/trading";
import { z } from "zod";

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD expected");
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "a decimal text expected");
const hour = z.number().int().min(0).max(24);

const product = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("base") }),
  z.object({ kind: z.literal("peak") }),
  z.object({ kind: z.literal("offpeak") }),
  z.object({
    kind: z.literal("block"),
    days: z.array(z.number().int().min(0).max(6)).min(1),
    fromHour: hour,
    toHour: hour,
  }),
  z.object({
    kind: z.literal("profile"),
    points: z.array(z.object({ start: z.string(), mwh: decimal })).min(1),
  }),
]);

const tenor = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("day"), date }),
  z.object({ kind: z.literal("week"), monday: date }),
  z.object({ kind: z.literal("month"), month: z.string().regex(/^\d{4}-\d{2}$/, "YYYY-MM expected") }),
  z.object({
    kind: z.literal("quarter"),
    year: z.number().int(),
    quarter: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  }),
  z.object({ kind: z.literal("year"), year: z.number().int() }),
  z.object({ kind: z.literal("custom"), start: date, end: date }),
]);

const quantity = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("power"), mw: decimal }),
  z.object({ kind: z.literal("energy"), totalMwh: decimal }),
  z.object({ kind: z.literal("profile") }),
]);

const price = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fixed"), pricePerMwh: decimal }),
  z.object({ kind: z.literal("indexed"), zone: z.string().min(1), spreadPerMwh: decimal }),
]);

export const termsSchema = z.object({ product, tenor, quantity, price });

export type ContractTerms = { product: Product; tenor: Tenor; quantity: Quantity; price: ContractPrice };

/** Field errors of a zod parse as `path: message` pairs under `prefix`. */
export function fieldErrors(error: z.ZodError, prefix: string): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join("."), message: i.message }));
}
