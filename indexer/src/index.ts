export { balanceOf, balances, type Queryable } from "./balances.ts";
export type {
  BlockHeader,
  ChainReader,
  MirroredLog,
  RewardBatchMintedLog,
  TransferLog,
} from "./chain-reader.ts";
export {
  createIndexer,
  DEFAULT_REORG_WINDOW,
  type Indexer,
  type IndexerConfig,
  type SyncResult,
} from "./create-indexer.ts";
export { CheckpointMovedError, InconsistentChainReadError } from "./errors.ts";
export { INDEXER_HEARTBEAT_SERVICE } from "./mirror-store.ts";
export { resetChainMirror } from "./reset-chain-mirror.ts";
