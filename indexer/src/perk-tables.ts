import type pg from "pg";
import type {
  CertificatesClaimedLog,
  CertificatesIssuedLog,
  CouponConsumedLog,
  Erc1155TransferLog,
  PerkCreatedLog,
  PerkEndedLog,
  PerkOrCertificateLog,
  PerkRedeemedLog,
} from "./chain-reader.ts";

type Cell = string | number | boolean;
type Column<L> = { name: string; type: string; value: (log: L) => Cell };
type TableSpec = { table: string; columns: Column<PerkOrCertificateLog>[] };

/** A table whose columns read one kind of log (the map below routes each log to its table). */
function spec<L extends PerkOrCertificateLog>(table: string, columns: Column<L>[]): TableSpec {
  return { table, columns: columns as unknown as Column<PerkOrCertificateLog>[] };
}

const text = <L>(name: string, value: (log: L) => Cell): Column<L> => ({ name, type: "text", value });
const numeric = <L>(name: string, value: (log: L) => bigint): Column<L> => ({
  name,
  type: "numeric",
  value: (l) => value(l).toString(),
});
const bigint = <L>(name: string, value: (log: L) => bigint): Column<L> => ({
  name,
  type: "bigint",
  value: (l) => value(l).toString(),
});
const bool = <L>(name: string, value: (log: L) => boolean): Column<L> => ({ name, type: "boolean", value });
const int = <L>(name: string, value: (log: L) => bigint): Column<L> => ({
  name,
  type: "int",
  value: (l) => Number(value(l)),
});
/** A numeric[] per row, passed as its array literal (unnest would flatten a 2-D parameter). */
const numericArray = <L>(name: string, value: (log: L) => readonly bigint[]): Column<L> => ({
  name,
  type: "numeric[]",
  value: (l) => `{${value(l).join(",")}}`,
});

/** The perks' and certificates' mirror tables (prisma/schema/chain-perks.prisma), by log kind. */
export const PERK_TABLES: Record<PerkOrCertificateLog["kind"], TableSpec> = {
  perkCreated: spec<PerkCreatedLog>("perk_created", [
    text("contract", (l) => l.contract),
    numeric("perk_id", (l) => l.perkId),
    text("partner", (l) => l.partner),
    numeric("price", (l) => l.price),
    numeric("supply", (l) => l.supply),
    bigint("valid_from", (l) => l.validFrom),
    bigint("valid_until", (l) => l.validUntil),
    bool("burn_tokens", (l) => l.burnTokens),
    text("name", (l) => l.name),
  ]),
  perkEnded: spec<PerkEndedLog>("perk_ended", [
    text("contract", (l) => l.contract),
    numeric("perk_id", (l) => l.perkId),
    bigint("valid_until", (l) => l.validUntil),
  ]),
  perkRedeemed: spec<PerkRedeemedLog>("perk_redeemed", [
    text("contract", (l) => l.contract),
    numeric("perk_id", (l) => l.perkId),
    text("account", (l) => l.account),
    text("partner", (l) => l.partner),
    numeric("price", (l) => l.price),
    bool("burned", (l) => l.burned),
  ]),
  couponConsumed: spec<CouponConsumedLog>("coupon_consumed", [
    text("contract", (l) => l.contract),
    numeric("perk_id", (l) => l.perkId),
    text("holder", (l) => l.holder),
    text("partner", (l) => l.partner),
    text("ref", (l) => l.ref),
  ]),
  couponTransfer: spec<Erc1155TransferLog>("coupon_transfer", erc1155Columns()),
  certificateTransfer: spec<Erc1155TransferLog>("certificate_transfer", erc1155Columns()),
  certificatesIssued: spec<CertificatesIssuedLog>("certificates_issued", [
    text("contract", (l) => l.contract),
    numeric("certificate_id", (l) => l.certificateId),
    text("batch_id", (l) => l.batchId),
    int("holders", (l) => l.holders),
    numeric("total_wh", (l) => l.totalWh),
  ]),
  certificatesClaimed: spec<CertificatesClaimedLog>("certificates_claimed", [
    text("contract", (l) => l.contract),
    text("holder", (l) => l.holder),
    numeric("certificate_id", (l) => l.certificateId),
    text("batch_id", (l) => l.batchId),
    numeric("energy_wh", (l) => l.energyWh),
    text("beneficiary", (l) => l.beneficiary),
  ]),
};

function erc1155Columns(): Column<Erc1155TransferLog>[] {
  return [
    text("contract", (l) => l.contract),
    text("operator", (l) => l.operator),
    text("from_address", (l) => l.from),
    text("to_address", (l) => l.to),
    numericArray("ids", (l) => l.ids),
    numericArray("amounts", (l) => l.amounts),
  ];
}

/** Every mirror table of the perks and certificates (for rollbacks and resets). */
export const PERK_TABLE_NAMES: readonly string[] = [
  ...new Set(Object.values(PERK_TABLES).map((t) => t.table)),
];

/**
 * Inserts the logs with one `INSERT … SELECT FROM unnest(…)` per table, `ON CONFLICT DO NOTHING` on
 * (chain_id, tx_hash, log_index).
 */
export async function insertPerkLogs(
  client: pg.PoolClient,
  chainId: number,
  logs: readonly PerkOrCertificateLog[],
  blockTime: (blockNumber: bigint) => string,
): Promise<void> {
  const byKind = new Map<PerkOrCertificateLog["kind"], PerkOrCertificateLog[]>();
  for (const log of logs) byKind.set(log.kind, [...(byKind.get(log.kind) ?? []), log]);
  for (const [kind, rows] of byKind) {
    const { table, columns } = PERK_TABLES[kind];
    const arrays: Cell[][] = [
      rows.map((r) => r.blockNumber.toString()),
      rows.map((r) => r.blockHash),
      rows.map((r) => r.txHash),
      rows.map((r) => r.logIndex),
      ...columns.map((c) => rows.map((r) => c.value(r))),
      rows.map((r) => blockTime(r.blockNumber)),
    ];
    const types = ["bigint", "text", "text", "int", ...columns.map((c) => c.type), "timestamptz"];
    // an array column crosses as text (its literal) and is cast back in the select list
    const unnestTypes = types.map((t) => (t.endsWith("[]") ? "text" : t));
    const names = [
      "block_number",
      "block_hash",
      "tx_hash",
      "log_index",
      ...columns.map((c) => c.name),
      "block_time",
    ];
    const select = names.map((n, i) => (types[i]?.endsWith("[]") ? `t."${n}"::${types[i]}` : `t."${n}"`));
    await client.query(
      `INSERT INTO "${table}" ("chain_id", ${names.map((n) => `"${n}"`).join(", ")})
       SELECT $1::int, ${select.join(", ")}
       FROM unnest(${unnestTypes.map((t, i) => `$${i + 2}::${t}[]`).join(", ")}) AS t(${names.map((n) => `"${n}"`).join(", ")})
       ON CONFLICT ("chain_id", "tx_hash", "log_index") DO NOTHING`,
      [chainId, ...arrays],
    );
  }
}
