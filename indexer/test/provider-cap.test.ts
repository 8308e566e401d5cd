import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { c4eTokenAbi, rewardMinterAbi } from "@c4e/contracts";
import { type Hash, keccak256, stringToHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "@c4e/stack/dev-accounts";
import { createIndexer, type Indexer } from "../src/create-indexer.ts";
import { resetChainMirror } from "../src/reset-chain-mirror.ts";
import { batchId, type Fixture, setupFixture, TOKEN } from "./fixture.ts";

/** Results the proxied provider returns from one eth_getLogs at most. */
const CAP = 60;

/**
 * A JSON-RPC proxy in front of the test chain that refuses an eth_getLogs with more than `cap` results
 * the way hosted providers do: `-32005 query returned more than N results`.
 */
async function startCappingProxy(target: string, cap: number) {
  const stats = { getLogs: 0, refused: 0 };
  /** When set: every eth_getLogs after this many answers 503 (the provider is gone mid-sync). */
  const failure: { afterGetLogs?: number } = {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString();
        const request = JSON.parse(body) as { id?: number; method?: string };
        if (
          !Array.isArray(request) &&
          request.method === "eth_getLogs" &&
          failure.afterGetLogs !== undefined &&
          stats.getLogs++ >= failure.afterGetLogs
        ) {
          res.writeHead(503);
          res.end("gone");
          return;
        }
        const upstream = await fetch(target, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        let text = await upstream.text();
        if (!Array.isArray(request) && request.method === "eth_getLogs") {
          if (failure.afterGetLogs === undefined) stats.getLogs++;
          const { result } = JSON.parse(text) as { result?: unknown[] };
          if (Array.isArray(result) && result.length > cap) {
            stats.refused++;
            text = JSON.stringify({
              jsonrpc: "2.0",
              id: request.id,
              error: { code: -32005, message: `query returned more than ${cap} results` },
            });
          }
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(text);
      })().catch((err: unknown) => {
        res.writeHead(502);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    failure,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("indexer behind a provider that caps eth_getLogs results", () => {
  let f: Fixture;
  let proxy: Awaited<ReturnType<typeof startCappingProxy>>;
  let indexer: Indexer | undefined;

  beforeAll(async () => {
    f = await setupFixture("indexer_provider_cap");
    proxy = await startCappingProxy(f.chain.url, CAP);
  });
  afterAll(async () => {
    await indexer?.stop();
    await proxy?.close();
    await f?.close();
  });

  it("shortens refused ranges and reads a capped block per contract and event", async () => {
    // many small blocks: the whole range is refused, shorter ranges pass
    for (let i = 0; i < 8; i++)
      await f.mintBatch(`seed${i}`, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], Array(10).fill(TOKEN));
    // one block with 10 reward batches (10 Transfer + 10 RewardBatchMinted) and 45 transfers from one
    // transaction: 65 events > CAP, but each (contract, event) part ≤ CAP
    const role = await f.publicClient.readContract({
      address: f.deployment.token,
      abi: c4eTokenAbi,
      functionName: "MINTER_ROLE",
    });
    const grant = await f.wallet(0).writeContract({
      address: f.deployment.token,
      abi: c4eTokenAbi,
      functionName: "grantRole",
      args: [role, devAccount(3).address],
    });
    expect((await f.publicClient.waitForTransactionReceipt({ hash: grant })).status).toBe("success");
    await f.testClient.setAutomine(false);
    const hashes: Hash[] = [];
    try {
      let nonce = await f.publicClient.getTransactionCount({ address: devAccount(1).address });
      for (let i = 0; i < 10; i++) {
        hashes.push(
          await f.wallet(1).writeContract({
            address: f.deployment.rewardMinter,
            abi: rewardMinterAbi,
            functionName: "mintBatch",
            args: [
              batchId(`capped${i}`),
              f.nextPeriod(),
              keccak256(stringToHex(`root:capped${i}`)),
              [devAccount(12).address],
              [TOKEN],
            ],
            gas: 1_000_000n,
            nonce: nonce++,
          }),
        );
      }
      hashes.push(
        await f.wallet(3).writeContract({
          address: f.deployment.token,
          abi: c4eTokenAbi,
          functionName: "mintBatch",
          args: [Array.from({ length: 45 }, (_, i) => devAccount(2 + (i % 10)).address), Array(45).fill(1n)],
          gas: 2_000_000n,
        }),
      );
      await f.testClient.mine({ blocks: 1 });
    } finally {
      await f.testClient.setAutomine(true);
    }
    const receipts = await Promise.all(hashes.map((hash) => f.publicClient.getTransactionReceipt({ hash })));
    expect(receipts.every((r) => r.status === "success")).toBe(true);
    const cappedBlock = receipts[receipts.length - 1]?.blockNumber;
    expect(new Set(receipts.map((r) => r.blockNumber)).size).toBe(1);
    await f.transfer(2, 3, 1n);
    const head = await f.publicClient.getBlockNumber({ cacheTime: 0 });

    const before = f.logs.length;
    indexer = createIndexer(f.config({ rpcUrl: proxy.url }));
    expect((await indexer.syncOnce()).toBlock).toBe(head);

    await f.expectMirrorEqualsChain();
    expect(proxy.stats.refused).toBeGreaterThan(0);
    const ranges = f.logs
      .slice(before)
      .filter((l) => l.msg === "indexer: range indexed")
      .map((l) => l.fields as { toBlock: string; blockReadInParts?: string });
    expect(ranges.length).toBeGreaterThan(1);
    // refused whole, then read per contract and event (each part ≤ CAP): no receipts needed
    expect(ranges.find((r) => BigInt(r.toBlock) === cappedBlock)?.blockReadInParts).toBe("byEvent");
  });

  it("commits range by range: a sync cut off midway keeps what it committed, the next one continues", async () => {
    await indexer?.stop();
    indexer = undefined;
    await resetChainMirror(f.pool, f.chain.chainId);
    const head = await f.publicClient.getBlockNumber({ cacheTime: 0 });
    proxy.stats.getLogs = 0;
    proxy.failure.afterGetLogs = 6;
    const cut = createIndexer(f.config({ rpcUrl: proxy.url, retries: 0 }));
    await expect(cut.syncOnce()).rejects.toThrow();
    await cut.stop();
    proxy.failure.afterGetLogs = undefined;

    const partial = await f.checkpoint();
    expect(partial).not.toBeNull();
    const at = partial?.number ?? 0n;
    expect(at).toBeGreaterThan(f.deployment.blockNumber);
    expect(at).toBeLessThan(head);
    // exactly the chain's transfers up to the checkpoint, none above
    const onChain = await f.publicClient.getContractEvents({
      address: f.deployment.token,
      abi: c4eTokenAbi,
      eventName: "Transfer",
      fromBlock: f.deployment.blockNumber,
      toBlock: at,
    });
    const { rows } = await f.pool.query<{ n: number; top: string | null }>(
      `SELECT count(*)::int AS n, max("block_number")::text AS top FROM "token_transfer" WHERE "chain_id" = $1`,
      [f.chain.chainId],
    );
    expect(rows[0]?.n).toBe(onChain.length);
    expect(BigInt(rows[0]?.top ?? "0")).toBeLessThanOrEqual(at);

    indexer = createIndexer(f.config({ rpcUrl: proxy.url }));
    const rest = await indexer.syncOnce();
    expect(rest.fromBlock).toBe(at + 1n);
    expect(rest.toBlock).toBe(head);
    await f.expectMirrorEqualsChain();
  });
});
