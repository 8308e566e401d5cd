// Shared by the indexer benchmark and fault scripts: a local chain (Hardhat, or anvil when a binary is
// given), the C4E contracts on it, and an ERC-20 workload (C4EToken.mintBatch of `batch` transfers per
// transaction, one transaction per block, then empty padding blocks).
import { spawn } from "node:child_process";
import { c4eTokenAbi, type Deployment, deployC4E } from "@c4e/contracts";
import { applyMigrations, createDatabase, dropDatabase } from "@c4e/prisma";
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  getAddress,
  type Hash,
  http,
  keccak256,
  toHex,
} from "viem";
import { hardhat } from "viem/chains";
import { devAccount } from "@c4e/stack/dev-accounts";
import { startLocalChain } from "@c4e/stack/embedded/chain";

export const TOKEN = 10n ** 18n;
/** Under EIP-7825's per-transaction cap of 16,777,216 gas. */
const TX_GAS = 16_000_000n;
/** Dev account allowed to mint on the token directly (granted MINTER_ROLE by the deployer). */
const MINTER = 3;

export type BenchChain = { url: string; kind: "hardhat" | "anvil"; pid: number; stop: () => Promise<void> };

/**
 * A local chain on 127.0.0.1:port, chain id 31337, the well-known dev accounts: anvil when `anvil` is
 * the path of its binary (e.g. from `@foundry-rs/anvil-linux-amd64`), else `hardhat node` of the repo.
 */
export async function startBenchChain({
  port,
  anvil,
}: {
  port: number;
  anvil?: string;
}): Promise<BenchChain> {
  if (!anvil) {
    const chain = await startLocalChain({ port });
    return { url: chain.url, kind: "hardhat", pid: chain.pid, stop: chain.stop };
  }
  const child = spawn(
    anvil,
    ["--host", "127.0.0.1", "--port", String(port), "--chain-id", "31337", "--gas-limit", "1000000000"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`anvil did not start:\n${output}`)), 30_000);
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString();
      if (output.includes("Listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited with ${code}:\n${output}`));
    });
  });
  child.stdout.removeAllListeners("data");
  child.stdout.resume();
  child.stderr.resume();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  };
  process.once("exit", () => child.kill("SIGKILL"));
  return { url: `http://127.0.0.1:${port}`, kind: "anvil", pid: child.pid as number, stop };
}

export function chainClients(url: string, kind: "hardhat" | "anvil" = "hardhat") {
  const transport = http(url, { maxResponseBodySize: false, timeout: 120_000 });
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 20 });
  const testClient = createTestClient({ chain: hardhat, mode: kind, transport });
  const wallet = (i: number) => createWalletClient({ account: devAccount(i), chain: hardhat, transport });
  return { publicClient, testClient, wallet };
}

export type ChainClients = ReturnType<typeof chainClients>;

/** Deploys the C4E contracts and lets dev account 3 mint on the token. */
export async function deployBench(c: ChainClients): Promise<Deployment> {
  const deployment = await deployC4E({
    publicClient: c.publicClient,
    walletClient: c.wallet(0),
    minter: devAccount(1).address,
    periodSeconds: 900,
    periodMintCap: 1_000_000n * TOKEN,
  });
  const role = await c.publicClient.readContract({
    address: deployment.token,
    abi: c4eTokenAbi,
    functionName: "MINTER_ROLE",
  });
  await waitOk(
    c,
    await c.wallet(0).writeContract({
      address: deployment.token,
      abi: c4eTokenAbi,
      functionName: "grantRole",
      args: [role, devAccount(MINTER).address],
    }),
  );
  return deployment;
}

/** Deterministic holder addresses (a pool that later batches reuse, like real holders). */
export function holder(i: number): Address {
  return getAddress(keccak256(toHex(`bench holder ${i}`)).slice(0, 42));
}

/**
 * `transfers` token transfers as mintBatch transactions of `batch` recipients (each mined in its own
 * block), then `padding` empty blocks. Recipients cycle through `holders` addresses. Resolves to the
 * head after the workload.
 */
