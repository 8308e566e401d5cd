import { c4ePerksAbi, c4eTokenAbi, greenCertificatesAbi, rewardMinterAbi } from "@c4e/contracts";
import {
  type Address,
  BlockNotFoundError,
  createPublicClient,
  formatLog,
  getAbiItem,
  type Hex,
  HttpRequestError,
  http,
  LimitExceededRpcError,
  numberToHex,
  parseEventLogs,
  ResponseBodyTooLargeError,
  type RpcLog,
  TimeoutError,
  toEventSelector,
} from "viem";
import { InconsistentChainReadError } from "./errors.ts";

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
  /**
   * The mirrored events of the C4E contracts in [fromBlock, toBlock'], in chain order, where
   * toBlock' ≤ toBlock: a range whose response is too large is shortened (halved until it fits), and
   * a single block that is too large on its own is read in parts (see `LogsResult.parts`).
   */
  logs(fromBlock: bigint, toBlock: bigint): Promise<LogsResult>;
};

export type LogsResult = {
  logs: MirroredLog[];
  /** Last block covered (≤ the requested toBlock). */
  toBlock: bigint;
  /** JSON size of the raw logs read (their share of the response bodies), for sizing the next range. */
  bytes: number;
  /** Requests refused as too large (response limit, result cap, timeout) on the way. */
  refused: number;
  /** Set when one block was read in parts: per contract and event, or from its transactions' receipts. */
  parts?: "byEvent" | "receipts";
};

