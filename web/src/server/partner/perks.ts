import { type Address, getAddress } from "viem";
import type { PartnerScope } from "@/server/core/authz.ts";
import { getPerkCatalogue, type PerkEntry, type WalletChain } from "@/server/prosumer/wallet.ts";
import type { Queryable } from "@c4e/prisma";

export type RedemptionEntry = {
  perkId: string;
  name: string;
  /** the customer's wallet that redeemed */
  account: Address;
  /** C4E base units paid */
  price: string;
  burned: boolean;
  txHash: string;
  blockTime: string;
};

export type ConsumptionEntry = {
  perkId: string;
  name: string;
  holder: Address;
  /** the partner's reference (bytes32 hex) */
  ref: string;
  txHash: string;
  blockTime: string;
};

export type PartnerView = {
  perksContract: Address | null;
  /** the perks this partner listed (every status) */
  perks: PerkEntry[];
  redemptions: RedemptionEntry[];
  consumptions: ConsumptionEntry[];
};

/**
 * The partner portal's data: the perks listed by the session's wallet on the configured C4EPerks
 * contract (chain mirror), their latest redemptions and the coupons the partner consumed. Other
 * partners' perks and redemptions are never returned.
 */
export async function getPartnerView(
  db: Queryable,
  scope: PartnerScope,
  chain: Pick<WalletChain, "chainId" | "perksAddress">,
  asOf: Date = new Date(),
): Promise<PartnerView> {
  const contract = chain.perksAddress;
  if (!contract) return { perksContract: null, perks: [], redemptions: [], consumptions: [] };
  const perks = (await getPerkCatalogue(db, { ...chain, greenCertificatesAddress: null }, asOf)).filter(
    (p) => p.partner.toLowerCase() === scope.partner,
  );
  const redemptions = await db.query<{
    perk_id: string;
    name: string | null;
    account: string;
    price: string;
    burned: boolean;
    tx_hash: string;
    block_time: Date;
  }>(
    `SELECT r.perk_id::text, p.name, r.account, r.price::text, r.burned, r.tx_hash, r.block_time
     FROM perk_redeemed r
     LEFT JOIN perk_created p ON p.chain_id = r.chain_id AND p.contract = r.contract AND p.perk_id = r.perk_id
     WHERE r.chain_id = $1 AND lower(r.contract) = lower($2) AND lower(r.partner) = $3
     ORDER BY r.block_number DESC, r.log_index DESC
     LIMIT 200`,
    [chain.chainId, contract, scope.partner],
  );
  const consumptions = await db.query<{
    perk_id: string;
    name: string | null;
    holder: string;
    ref: string;
    tx_hash: string;
    block_time: Date;
  }>(
    `SELECT c.perk_id::text, p.name, c.holder, c.ref, c.tx_hash, c.block_time
     FROM coupon_consumed c
     LEFT JOIN perk_created p ON p.chain_id = c.chain_id AND p.contract = c.contract AND p.perk_id = c.perk_id
     WHERE c.chain_id = $1 AND lower(c.contract) = lower($2) AND lower(c.partner) = $3
     ORDER BY c.block_number DESC, c.log_index DESC
     LIMIT 200`,
    [chain.chainId, contract, scope.partner],
  );
  return {
    perksContract: contract,
    perks,
    redemptions: redemptions.rows.map((r) => ({
      perkId: r.perk_id,
      name: r.name ?? `#${r.perk_id}`,
      account: getAddress(r.account),
      price: r.price,
      burned: r.burned,
      txHash: r.tx_hash,
      blockTime: r.block_time.toISOString(),
    })),
    consumptions: consumptions.rows.map((r) => ({
      perkId: r.perk_id,
      name: r.name ?? `#${r.perk_id}`,
      holder: getAddress(r.holder),
      ref: r.ref,
      txHash: r.tx_hash,
      blockTime: r.block_time.toISOString(),
    })),
  };
}
