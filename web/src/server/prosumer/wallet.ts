import { certificatesOf, couponsOf, perksOf } from "@c4e/indexer/coupons";
import { type Address, getAddress } from "viem";
import type { CustomerScope } from "@/server/core/authz.ts";
import type { Queryable } from "@c4e/prisma";

/** A pool or a client of it (what the indexer's read functions take). */

/** The mirrored contracts the wallet reads; a null address hides its section. */
export type WalletChain = {
  chainId: number;
  perksAddress: Address | null;
  greenCertificatesAddress: Address | null;
};

export type PerkEntry = {
  perkId: string;
  name: string;
  partner: Address;
  /** C4E base units per coupon, as a decimal string */
  price: string;
  supply: string;
  redeemed: string;
  /** ISO instants */
  validFrom: string;
  validUntil: string;
  burnTokens: boolean;
  /** "open" (redeemable now), "upcoming", "ended" or "sold_out" (at `asOf`) */
  status: "open" | "upcoming" | "ended" | "sold_out";
};

export type CouponEntry = {
  perkId: string;
  name: string;
  partner: Address;
  holder: Address;
  /** coupons held */
  balance: string;
  validUntil: string;
};

export type UsedCouponEntry = {
  perkId: string;
  name: string;
  holder: Address;
  /** the partner's reference (bytes32 hex) */
  ref: string;
  txHash: string;
  blockTime: string;
};

export type CertificateEntry = {
  certificateId: string;
  /** reward batch id (bytes32 hex) */
  batchId: string;
  holder: Address;
  /** unclaimed Wh held */
  balanceWh: string;
  /** Wh this wallet claimed (retired) */
  claimedWh: string;
};

export type CertificateClaimEntry = {
  certificateId: string;
  holder: Address;
  energyWh: string;
  beneficiary: string;
  txHash: string;
  blockTime: string;
};

export type WalletView = {
  perksContract: Address | null;
  certificatesContract: Address | null;
  perks: PerkEntry[];
  coupons: CouponEntry[];
  usedCoupons: UsedCouponEntry[];
  certificates: CertificateEntry[];
  claims: CertificateClaimEntry[];
};

const iso = (unixSeconds: bigint) => new Date(Number(unixSeconds) * 1000).toISOString();
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function walletsOf(db: Queryable, scope: CustomerScope): Promise<string[]> {
  const { rows } = await db.query<{ address: string }>(
    "SELECT lower(address) AS address FROM wallet WHERE customer_id = $1 ORDER BY address",
    [scope.customerId],
  );
  return rows.map((r) => r.address);
}

/**
 * The perk catalogue of the configured C4EPerks contract (chain mirror), with each perk's status at
 * `asOf`. Perks are public terms (name, partner, price, supply): every customer sees the same list.
 */
export async function getPerkCatalogue(
  db: Queryable,
  chain: WalletChain,
  asOf: Date = new Date(),
): Promise<PerkEntry[]> {
  const contract = chain.perksAddress;
  if (!contract) return [];
  const now = BigInt(Math.floor(asOf.getTime() / 1000));
  return (await perksOf(db, chain.chainId))
    .filter((p) => same(p.contract, contract))
    .map((p) => ({
      perkId: p.perkId.toString(),
      name: p.name,
      partner: getAddress(p.partner),
      price: p.price.toString(),
      supply: p.supply.toString(),
      redeemed: p.redeemed.toString(),
      validFrom: iso(p.validFrom),
      validUntil: iso(p.validUntil),
      burnTokens: p.burnTokens,
      status:
        now >= p.validUntil
          ? "ended"
          : now < p.validFrom
            ? "upcoming"
            : p.redeemed >= p.supply
              ? "sold_out"
              : "open",
    }));
}

/**
 * The customer's wallet: perk catalogue, energy coupons held and used, green certificates held and
 * claimed, for every wallet of the customer (from the session's scope only).
 */
export async function getWallet(
  db: Queryable,
  scope: CustomerScope,
  chain: WalletChain,
  asOf: Date = new Date(),
): Promise<WalletView> {
  const wallets = await walletsOf(db, scope);
  const view: WalletView = {
    perksContract: chain.perksAddress,
    certificatesContract: chain.greenCertificatesAddress,
    perks: await getPerkCatalogue(db, chain, asOf),
    coupons: [],
    usedCoupons: [],
    certificates: [],
    claims: [],
  };
  const perks = chain.perksAddress;
  if (perks) {
    for (const wallet of wallets)
      for (const c of await couponsOf(db, chain.chainId, wallet))
        if (same(c.contract, perks))
          view.coupons.push({
            perkId: c.perkId.toString(),
            name: c.name,
            partner: getAddress(c.partner),
            holder: getAddress(wallet),
            balance: c.balance.toString(),
            validUntil: iso(c.validUntil),
          });
    const used = await db.query<{
      perk_id: string;
      name: string | null;
      holder: string;
      ref: string;
      tx_hash: string;
      block_time: Date;
    }>(
      `SELECT c.perk_id::text, p.name, c.holder, c.ref, c.tx_hash, c.block_time
       FROM coupon_consumed c
       LEFT JOIN perk_created p
         ON p.chain_id = c.chain_id AND p.contract = c.contract AND p.perk_id = c.perk_id
       WHERE c.chain_id = $1 AND lower(c.contract) = lower($2) AND lower(c.holder) = ANY($3::text[])
       ORDER BY c.block_number DESC, c.log_index DESC
       LIMIT 100`,
      [chain.chainId, perks, wallets],
    );
    view.usedCoupons = used.rows.map((r) => ({
      perkId: r.perk_id,
      name: r.name ?? `#${r.perk_id}`,
      holder: getAddress(r.holder),
      ref: r.ref,
      txHash: r.tx_hash,
      blockTime: r.block_time.toISOString(),
    }));
  }
  const certificates = chain.greenCertificatesAddress;
  if (certificates) {
    for (const wallet of wallets)
      for (const c of await certificatesOf(db, chain.chainId, wallet))
        if (same(c.contract, certificates))
          view.certificates.push({
            certificateId: c.certificateId.toString(),
            batchId: c.batchId,
            holder: getAddress(wallet),
            balanceWh: c.balance.toString(),
            claimedWh: c.claimedWh.toString(),
          });
    const claims = await db.query<{
      certificate_id: string;
      holder: string;
      energy_wh: string;
      beneficiary: string;
      tx_hash: string;
      block_time: Date;
    }>(
      `SELECT certificate_id::text, holder, energy_wh::text, beneficiary, tx_hash, block_time
       FROM certificates_claimed
       WHERE chain_id = $1 AND lower(contract) = lower($2) AND lower(holder) = ANY($3::text[])
       ORDER BY block_number DESC, log_index DESC
       LIMIT 100`,
      [chain.chainId, certificates, wallets],
    );
    view.claims = claims.rows.map((r) => ({
      certificateId: r.certificate_id,
      holder: getAddress(r.holder),
      energyWh: r.energy_wh,
      beneficiary: r.beneficiary,
      txHash: r.tx_hash,
      blockTime: r.block_time.toISOString(),
    }));
  }
  return view;
}
