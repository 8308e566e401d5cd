/**
 * Which prices apply to a POD: the energy tariff by precedence (the contract's own tariff, else the
 * product version the contract is on, else the product's base tariff) and the network charges of
 * the POD's network tariff with who pays them. Pure: the store loads the candidates, this decides.
 */
import type { NetworkCharge } from "./contract-terms.ts";

/** The candidate energy tariffs of a contract, as stored (JSON, not yet parsed). */
export type TariffCandidates = {
  contractId: string;
  /** The contract's individual tariff (`contract.energy_tariff`), if it has one. */
  contractTariff: unknown;
  productId: string | null;
  productVersion: number | null;
  /** The tariff of the product version the contract is on. */
  productVersionTariff: unknown;
  /** The product's base tariff (contracts made before product versions). */
  productTariff: unknown;
};

export type TariffSource = "contract" | "product_version" | "product";

/** The applicable energy tariff with where it came from; `key` identifies it (cache key, audit). */
export type ApplicableTariff = { source: TariffSource; key: string; tariff: unknown };

const present = (value: unknown): boolean => value !== null && value !== undefined;

/**
 * The energy tariff that applies: contract over product version over product; undefined when the
 * contract has none of them.
 * @example applicableTariff({ contractId: "c1", contractTariff: null, productId: "p", productVersion: 2,
 *   productVersionTariff: t2, productTariff: t0 }) // { source: "product_version", key: "product:p@2", tariff: t2 }
 */
export function applicableTariff(c: TariffCandidates): ApplicableTariff | undefined {
  if (present(c.contractTariff))
    return { source: "contract", key: `contract:${c.contractId}`, tariff: c.contractTariff };
  if (c.productId === null) return undefined;
  if (c.productVersion !== null && present(c.productVersionTariff)) {
    return {
      source: "product_version",
      key: `product:${c.productId}@${c.productVersion}`,
      tariff: c.productVersionTariff,
    };
  }
  if (present(c.productTariff))
    return { source: "product", key: `product:${c.productId}`, tariff: c.productTariff };
  return undefined;
}

/**
 * The network charges on the contract terms: the POD's network tariff's charges, if it has any,
 * with who pays them (a trader-paid network tariff stays off the customer's invoice).
 */
export function applicableNetworkCharges(
  networkTariff: { charges?: readonly NetworkCharge[] } | null,
  paidBy: "customer" | "trader",
): { paidBy: "customer" | "trader"; charges: NetworkCharge[] } | undefined {
  const charges = networkTariff?.charges;
  if (!charges || charges.length === 0) return undefined;
  return { paidBy, charges: [...charges] };
}