export async function generateTransfers(
  c: ChainClients,
  deployment: Deployment,
  { transfers, batch, padding, holders = 5_000, offset = 0 }: WorkloadSize & { offset?: number },
): Promise<bigint> {
  for (let done = 0; done < transfers; done += batch) {
    const n = Math.min(batch, transfers - done);
    const recipients = Array.from({ length: n }, (_, i) => holder((offset + done + i) % holders));
    const amounts = Array.from({ length: n }, (_, i) => BigInt(((offset + done + i) % 997) + 1) * 10n ** 15n);
    await waitOk(c, await mintBatch(c, deployment, recipients, amounts));
  }
  // one block per call: Hardhat's multi-block hardhat_mine reserves blocks whose parent hashes do not
  // link to the blocks before them (an indexer rightly refuses such a chain)
  for (let i = 0; i < padding; i++) await c.testClient.mine({ blocks: 1 });
  return await c.publicClient.getBlockNumber({ cacheTime: 0 });
}

export type WorkloadSize = { transfers: number; batch: number; padding: number; holders?: number };

export async function mintBatch(
  c: ChainClients,
  deployment: Deployment,
  recipients: readonly Address[],
  amounts: readonly bigint[],
): Promise<Hash> {
  return await c.wallet(MINTER).writeContract({
    address: deployment.token,
    abi: c4eTokenAbi,
    functionName: "mintBatch",
    args: [recipients, amounts],
    gas: TX_GAS,
  });
}

export async function waitOk(c: ChainClients, hash: Hash): Promise<void> {
  const wait = (timeout: number) =>
    c.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20, timeout });
  let receipt;
  try {
    receipt = await wait(30_000);
  } catch {
    // seen twice under heavy load on anvil: an automined transaction left pending; mine it by hand
    const pending = await c.publicClient.getTransaction({ hash }).catch(() => null);
    process.stderr.write(
      `transaction ${hash} not mined in 30 s (${pending ? "known" : "unknown"}): mining a block\n`,
    );
    await c.testClient.mine({ blocks: 1 });
    receipt = await wait(60_000);
  }
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
}

/** A fresh, migrated database `name` on the server (dropped first if it exists). */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  await dropDatabase(serverUrl, name).catch(() => {});
  const url = await createDatabase(serverUrl, name);
  await applyMigrations(url);
  return url;
}

/** Peak resident memory of a process tree, sampled from /proc every `everyMs` (Linux). */
export function sampleTreeRss(rootPid: number, everyMs = 50) {
  let peak = 0;
  const read = async () => {
    const { readFile, readdir } = await import("node:fs/promises");
    const children = new Map<number, number[]>();
    for (const entry of await readdir("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = await readFile(`/proc/${entry}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      } catch {
        // gone
      }
    }
    let total = 0;
    const stack = [rootPid];
    while (stack.length > 0) {
      const pid = stack.pop() as number;
      try {
        const status = await readFile(`/proc/${pid}/status`, "utf8");
        const m = /VmRSS:\s+(\d+) kB/.exec(status);
        if (m) total += Number(m[1]) * 1024;
      } catch {
        // gone
      }
      stack.push(...(children.get(pid) ?? []));
    }
    if (total > peak) peak = total;
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      await read().catch(() => {});
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop(): Promise<number> {
      running = false;
      await loop;
      return peak;
    },
  };
}

/** The indexer's mirror tables whose rows are the chain's events (chain_block depends on history). */
export const MIRROR_TABLES = [
  "token_transfer",
  "reward_batch_minted",
  "perk_created",
  "perk_ended",
  "perk_redeemed",
  "coupon_consumed",
  "coupon_transfer",
  "certificates_issued",
  "certificates_claimed",
  "certificate_transfer",
] as const;

export type MirrorDigest = {
  checkpoint: { number: string; hash: string } | null;
  tables: Record<string, { rows: number; md5: string }>;
};

/**
 * Per mirror table its row count and the md5 of its rows (every column, ordered by the key), and the
 * checkpoint; with `upTo`, only rows of blocks ≤ upTo. Two mirrors of one chain are equal iff their
 * digests are.
 */
