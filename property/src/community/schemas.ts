// Input of the community use cases (zod): the web and the CLI parse with the same schemas.
import { CAP_RULE_NAMES, LANGUAGES } from "@c4e/domain/community";
import { z } from "zod";
import { ID_PATTERN } from "./errors.ts";

const decimal = z.string().regex(/^\d+(\.\d+)?$/, "not a non-negative decimal");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "not a date YYYY-MM-DD");

export const solarPriceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fixed"), pricePerKwh: decimal }),
  z.object({
    kind: z.literal("cost_basis"),
    investment: decimal,
    interestRatePercent: decimal,
    years: z.number().int().min(1).max(100),
    operatingCostsPerYear: decimal,
    selfConsumedKwhPerYear: decimal,
  }),
]);

export const capRuleSchema = z.discriminatedUnion("rule", [
  z.object({ rule: z.literal("cost_only") }),
  z.object({ rule: z.literal("half_saving") }),
  z.object({ rule: z.literal("share_of_standard"), share: decimal }),
]);
export const CAP_RULES = Object.keys(CAP_RULE_NAMES);

export const gridTariffSchema = z.object({
  /** price per kWh of each band; "all" without time of use */
  pricesPerKwh: z.record(z.string().min(1), decimal),
  /** a billing Tariff JSON with `tou` whose bands name the keys of pricesPerKwh (optional) */
  tariff: z.unknown().optional(),
});

export const feeSchema = z.object({
  code: z.string().regex(/^[a-z0-9_.-]{1,30}$/),
  description: z.string().min(1).max(120),
  per: z.enum(["month", "day", "period"]),
  price: decimal,
});

export const createCommunitySchema = z.object({
  id: z.string().regex(ID_PATTERN, "2–40 characters a-z, 0-9 and -"),
  name: z.string().min(1).max(120),
  address: z.string().min(1).max(300),
  currency: z.string().length(3),
  timeZone: z.string().min(1),
  billingCycle: z.enum(["monthly", "quarterly", "half_yearly", "yearly"]),
  standardPricePerKwh: decimal,
  solarPrice: solarPriceSchema,
  capRule: capRuleSchema,
  gridTariff: gridTariffSchema,
  fees: z.array(feeSchema).max(10).default([]),
  vatRate: decimal,
  commonBasis: z.enum(["area", "equal"]).default("area"),
  ownerName: z.string().min(1).max(120),
  ownerAddress: z.string().min(1).max(300),
  language: z.enum(LANGUAGES as unknown as [string, ...string[]]).default("de"),
});
export type CreateCommunityInput = z.input<typeof createCommunitySchema>;

export const addUnitSchema = z.object({
  communityId: z.string(),
  name: z.string().min(1).max(60),
  areaM2: decimal,
});

export const assignMeterSchema = z.object({
  communityId: z.string(),
  meterId: z.string().min(1),
  role: z.enum(["grid", "plant", "battery", "apartment", "common", "heat_pump", "ev_charger"]),
  unitId: z.string().nullable().default(null),
  plantOwner: z.string().max(120).nullable().default(null),
  source: z.enum(["gateway", "csv"]).default("gateway"),
});

export const moveInSchema = z.object({
  communityId: z.string(),
  unitId: z.string(),
  name: z.string().min(1).max(120),
  email: z.string().email().nullable().default(null),
  language: z.enum(LANGUAGES as unknown as [string, ...string[]]).default("de"),
  moveIn: date,
  moveOut: date.nullable().default(null),
  /** an existing customer of the tenant (e.g. a wallet holder); else a new one is opened */
  customerId: z.string().optional(),
});

export const periodSchema = z.object({ communityId: z.string(), start: date });
