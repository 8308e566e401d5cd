// One row per Transfer, the columns of C4E's token_transfer.
import { onchainTable } from "ponder";

export const tokenTransfer = onchainTable("token_transfer", (t) => ({
  id: t.text().primaryKey(),
  blockNumber: t.bigint().notNull(),
  blockHash: t.hex().notNull(),
  txHash: t.hex().notNull(),
  logIndex: t.integer().notNull(),
  from: t.hex().notNull(),
  to: t.hex().notNull(),
  value: t.bigint().notNull(),
  blockTime: t.bigint().notNull(),
}));
