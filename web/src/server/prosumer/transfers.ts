import { type Address, getAddress } from "viem";
import type { CustomerScope } from "./summary.ts";
import type { Queryable } from "@c4e/prisma";

const ZERO = "0x0000000000000000000000000000000000000000";

export type TransferEntry = {
  txHash: string;
  logIndex: number;
  blockNumber: string;
  blockTime: string;
  /** "in" to one of the customer's wallets, "out" from one; a move between own wallets is "self". */
  direction: "in" | "out" | "self";
  /** A mint (from the zero address), e.g. a reward. */
  mint: boolean;
  from: Address;
  to: Address;
  /** Base units (18 decimals) as a decimal string. */
  value: string;
};

/** C4E transfers from or to the customer's wallets (chain mirror), newest first. */
export async function getTransfers(
  db: Queryable,
  scope: CustomerScope,
  chain: { chainId: number; tokenAddress: Address },
  limit = 100,
): Promise<TransferEntry[]> {
  const { rows } = await db.query<{
    tx_hash: string;
    log_index: number;
    block_number: string;
    block_time: Date;
    from_address: string;
    to_address: string;
    value: string;
    from_mine: boolean;
    to_mine: boolean;
  }>(
    `WITH mine AS (SELECT lower(address) AS address FROM wallet WHERE customer_id = $1)
     SELECT t.tx_hash, t.log_index, t.block_number::text, t.block_time, t.from_address, t.to_address,
            t.value::numeric(78, 0)::text AS value,
            lower(t.from_address) IN (SELECT address FROM mine) AS from_mine,
            lower(t.to_address) IN (SELECT address FROM mine) AS to_mine
     FROM token_transfer t
     WHERE t.chain_id = $2 AND lower(t.token) = lower($3)
       AND (lower(t.from_address) IN (SELECT address FROM mine) OR lower(t.to_address) IN (SELECT address FROM mine))
     ORDER BY t.block_number DESC, t.log_index DESC
     LIMIT $4`,
    [scope.customerId, chain.chainId, chain.tokenAddress, limit],
  );
  return rows.map((r) => ({
    txHash: r.tx_hash,
    logIndex: r.log_index,
    blockNumber: r.block_number,
    blockTime: r.block_time.toISOString(),
    direction: r.from_mine && r.to_mine ? "self" : r.to_mine ? "in" : "out",
    mint: r.from_address.toLowerCase() === ZERO,
    from: getAddress(r.from_address),
    to: getAddress(r.to_address),
    value: r.value,
  }));
}
