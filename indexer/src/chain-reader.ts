import { c4ePerksAbi, c4eTokenAbi, greenCertificatesAbi, rewardMinterAbi } from "@c4e/contracts";
import { type Address, BlockNotFoundError, createPublicClient, getAbiItem, type Hex, http } from "viem";

/** The part of a block header the indexer keeps: hashes chain the blocks, the time stamps the events. */
export type BlockHeader = { number: bigint; hash: Hex; parentHash: Hex; timestamp: bigint };

type LogPosition = { blockNumber: bigint; blockHash: Hex; txHash: Hex; logIndex: number };

/** `Transfer(from, to, value)` of the C4E token. Addresses lower-case. */
export type TransferLog = LogPosition & {
  kind: "transfer";
  token: Address;
  from: Address;
  to: Address;
  value: bigint;
};

/** `RewardBatchMinted(batchId, readingsRoot, count, total)` of the reward minter. */
export type RewardBatchMintedLog = LogPosition & {
  kind: "rewardBatchMinted";
  batchId: Hex;
  readingsRoot: Hex;
  count: bigint;
  total: bigint;
};

/** `PerkCreated` of C4EPerks. */
export type PerkCreatedLog = LogPosition & {
  kind: "perkCreated";
  contract: Address;
  perkId: bigint;
  partner: Address;
  price: bigint;
  supply: bigint;
  validFrom: bigint;
  validUntil: bigint;
  burnTokens: boolean;
  name: string;
};

/** `PerkEnded` of C4EPerks. */
export type PerkEndedLog = LogPosition & {
  kind: "perkEnded";
  contract: Address;
  perkId: bigint;
  validUntil: bigint;
};

/** `PerkRedeemed` of C4EPerks. */
export type PerkRedeemedLog = LogPosition & {
  kind: "perkRedeemed";
  contract: Address;
  perkId: bigint;
  account: Address;
  partner: Address;
  price: bigint;
  burned: boolean;
};

/** `CouponConsumed` of C4EPerks. */
export type CouponConsumedLog = LogPosition & {
  kind: "couponConsumed";
  contract: Address;
  perkId: bigint;
  holder: Address;
  partner: Address;
  ref: Hex;
};

/** ERC-1155 `TransferSingle` / `TransferBatch` of the coupons or the certificates (single: arrays of one). */
export type Erc1155TransferLog = LogPosition & {
  kind: "couponTransfer" | "certificateTransfer";
  contract: Address;
  operator: Address;
  from: Address;
  to: Address;
  ids: readonly bigint[];
  amounts: readonly bigint[];
};

/** `CertificatesIssued` of GreenCertificates; `batchId` is the certificate id as bytes32 hex. */
export type CertificatesIssuedLog = LogPosition & {
  kind: "certificatesIssued";
  contract: Address;
  certificateId: bigint;
  batchId: Hex;
  holders: bigint;
  totalWh: bigint;
};

/** `CertificatesClaimed` of GreenCertificates. */
export type CertificatesClaimedLog = LogPosition & {
  kind: "certificatesClaimed";
  contract: Address;
  holder: Address;
  certificateId: bigint;
  batchId: Hex;
  energyWh: bigint;
  beneficiary: string;
};

/** Logs of the perks and certificates (mirrored when the deployment has those contracts). */
export type PerkOrCertificateLog =
  | PerkCreatedLog
  | PerkEndedLog
  | PerkRedeemedLog
  | CouponConsumedLog
  | Erc1155TransferLog
  | CertificatesIssuedLog
  | CertificatesClaimedLog;

export type MirroredLog = TransferLog | RewardBatchMintedLog | PerkOrCertificateLog;

/** What the indexer reads from the chain (a port: tests and other transports can stand in). */
export type ChainReader = {
  chainId(): Promise<number>;
  /** The latest block number. */
  head(): Promise<bigint>;
  /** Headers of the given blocks; null for a block the chain does not have (any more). */
  headers(numbers: readonly bigint[]): Promise<Map<bigint, BlockHeader | null>>;
  /** The mirrored events of the C4E contracts in [fromBlock, toBlock], in chain order. */
  logs(fromBlock: bigint, toBlock: bigint): Promise<MirroredLog[]>;
};

