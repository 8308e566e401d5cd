export { balanceOf, balances, confirmedBalanceOf, type MirrorFinality, mirrorFinality } from "./balances.ts";
export type {
  BlockHeader,
  CertificatesClaimedLog,
  CertificatesIssuedLog,
  ChainReader,
  CouponConsumedLog,
  Erc1155TransferLog,
  LogsResult,
  MirroredLog,
  PerkCreatedLog,
  PerkEndedLog,
  PerkOrCertificateLog,
  PerkRedeemedLog,
  RewardBatchMintedLog,
  TransferLog,
} from "./chain-reader.ts";
export {
  certificatesOf,
  couponsOf,
  type MirroredCertificate,
  type MirroredCoupon,
  type MirroredPerk,
  perksOf,
} from "./coupons.ts";
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
export {
  DEFAULT_CONFIRMATIONS,
  DEFAULT_INITIAL_BLOCK_RANGE,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_READ_AHEAD,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRIES,
  type IndexerSettings,
  type IndexerSettingsInput,
  MIN_MAX_RESPONSE_BYTES,
  resolveSettings,
} from "./settings.ts";
