import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TariffCandidates, applicableNetworkCharges, applicableTariff } from "./tariff-precedence.ts";

const own = { name: "own" };
const v2 = { name: "v2" };
const base = { name: "base" };
const candidates = (c: Partial<TariffCandidates>): TariffCandidates => ({
  contractId: "c1",
  contractTariff: null,
  productId: "p1",
  productVersion: 2,
  productVersionTariff: v2,
  productTariff: base,
  ...c,
});

describe("applicableTariff", () => {
  it.each([
    ["the contract's own tariff wins", { contractTariff: own }, "contract", "contract:c1", own],
    ["else the contract's product version", {}, "product_version", "product:p1@2", v2],
    ["else the product's base tariff (no version)", { productVersion: null }, "product", "product:p1", base],
    [
      "a version without a stored tariff falls back to the product",
      { productVersionTariff: null },
      "product",
      "product:p1",
      base,
    ],
  ] as const)("%s", (_, c, source, key, tariff) => {
    expect(applicableTariff(candidates(c))).toEqual({ source, key, tariff });
  });

  it("no tariff at all: undefined", () => {
    expect(applicableTariff(candidates({ productId: null }))).toBeUndefined();
    expect(applicableTariff(candidates({ productVersionTariff: null, productTariff: null }))).toBeUndefined();
  });

  const maybe = fc.option(fc.record({ name: fc.string() }), { nil: null });
  it("property: the result is the first present candidate in precedence order", () => {
    fc.assert(
      fc.property(maybe, maybe, maybe, fc.option(fc.nat(9), { nil: null }), (mine, version, product, n) => {
        const c = candidates({
          contractTariff: mine,
          productVersion: n,
          productVersionTariff: version,
          productTariff: product,
        });
        const expected = mine ?? (n !== null ? version : null) ?? product ?? undefined;
        expect(applicableTariff(c)?.tariff).toBe(expected);
      }),
    );
  });
});

describe("applicableNetworkCharges", () => {
  const charge = { code: "grid", description: "Grid", per: "kWh" as const, price: "0.08" };
  it("charges of the POD's network tariff with their payer", () => {
    expect(applicableNetworkCharges({ charges: [charge] }, "trader")).toEqual({
      paidBy: "trader",
      charges: [charge],
    });
  });
  it("no network tariff, or one without charges: none", () => {
    expect(applicableNetworkCharges(null, "customer")).toBeUndefined();
    expect(applicableNetworkCharges({ charges: [] }, "customer")).toBeUndefined();
    expect(applicableNetworkCharges({}, "customer")).toBeUndefined();
  });
});
