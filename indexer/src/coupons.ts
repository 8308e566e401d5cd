import type { Queryable } from "@c4e/prisma";

/** A perk as mirrored: its terms, the latest end (PerkEnded) and the redemptions so far. */
export type MirroredPerk = {
  contract: string;
  perkId: bigint;
  partner: string;
  name: string;
  /** C4E base units per coupon */
  price: bigint;
  supply: bigint;
  redeemed: bigint;
  /** unix seconds */
  validFrom: bigint;
  /** unix seconds (the earlier of the listed end and an early end) */
  validUntil: bigint;
  burnTokens: boolean;
};

/** Coupons an address holds, with the terms of their perk. */
export type MirroredCoupon = Omit<MirroredPerk, "redeemed" | "supply" | "validFrom"> & { balance: bigint };

type PerkRow = {
  contract: string;
  perk_id: string;
  partner: string;
  name: string;
  price: string;
  supply: string;
  redeemed: string;
  valid_from: string;
  valid_until: string;
  burn_tokens: boolean;
};

const PERKS_SQL = `
  SELECT p."contract", p."perk_id"::text, p."partner", p."name", p."price"::text, p."supply"::text,
         p."valid_from"::text, p."burn_tokens",
         LEAST(p."valid_until", COALESCE((SELECT MIN(e."valid_until") FROM "perk_ended" AS e
           WHERE e."chain_id" = p."chain_id" AND e."contract" = p."contract" AND e."perk_id" = p."perk_id"),
           p."valid_until"))::text AS "valid_until",
         (SELECT count(*) FROM "perk_redeemed" AS r
           WHERE r."chain_id" = p."chain_id" AND r."contract" = p."contract" AND r."perk_id" = p."perk_id")::text
           AS "redeemed"
  FROM "perk_created" AS p`;

function toPerk(r: PerkRow): MirroredPerk {
  return {
    contract: r.contract,
    perkId: BigInt(r.perk_id),
    partner: r.partner,
    name: r.name,
    price: BigInt(r.price),
    supply: BigInt(r.supply),
    redeemed: BigInt(r.redeemed),
    validFrom: BigInt(r.valid_from),
    validUntil: BigInt(r.valid_until),
    burnTokens: r.burn_tokens,
  };
}

/**
 * Every perk mirrored on chain `chainId`, by contract and id, with its redemptions so far.
 * @example await perksOf(pool, 31337) // [{ perkId: 1n, name: "PV panel cleaning −10 %", redeemed: 2n, … }]
 */
export async function perksOf(db: Queryable, chainId: number): Promise<MirroredPerk[]> {
  const { rows } = await db.query<PerkRow>(
    `${PERKS_SQL} WHERE p."chain_id" = $1 ORDER BY p."contract", p."perk_id"`,
    [chainId],
  );
  return rows.map(toPerk);
}

/**
 * The energy coupons `address` holds on chain `chainId` (coupon_balance view over the mirrored ERC-1155
 * transfers: redemptions minus consumptions and transfers), with their perk's terms; largest perk id last.
 * Only non-zero balances; addresses in any case.
 * @example await couponsOf(pool, 31337, wallet) // [{ perkId: 1n, balance: 1n, name: "…", partner: "0x…", … }]
 */
export async function couponsOf(db: Queryable, chainId: number, address: string): Promise<MirroredCoupon[]> {
  const { rows } = await db.query<PerkRow & { balance: string }>(
    `SELECT b."balance"::text, p.* FROM "coupon_balance" AS b
     JOIN (${PERKS_SQL} WHERE p."chain_id" = $1) AS p ON p."contract" = b."contract" AND p."perk_id" = b."perk_id"::text
     WHERE b."chain_id" = $1 AND b."address" = $2 AND b."balance" <> 0
     ORDER BY b."contract", b."perk_id"`,
    [chainId, address.toLowerCase()],
  );
  return rows.map((r) => {
    const { contract, perkId, partner, name, price, validUntil, burnTokens } = toPerk(r);
    return { contract, perkId, partner, name, price, validUntil, burnTokens, balance: BigInt(r.balance) };
  });
}

/** Green certificates of one holder: unclaimed units and units claimed, per certificate (reward batch). */
export type MirroredCertificate = {
  contract: string;
  certificateId: bigint;
  /** the reward batch id (bytes32 hex) */
  batchId: string;
  /** unclaimed Wh held */
  balance: bigint;
  /** Wh claimed (retired) by this holder */
  claimedWh: bigint;
};

/**
 * Green certificates of `address` on chain `chainId`: held (certificate_balance view) and claimed
 * (certificates_claimed), per certificate id; rows with both zero are left out.
 */
export async function certificatesOf(
  db: Queryable,
  chainId: number,
  address: string,
): Promise<MirroredCertificate[]> {
  const { rows } = await db.query<{
    contract: string;
    certificate_id: string;
    balance: string;
    claimed_wh: string;
  }>(
    `SELECT "contract", "certificate_id"::text, SUM("balance")::text AS "balance", SUM("claimed")::text AS "claimed_wh"
     FROM (
       SELECT "contract", "certificate_id", "balance", 0 AS "claimed" FROM "certificate_balance"
        WHERE "chain_id" = $1 AND "address" = $2
       UNION ALL
       SELECT "contract", "certificate_id", 0, "energy_wh" FROM "certificates_claimed"
        WHERE "chain_id" = $1 AND "holder" = $2
     ) AS c
     GROUP BY "contract", "certificate_id"
     HAVING SUM("balance") <> 0 OR SUM("claimed") <> 0
     ORDER BY "contract", "certificate_id"`,
    [chainId, address.toLowerCase()],
  );
  return rows.map((r) => ({
    contract: r.contract,
    certificateId: BigInt(r.certificate_id),
    batchId: `0x${BigInt(r.certificate_id).toString(16).padStart(64, "0")}`,
    balance: BigInt(r.balance),
    claimedWh: BigInt(r.claimed_wh),
  }));
}