export type CreateChainReaderParams = {
  rpcUrl: string;
  token: Address;
  rewardMinter: Address;
  /** C4EPerks; omitted: its events are not mirrored. */
  perks?: Address;
  /** GreenCertificates; omitted: its events are not mirrored. */
  greenCertificates?: Address;
};

const transferEvent = getAbiItem({ abi: c4eTokenAbi, name: "Transfer" });
const rewardBatchMintedEvent = getAbiItem({ abi: rewardMinterAbi, name: "RewardBatchMinted" });
const perkEvents = [
  getAbiItem({ abi: c4ePerksAbi, name: "PerkCreated" }),
  getAbiItem({ abi: c4ePerksAbi, name: "PerkEnded" }),
  getAbiItem({ abi: c4ePerksAbi, name: "PerkRedeemed" }),
  getAbiItem({ abi: c4ePerksAbi, name: "CouponConsumed" }),
  getAbiItem({ abi: c4ePerksAbi, name: "TransferSingle" }),
  getAbiItem({ abi: c4ePerksAbi, name: "TransferBatch" }),
] as const;
const certificateEvents = [
  getAbiItem({ abi: greenCertificatesAbi, name: "CertificatesIssued" }),
  getAbiItem({ abi: greenCertificatesAbi, name: "CertificatesClaimed" }),
] as const;

/** Requests per JSON-RPC batch when fetching many headers (providers cap batch sizes). */
const HEADER_BATCH = 100;

/** A ChainReader over JSON-RPC (HTTP, batched). */
export function createChainReader({
  rpcUrl,
  token,
  rewardMinter,
  perks,
  greenCertificates,
}: CreateChainReaderParams): ChainReader {
  const client = createPublicClient({
    transport: http(rpcUrl, { batch: { batchSize: HEADER_BATCH }, retryCount: 2, timeout: 15_000 }),
  });
  const tokenAddress = token.toLowerCase();
  const minterAddress = rewardMinter.toLowerCase();
  const perksAddress = perks?.toLowerCase();
  const certificatesAddress = greenCertificates?.toLowerCase();
  const addresses = [
    token,
    rewardMinter,
    ...(perks ? [perks] : []),
    ...(greenCertificates ? [greenCertificates] : []),
  ];
  // TransferSingle/TransferBatch are the same ERC-1155 events in both contracts: one entry each.
  const events = [
    transferEvent,
    rewardBatchMintedEvent,
    ...(perks || greenCertificates ? perkEvents : []),
    ...(greenCertificates ? certificateEvents : []),
  ];

  async function header(number: bigint): Promise<BlockHeader | null> {
    try {
      const block = await client.getBlock({ blockNumber: number });
      if (block.hash === null) return null;
      return {
        number: block.number,
        hash: lower(block.hash),
        parentHash: lower(block.parentHash),
        timestamp: block.timestamp,
      };
    } catch (err) {
      if (err instanceof BlockNotFoundError) return null;
      throw err;
    }
  }

  return {
    chainId: () => client.getChainId(),
    head: () => client.getBlockNumber({ cacheTime: 0 }),

    async headers(numbers) {
      const result = new Map<bigint, BlockHeader | null>();
      for (let i = 0; i < numbers.length; i += HEADER_BATCH) {
        const chunk = numbers.slice(i, i + HEADER_BATCH);
        const got = await Promise.all(chunk.map((n) => header(n)));
        chunk.forEach((n, j) => {
          result.set(n, got[j] ?? null);
        });
      }
      return result;
    },

    async logs(fromBlock, toBlock) {
      const logs = await client.getLogs({
        address: addresses,
        events,
        fromBlock,
        toBlock,
        // one call for the whole range; a range the provider rejects as too large is halved and retried
        blockRange: toBlock - fromBlock + 1n,
        strict: true,
      });
      const out: MirroredLog[] = [];
      for (const log of logs) {
        if (log.removed) continue;
        if (
          log.blockNumber === null ||
          log.blockHash === null ||
          log.transactionHash === null ||
          log.logIndex === null
        ) {
          continue; // pending logs: never returned for a mined range
        }
        const position: LogPosition = {
          blockNumber: log.blockNumber,
          blockHash: lower(log.blockHash),
          txHash: lower(log.transactionHash),
          logIndex: log.logIndex,
        };
        const address = log.address.toLowerCase();
        if (log.eventName === "Transfer" && address === tokenAddress) {
          out.push({
            ...position,
            kind: "transfer",
            token: lower(log.address),
            from: lower(log.args.from),
            to: lower(log.args.to),
            value: log.args.value,
          });
        } else if (log.eventName === "RewardBatchMinted" && address === minterAddress) {
          out.push({
            ...position,
            kind: "rewardBatchMinted",
            batchId: lower(log.args.batchId),
            readingsRoot: lower(log.args.readingsRoot),
            count: log.args.count,
            total: log.args.total,
          });
        } else if (address === perksAddress || address === certificatesAddress) {
          const decoded = perkOrCertificateLog(log, address === perksAddress ? "coupon" : "certificate");
          if (decoded)
            out.push({ ...position, contract: lower(log.address), ...decoded } as PerkOrCertificateLog);
        }
      }
      return out.sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      );
    },
  };
}