export async function mirrorDigest(
  databaseUrl: string,
  chainId: number,
  upTo?: bigint,
): Promise<MirrorDigest> {
  const { createPool } = await import("@c4e/prisma");
  const pool = createPool({ url: databaseUrl, max: 1 });
  try {
    const { rows: cp } = await pool.query<{ number: string; hash: string }>(
      `SELECT "block_number"::text AS "number", "block_hash" AS "hash" FROM "chain_checkpoint" WHERE "chain_id" = $1`,
      [chainId],
    );
    const tables: MirrorDigest["tables"] = {};
    for (const table of MIRROR_TABLES) {
      const { rows } = await pool.query<{ rows: number; md5: string | null }>(
        `SELECT count(*)::int AS "rows",
                md5(string_agg(t::text, E'\\n' ORDER BY t."tx_hash", t."log_index")) AS "md5"
         FROM "${table}" t WHERE t."chain_id" = $1 AND ($2::bigint IS NULL OR t."block_number" <= $2::bigint)`,
        [chainId, upTo === undefined ? null : upTo.toString()],
      );
      tables[table] = { rows: rows[0]?.rows ?? 0, md5: rows[0]?.md5 ?? "" };
    }
    return { checkpoint: cp[0] ?? null, tables };
  } finally {
    await pool.end();
  }
}

/** The names of the tables where two digests differ (the checkpoint as "checkpoint"). */
export function digestDifferences(a: MirrorDigest, b: MirrorDigest): string[] {
  const out: string[] = [];
  if (JSON.stringify(a.checkpoint) !== JSON.stringify(b.checkpoint)) out.push("checkpoint");
  for (const table of MIRROR_TABLES) {
    if (JSON.stringify(a.tables[table]) !== JSON.stringify(b.tables[table])) out.push(table);
  }
  return out;
}

/**
 * A Postgres server for the fault scripts: `url` when given and reachable (default the machine's,
 * 127.0.0.1:5432), else an embedded one in a temporary folder.
 */
export async function benchPostgres(url = "postgresql://postgres@127.0.0.1:5432") {
  const { createPool } = await import("@c4e/prisma");
  const probeUrl = new URL(url);
  probeUrl.pathname = "/postgres";
  const probe = createPool({ url: probeUrl.toString(), max: 1 });
  try {
    await probe.query("SELECT 1");
    return { serverUrl: url, stop: async () => {} };
  } catch {
    const { chmodSync, mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { startEmbeddedPostgres } = await import("@c4e/stack/embedded/postgres");
    const { freePort } = await import("@c4e/stack/embedded/ports");
    const dir = mkdtempSync(join(tmpdir(), "c4e-idx-faults-"));
    chmodSync(dir, 0o755);
    const pg = await startEmbeddedPostgres({
      dataDir: join(dir, "pg"),
      port: await freePort(),
      database: "postgres",
    });
    return {
      serverUrl: pg.serverUrl,
      stop: async () => {
        await pg.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } finally {
    await probe.end().catch(() => {});
  }
}

/** Starts bench/indexer-follow.ts as a child process (its own pid, killable). */
export function startFollower(params: import("./indexer-follow.ts").FollowParams) {
  const entry = new URL("./indexer-follow.ts", import.meta.url).pathname;
  const child = spawn(process.execPath, ["--import", "tsx", entry, JSON.stringify(params)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  child.stdout.on("data", (c: Buffer) => lines.push(...c.toString().split("\n").filter(Boolean)));
  child.stderr.on("data", (c: Buffer) => lines.push(...c.toString().split("\n").filter(Boolean)));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  process.once("exit", () => child.kill("SIGKILL"));
  return {
    pid: child.pid as number,
    lines,
    exited,
    kill9: async () => {
      child.kill("SIGKILL");
      return await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return await exited;
    },
  };
}

/** The checkpoint of chain 31337 in `databaseUrl` (null before the first range). */
export async function readCheckpoint(
  pool: import("pg").Pool,
): Promise<{ number: bigint; hash: string } | null> {
  const { rows } = await pool.query<{ n: string; h: string }>(
    `SELECT "block_number"::text AS "n", "block_hash" AS "h" FROM "chain_checkpoint" WHERE "chain_id" = 31337`,
  );
  const row = rows[0];
  return row ? { number: BigInt(row.n), hash: row.h } : null;
}
