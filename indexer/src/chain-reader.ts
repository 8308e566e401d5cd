import { c4eTokenAbi, rewardMinterAbi } from "@c4e/contracts";
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

export type MirroredLog = TransferLog | RewardBatchMintedLog;

/** What the indexer reads from the chain (a port: tests and other transports can stand in). */
export type ChainReader = {
  chainId(): Promise<number>;
  /** The latest block number. */
  head(): Promise<bigint>;
  /** Headers of the given blocks; null for a block the chain does not have (any more). */
  headers(numbers: readonly bigint[]): Promise<Map<bigint, BlockHeader | null>>;
  /** The mirrored events of the two contracts in [fromBlock, toBlock], in chain order. */
  logs(fromBlock: bigint, toBlock: bigint): Promise<MirroredLog[]>;
};

export type CreateChainReaderParams = { rpcUrl: string; token: Address; rewardMinter: Address };

const transferEvent = getAbiItem({ abi: c4eTokenAbi, name: "Transfer" });
const rewardBatchMintedEvent = getAbiItem({ abi: rewardMinterAbi, name: "RewardBatchMinted" });

/** Requests per JSON-RPC batch when fetching many headers (providers cap batch sizes). */
const HEADER_BATCH = 100;

/** A ChainReader over JSON-RPC (HTTP, batched). */
export function createChainReader({ rpcUrl, token, rewardMinter }: CreateChainReaderParams): ChainReader {
  const client = createPublicClient({
    transport: http(rpcUrl, { batch: { batchSize: HEADER_BATCH }, retryCount: 2, timeout: 15_000 }),
  });
  const tokenAddress = token.toLowerCase();
  const minterAddress = rewardMinter.toLowerCase();

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
        address: [token, rewardMinter],
        events: [transferEvent, rewardBatchMintedEvent],
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
        }
      }
      return out.sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      );
    },
  };
}

function lower<T extends Hex>(value: T): T {
  return value.toLowerCase() as T;
}
