import { spawn } from "node:child_process";
import { join } from "node:path";
import { rewardMinterAbi } from "@c4e/contracts";
import { couponsOf, createIndexer, type Indexer, perksOf } from "@c4e/indexer";
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { createWalletClient, createPublicClient, http, keccak256, stringToHex } from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDeployment, type StackDeployment } from "../deployment.ts";
import { DEV_ACCOUNT_INDEX, devAccount } from "../dev-accounts.ts";
import { REPO_ROOT } from "../embedded/chain.ts";
import { createTestDatabase, startTestChain, type TestDatabase } from "../testing/index.ts";
import { DEMO_PARTNER_ACCOUNT_INDEX, DEMO_PERKS, seedDemoPerks } from "./perks.ts";

const alice = devAccount(DEV_ACCOUNT_INDEX.prosumers[0]);
const PERIOD_SECONDS = 900;
const PERIOD_START = 1_793_491_200n; // 2026-11-01T00:00Z, a quarter hour long over
const quiet = () => {};

describe("demo perks: seeded on deployment, redeemed by a prosumer, shown by the mirror", () => {
  let db: TestDatabase;
  let chain: Awaited<ReturnType<typeof startTestChain>>;
  let pool: pg.Pool;
  let deployment: StackDeployment;
  let indexer: Indexer;

  beforeAll(async () => {
    [db, chain] = await Promise.all([createTestDatabase("stack_perks"), startTestChain()]);
    pool = createPool({ url: db.url, max: 2 });
  });
  afterAll(async () => {
    await indexer?.stop();
    await pool?.end();
    await chain?.stop();
    await db?.drop();
  });

  it("ensureDeployment records every contract address and redeploys a deployment from before the perks", async () => {
    const params = {
      pool,
      rpcUrl: chain.url,
      chainId: chain.chainId,
      deployer: devAccount(0),
      minter: devAccount(1).address,
      periodSeconds: PERIOD_SECONDS,
      periodMintCap: 1_000n * 10n ** 18n,
      log: quiet,
    };
    const first = await ensureDeployment(params);
    expect(await ensureDeployment(params)).toEqual(first); // recorded, code present: reused
    await pool.query("UPDATE chain_deployment SET perks = NULL, green_certificates = NULL");
    deployment = await ensureDeployment(params);
    expect(deployment.token).not.toBe(first.token);
    const { rows } = await pool.query(
      "SELECT token, reward_minter, green_certificates, perks FROM chain_deployment",
    );
    expect(rows).toEqual([
      {
        token: deployment.token.toLowerCase(),
        reward_minter: deployment.rewardMinter.toLowerCase(),
        green_certificates: deployment.greenCertificates.toLowerCase(),
        perks: deployment.perks.toLowerCase(),
      },
    ]);
  });

  it("seedDemoPerks lists two partner perks and the retailer's invoice credit, once", async () => {
    const params = {
      rpcUrl: chain.url,
      chainId: chain.chainId,
      perks: deployment.perks,
      retailer: devAccount(0),
      log: quiet,
    };
    const seeded = await seedDemoPerks(params);
    expect(seeded.map((p) => [p.perkId, p.name, p.partner, p.created])).toEqual([
      [1n, DEMO_PERKS[0]?.name, devAccount(DEMO_PARTNER_ACCOUNT_INDEX).address, true],
      [2n, DEMO_PERKS[1]?.name, devAccount(DEMO_PARTNER_ACCOUNT_INDEX).address, true],
      [3n, DEMO_PERKS[2]?.name, devAccount(0).address, true],
    ]);
    const again = await seedDemoPerks(params); // a restart on the same chain
    expect(again.map((p) => [p.perkId, p.created])).toEqual([
      [1n, false],
      [2n, false],
      [3n, false],
    ]);

    indexer = createIndexer({
      databaseUrl: db.url,
      rpcUrl: chain.url,
      chainId: chain.chainId,
      deployment,
      pollIntervalMs: 100,
      maxBlockRange: 2000,
      log: quiet,
    });
    await indexer.start();
    await indexer.syncOnce();
    expect((await perksOf(pool, chain.chainId)).map((p) => p.name)).toEqual(DEMO_PERKS.map((p) => p.name));
  });

  it("c4e redeem-perk redeems with a permit and prints the coupon from the mirror", async () => {
    // Alice earns 12 C4E (12 kWh) so she can afford the 5 C4E perk.
    const transport = http(chain.url);
    const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 50 });
    const hash = await createWalletClient({
      account: devAccount(1),
      chain: hardhat,
      transport,
    }).writeContract({
      address: deployment.rewardMinter,
      abi: rewardMinterAbi,
      functionName: "mintBatchWithCertificates",
      args: [
        keccak256(stringToHex("demo")),
        PERIOD_START,
        keccak256(stringToHex("root")),
        [alice.address],
        [12n * 10n ** 18n],
        [12_000n],
      ],
    });
    await publicClient.waitForTransactionReceipt({ hash });

    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(
        join(REPO_ROOT, "node_modules", ".bin", "tsx"),
        [
          join(REPO_ROOT, "stack", "src", "cli.ts"),
          "redeem-perk",
          "--prosumer",
          "2",
          "--perk",
          "1",
          "--wait-seconds",
          "20",
        ],
        {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            DATABASE_URL: db.url,
            RPC_URL: chain.url,
            // required with RPC_URL, unused by the script; a development key is refused there
            MINTER_PRIVATE_KEY: `0x${"11".repeat(32)}`,
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let text = "";
      child.stdout.on("data", (c: Buffer) => (text += c.toString()));
      child.stderr.on("data", (c: Buffer) => (text += c.toString()));
      child.once("exit", (code) => resolve({ code, text }));
    });
    expect(output.code, output.text).toBe(0);
    expect(output.text).toContain("redeemed perk 1 (PV panel cleaning −10 %)");
    expect(output.text).toContain("perk 1: PV panel cleaning −10 % × 1");
    expect(await couponsOf(pool, chain.chainId, alice.address)).toMatchObject([
      {
        perkId: 1n,
        balance: 1n,
        name: "PV panel cleaning −10 %",
        partner: devAccount(5).address.toLowerCase(),
      },
    ]);
  });
});