type DecodedLog = { eventName: string; args: unknown };
type AllArgs = {
  operator: Hex;
  from: Hex;
  to: Hex;
  id: bigint;
  value: bigint;
  ids: readonly bigint[];
  values: readonly bigint[];
  perkId: bigint;
  partner: Hex;
  price: bigint;
  supply: bigint;
  validFrom: bigint;
  validUntil: bigint;
  burnTokens: boolean;
  name: string;
  account: Hex;
  burned: boolean;
  holder: Hex;
  ref: Hex;
  holders: bigint;
  totalWh: bigint;
  energyWh: bigint;
  beneficiary: string;
};
type WithoutPosition<T> = T extends unknown ? Omit<T, keyof LogPosition | "contract"> : never;

/** The perks' or certificates' event as a mirrored log (without position and contract); null if not mirrored. */
function perkOrCertificateLog(
  log: DecodedLog,
  source: "coupon" | "certificate",
): WithoutPosition<PerkOrCertificateLog> | null {
  // strict decoding against the contract ABI: each event's arguments are present with these types
  const a = log.args as AllArgs;
  switch (log.eventName) {
    case "TransferSingle":
    case "TransferBatch":
      return {
        kind: source === "coupon" ? "couponTransfer" : "certificateTransfer",
        operator: lower(a.operator),
        from: lower(a.from),
        to: lower(a.to),
        ids: log.eventName === "TransferSingle" ? [a.id] : a.ids,
        amounts: log.eventName === "TransferSingle" ? [a.value] : a.values,
      };
    case "PerkCreated":
      return source !== "coupon"
        ? null
        : {
            kind: "perkCreated",
            perkId: a.perkId,
            partner: lower(a.partner),
            price: a.price,
            supply: a.supply,
            validFrom: a.validFrom,
            validUntil: a.validUntil,
            burnTokens: a.burnTokens,
            name: a.name,
          };
    case "PerkEnded":
      return source !== "coupon" ? null : { kind: "perkEnded", perkId: a.perkId, validUntil: a.validUntil };
    case "PerkRedeemed":
      return source !== "coupon"
        ? null
        : {
            kind: "perkRedeemed",
            perkId: a.perkId,
            account: lower(a.account),
            partner: lower(a.partner),
            price: a.price,
            burned: a.burned,
          };
    case "CouponConsumed":
      return source !== "coupon"
        ? null
        : {
            kind: "couponConsumed",
            perkId: a.perkId,
            holder: lower(a.holder),
            partner: lower(a.partner),
            ref: lower(a.ref),
          };
    case "CertificatesIssued":
      return source !== "certificate"
        ? null
        : {
            kind: "certificatesIssued",
            certificateId: a.id,
            batchId: toBytes32(a.id),
            holders: a.holders,
            totalWh: a.totalWh,
          };
    case "CertificatesClaimed":
      return source !== "certificate"
        ? null
        : {
            kind: "certificatesClaimed",
            holder: lower(a.holder),
            certificateId: a.id,
            batchId: toBytes32(a.id),
            energyWh: a.energyWh,
            beneficiary: a.beneficiary,
          };
    default:
      return null;
  }
}

function toBytes32(value: bigint): Hex {
  return `0x${value.toString(16).padStart(64, "0")}`;
}

function lower<T extends Hex>(value: T): T {
  return value.toLowerCase() as T;
}
