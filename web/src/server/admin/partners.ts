import { c4ePerksAbi } from "@c4e/contracts";
import { type Address, getAddress, type PublicClient } from "viem";
import type { StaffScope } from "@/server/core/authz.ts";
import { getPartnerView, type PartnerView } from "@/server/partner/perks.ts";
import type { WalletChain } from "@/server/prosumer/wallet.ts";
import type { Queryable } from "@c4e/prisma";

export type PartnerOverviewEntry = {
  address: Address;
  name: string;
  disabled: boolean;
  /** exactly what the partner sees in its own portal (same queries: partner.ts) */
  view: PartnerView;
};

/**
 * Every partner of the scope's retailer (web_user rows with the partner role) with its perks, their
 * redemptions and the coupons it consumed, from the chain mirror. Partners of other retailers and
 * perks listed by addresses that are not the retailer's partners are not shown.
 */
export async function listPartnersOverview(
  db: Queryable,
  scope: StaffScope,
  chain: Pick<WalletChain, "chainId" | "perksAddress">,
): Promise<PartnerOverviewEntry[]> {
  const { rows } = await db.query<{ address: string; name: string; disabled: boolean }>(
    `SELECT address, name, disabled_at IS NOT NULL AS disabled FROM web_user
     WHERE retailer_id = $1 AND role = 'partner' ORDER BY name, address`,
    [scope.retailerId],
  );
  const entries: PartnerOverviewEntry[] = [];
  for (const r of rows)
    entries.push({
      address: getAddress(r.address),
      name: r.name,
      disabled: r.disabled,
      view: await getPartnerView(db, { partner: r.address, retailerId: scope.retailerId }, chain),
    });
  return entries;
}

/**
 * Whether each address holds `C4EPerks.PARTNER_ROLE` on chain (read through the server's chain
 * client): true / false, or null for every address when the chain cannot be read (the page then says
 * "unknown" instead of guessing). Also returns the role id, which the grant button sends.
 */
export async function partnerRolesOnChain(
  client: Pick<PublicClient, "readContract">,
  perksAddress: Address | null,
  addresses: Address[],
): Promise<{ role: `0x${string}` | null; held: Map<Address, boolean | null> }> {
  const unknown = () => new Map(addresses.map((a) => [a, null] as const));
  if (!perksAddress) return { role: null, held: unknown() };
  try {
    const perks = { address: perksAddress, abi: c4ePerksAbi } as const;
    const role = await client.readContract({ ...perks, functionName: "PARTNER_ROLE" });
    const held = await Promise.all(
      addresses.map((a) => client.readContract({ ...perks, functionName: "hasRole", args: [role, a] })),
    );
    return { role, held: new Map(addresses.map((a, i) => [a, held[i] ?? null] as const)) };
  } catch {
    return { role: null, held: unknown() };
  }
}