export type CreateChainReaderParams = {
  rpcUrl: string;
  token: Address;
  rewardMinter: Address;
  /** C4EPerks; omitted: its events are not mirrored. */
  perks?: Address;
  /** GreenCertificates; omitted: its events are not mirrored. */
  greenCertificates?: Address;
  /** viem's `maxResponseBodySize` for every request (default 10 MiB). */
  maxResponseBytes?: number;
  /** Per request, ms (default 15000). */
  requestTimeoutMs?: number;
  /** Retries of a failed request that was not too large (default 2). */
  retries?: number;
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
const erc1155Events = [
  getAbiItem({ abi: greenCertificatesAbi, name: "TransferSingle" }),
  getAbiItem({ abi: greenCertificatesAbi, name: "TransferBatch" }),
] as const;
const certificateEvents = [
  getAbiItem({ abi: greenCertificatesAbi, name: "CertificatesIssued" }),
  getAbiItem({ abi: greenCertificatesAbi, name: "CertificatesClaimed" }),
] as const;

/** Requests per JSON-RPC batch when fetching many headers (providers cap batch sizes). */
const HEADER_BATCH = 100;
/** Assumed JSON size of one header (with a few transaction hashes), to keep a header batch under the limit. */
const HEADER_BYTES = 4_096;
/** Receipts fetched at once when a block is read from its transactions' receipts. */
const RECEIPT_CONCURRENCY = 4;

/** One part of a block read in parts: one contract, one event. */
type FilterPart = { address: Address; topic0: Hex };

/** A ChainReader over JSON-RPC (HTTP; headers batched, logs and receipts one per response). */
export function createChainReader({
  rpcUrl,
  token,
  rewardMinter,
  perks,
  greenCertificates,
  maxResponseBytes = 10_485_760,
  requestTimeoutMs = 15_000,
  retries = 2,
}: CreateChainReaderParams): ChainReader {
  const headerBatch = Math.max(1, Math.min(HEADER_BATCH, Math.floor(maxResponseBytes / 2 / HEADER_BYTES)));
  const client = createPublicClient({
    transport: http(rpcUrl, {
      batch: { batchSize: headerBatch },
      retryCount: 0, // retried by withRetries: viem would also retry a too-large response
      timeout: requestTimeoutMs,
      maxResponseBodySize: maxResponseBytes,
    }),
  });
  // Logs and receipts: never batched (one response per request). Both clients are retried here, not
  // by viem, which would also retry a response that is too large (and throw its bytes away each time).
  const single = createPublicClient({
    transport: http(rpcUrl, {
      retryCount: 0,
      timeout: requestTimeoutMs,
      maxResponseBodySize: maxResponseBytes,
    }),
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
  const topics = events.map((e) => toEventSelector(e));
  // Per contract only its own events: the parts of a block read in parts.
  const parts: FilterPart[] = [
    { address: token, topic0: toEventSelector(transferEvent) },
    { address: rewardMinter, topic0: toEventSelector(rewardBatchMintedEvent) },
    ...(perks ? perkEvents.map((e) => ({ address: perks, topic0: toEventSelector(e) })) : []),
    ...(greenCertificates
      ? [...erc1155Events, ...certificateEvents].map((e) => ({
          address: greenCertificates,
          topic0: toEventSelector(e),
        }))
      : []),
  ];

  /** Runs `request` with up to `retries` retries; a too-large refusal is thrown at once (to be split). */
  async function withRetries<T>(request: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (err) {
        if (isTooLarge(err) || attempt >= retries) throw err;
        await new Promise((r) => setTimeout(r, 150 * 2 ** attempt));
      }
    }
  }

  async function header(number: bigint): Promise<BlockHeader | null> {
    const read = async (c: typeof client) => {
      try {
        const block = await c.getBlock({ blockNumber: number });
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
    };
    try {
      return await withRetries(() => read(client));
    } catch (err) {
      // a batch of headers too large for the limit: this header alone
      if (!isTooLarge(err)) throw err;
      return await withRetries(() => read(single));
    }
  }

  async function getLogs(filter: {
    address: Address | Address[];
    topics: Hex[];
    fromBlock?: bigint;
    toBlock?: bigint;
    blockHash?: Hex;
  }): Promise<RpcLog[]> {
    const topicFilter = [filter.topics.length === 1 ? (filter.topics[0] as Hex) : filter.topics];
    return await withRetries(() =>
      filter.blockHash !== undefined
        ? single.request({
            method: "eth_getLogs",
            params: [{ address: filter.address, topics: topicFilter, blockHash: filter.blockHash }],
          })
        : single.request({
            method: "eth_getLogs",
            params: [
              {
                address: filter.address,
                topics: topicFilter,
                fromBlock: numberToHex(filter.fromBlock ?? 0n),
                toBlock: numberToHex(filter.toBlock ?? 0n),
              },
            ],
          }),
    );
  }

  /**
   * The logs of one block too large for one response: per contract and event (by block hash, so
   * every part is of the same block); a part still too large comes from the block's receipts.
   */
  async function blockInParts(
    number: bigint,
  ): Promise<{ raw: RpcLog[]; refused: number; receipts: boolean }> {
    const head = await header(number);
    if (head === null)
      throw new InconsistentChainReadError(`block ${number} vanished while its logs were read`);
    const raw: RpcLog[] = [];
    const fromReceipts: FilterPart[] = [];
    let refused = 0;
    for (const part of parts) {
      try {
        raw.push(...(await getLogs({ address: part.address, topics: [part.topic0], blockHash: head.hash })));
      } catch (err) {
        if (!isTooLarge(err)) throw err;
        refused++;
        fromReceipts.push(part);
      }
    }
    if (fromReceipts.length > 0) raw.push(...(await receiptLogs(head.hash, fromReceipts)));
    return { raw, refused, receipts: fromReceipts.length > 0 };
  }

  /** The logs matching `wanted` of the block `hash`, read from its transactions' receipts one by one. */
  async function receiptLogs(hash: Hex, wanted: readonly FilterPart[]): Promise<RpcLog[]> {
    const block = await withRetries(() =>
      single.request({ method: "eth_getBlockByHash", params: [hash, false] }),
    );
    if (block === null)
      throw new InconsistentChainReadError(`block ${hash} vanished while its logs were read`);
    const keys = new Set(wanted.map((p) => `${p.address.toLowerCase()}|${p.topic0.toLowerCase()}`));
    const txHashes = (block.transactions as readonly (Hex | { hash: Hex })[]).map((t) =>
      typeof t === "string" ? t : t.hash,
    );
    const out: RpcLog[] = [];
    for (let i = 0; i < txHashes.length; i += RECEIPT_CONCURRENCY) {
      const receipts = await Promise.all(
        txHashes.slice(i, i + RECEIPT_CONCURRENCY).map(async (tx) => {
          try {
            return await withRetries(() =>
              single.request({ method: "eth_getTransactionReceipt", params: [tx] }),
            );
          } catch (err) {
            if (!isTooLarge(err) || isTimeout(err)) throw err;
            throw new Error(
              `the receipt of transaction ${tx} alone exceeds the response limit (maxResponseBytes = ${maxResponseBytes}): raise it`,
              { cause: err },
            );
          }
        }),
      );
      for (const receipt of receipts) {
        if (receipt === null) throw new InconsistentChainReadError(`a receipt of block ${hash} vanished`);
        if (lower(receipt.blockHash) !== lower(hash)) {
          throw new InconsistentChainReadError(`a transaction of block ${hash} moved to another block`);
        }
        for (const log of receipt.logs) {
          const topic0 = log.topics[0];
          if (topic0 !== undefined && keys.has(`${log.address.toLowerCase()}|${topic0.toLowerCase()}`)) {
            out.push(log);
          }
        }
      }
    }
    return out;
  }

  function decode(raw: readonly RpcLog[]): MirroredLog[] {
    const out: MirroredLog[] = [];
    const seen = new Set<string>();
    // the token's Transfer logs (the bulk of a backfill) are decoded by hand: fixed-width topics and
    // data; everything else goes through viem's ABI decoder
    const others: RpcLog[] = [];
    for (const log of raw) {
      const transfer = fastTransfer(log, tokenAddress);
      if (transfer === undefined) {
        others.push(log);
        continue;
      }
      if (transfer === null) continue; // removed or pending
      const key = `${transfer.txHash}|${transfer.logIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(transfer);
    }
    const parsed =
      others.length === 0
        ? []
        : parseEventLogs({ abi: events, logs: others.map((l) => formatLog(l)), strict: true });
    for (const log of parsed) {
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
      const key = `${position.txHash}|${position.logIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
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
  }

  return {
    chainId: () => withRetries(() => client.getChainId()),
    head: () => withRetries(() => client.getBlockNumber({ cacheTime: 0 })),

    async headers(numbers) {
      const result = new Map<bigint, BlockHeader | null>();
      for (let i = 0; i < numbers.length; i += headerBatch) {
        const chunk = numbers.slice(i, i + headerBatch);
        const got = await Promise.all(chunk.map((n) => header(n)));
        chunk.forEach((n, j) => {
          result.set(n, got[j] ?? null);
        });
      }
      return result;
    },

    async logs(fromBlock, toBlock) {
      let to = toBlock;
      let refused = 0;
      let timeouts = 0;
      for (;;) {
        try {
          const raw = await getLogs({ address: addresses, topics, fromBlock, toBlock: to });
          return { logs: decode(raw), toBlock: to, bytes: jsonBytes(raw), refused };
        } catch (err) {
          if (!isTooLarge(err)) throw err;
          if (isTimeout(err) && ++timeouts > MAX_TIMEOUT_SPLITS) throw err;
          refused++;
          if (to > fromBlock) {
            // the provider's suggestion, else the first half: the rest is the next range's
            to = suggestedEnd(err, fromBlock, to) ?? fromBlock + (to - fromBlock - 1n) / 2n;
            continue;
          }
        }
        const block = await blockInParts(fromBlock);
        return {
          logs: decode(block.raw),
          toBlock: fromBlock,
          bytes: jsonBytes(block.raw),
          refused: refused + block.refused,
          parts: block.receipts ? "receipts" : "byEvent",
        };
      }
    },
  };
}

/**
 * JSON size of raw logs as the node sent them, estimated from the variable-width fields (data and
 * topics) plus a fixed size for the rest (addresses, hashes, numbers, keys): within about 10 % of
 * `JSON.stringify`, at a fraction of its cost. Sizes the next range.
 */
export function jsonBytes(raw: readonly RpcLog[]): number {
  let bytes = 2;
  for (const log of raw) bytes += LOG_FIXED_BYTES + log.data.length + 69 * log.topics.length;
  return bytes;
}

/** JSON of a log without its data and topics: keys, address, block and transaction hashes, numbers. */
const LOG_FIXED_BYTES = 360;

const TRANSFER_TOPIC = toEventSelector(transferEvent);
const HEX_WORD = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS_PADDING = "0x000000000000000000000000";
const HEX_40 = /^[0-9a-fA-F]{40}$/;

/** A 32-byte topic holding an address: 12 zero bytes, then 20 bytes of hex. */
function paddedAddress(topic: string): boolean {
  return topic.length === 66 && topic.startsWith(ADDRESS_PADDING) && HEX_40.test(topic.slice(26));
}

/**
 * A `Transfer(address indexed, address indexed, uint256)` of the token decoded without the ABI
 * decoder (topics and data are fixed width); undefined when the log is something else (or not
 * well-formed: the ABI decoder then judges it), null for a removed or pending log.
 */
export function fastTransfer(log: RpcLog, token: string): TransferLog | null | undefined {
  const { topics, data } = log;
  if (topics.length !== 3 || topics[0]?.toLowerCase() !== TRANSFER_TOPIC) return undefined;
  if (log.address.toLowerCase() !== token) return undefined;
  const from = topics[1] as string;
  const to = topics[2] as string;
  if (!paddedAddress(from) || !paddedAddress(to) || !HEX_WORD.test(data)) return undefined;
  if (log.removed) return null;
  if (log.blockNumber === null || log.blockHash === null || log.transactionHash === null) return null;
  if (log.logIndex === null) return null;
  return {
    blockNumber: BigInt(log.blockNumber),
    blockHash: lower(log.blockHash),
    txHash: lower(log.transactionHash),
    logIndex: Number(log.logIndex),
    kind: "transfer",
    token: token as Address,
    from: `0x${from.slice(26).toLowerCase()}`,
    to: `0x${to.slice(26).toLowerCase()}`,
    value: BigInt(data),
  };
}

/**
 * Whether a failed request asked for too much and should be split rather than retried: viem's
 * response size limit, an HTTP 413, JSON-RPC "limit exceeded" (-32005), a provider's result cap
 * ("query returned more than 10000 results", "block range too large", …) or a timeout.
 */
export function isTooLarge(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof ResponseBodyTooLargeError || e.name === "ResponseBodyTooLargeError") return true;
    if (e instanceof TimeoutError) return true;
    if (e instanceof HttpRequestError && e.status === 413) return true;
    const code = (e as { code?: unknown }).code;
    if (code === LimitExceededRpcError.code) return true;
    // the wording only of an answer from the node (a JSON-RPC error or an HTTP status), never of a
    // transport failure such as "connect ETIMEDOUT" (a node that is down is retried, not split)
    const answered = typeof code === "number" || (e instanceof HttpRequestError && e.status !== undefined);
    const text = `${e.message} ${(e as { details?: unknown }).details ?? ""}`;
    if (answered && TOO_LARGE.test(text)) return true;
  }
  return false;
}

/** viem's request timeout (in the cause chain). */
function isTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof TimeoutError) return true;
  }
  return false;
}

/** Timeouts one logs() call splits on before it gives up (a hung node, not a heavy query). */
const MAX_TIMEOUT_SPLITS = 3;

/**
 * The end of a shorter range a provider proposes in its refusal, e.g. Alchemy's "… this block range
 * should work: [0x1, 0x3e8]"; undefined unless it starts at `fromBlock` and ends inside the range.
 */
export function suggestedEnd(err: unknown, fromBlock: bigint, toBlock: bigint): bigint | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const text = `${e.message} ${(e as { details?: unknown }).details ?? ""}`;
    const m = /\[\s*(0x[0-9a-f]+)\s*,\s*(0x[0-9a-f]+)\s*\]/i.exec(text);
    if (!m) continue;
    const [start, end] = [BigInt(m[1] as string), BigInt(m[2] as string)];
    if (start === fromBlock && end >= fromBlock && end < toBlock) return end;
  }
  return undefined;
}

const TOO_LARGE =
  /more than \d+ (results|logs)|too many (results|logs|blocks)|(response|result)s? (size|is too (big|large)|too (big|large))|(block )?range (is )?too (large|wide|big)|exceed(s|ed)? (the )?(max|limit|range|\d)|limit exceeded|query timeout|timed? ?out/i;

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
