import { rewardMinterAbi } from "@c4e/contracts";
import { DEFAULT_REWARD_MAX_GAP_MINUTES, periodMintCap } from "@c4e/domain";
import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { BaseError, ContractFunctionRevertedError, createPublicClient, createWalletClient, http } from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDeployment, type StackDeployment } from "./deployment.ts";
import { devAccount } from "./dev-accounts.ts";
import { capacityMintCap, checkMintCap, MIN_PERIOD_MINT_CAP, syncMintCap } from "./mint-cap.ts";
import { createTestDatabase, startTestChain, type TestDatabase } from "./testing/index.ts";

const C4E = 10n ** 18n;
const PERIOD_MINUTES = 15;
const quiet = () => {};

describe("mint cap: the fleet's capacity bounds what one period can mint", () => {
  let db: TestDatabase;
  let chain: Awaited<ReturnType<typeof startTestChain>>;
  let pool: pg.Pool;
  let deployment: StackDeployment;

  beforeAll(async () => {
    [db, chain] = await Promise.all([createTestDatabase("stack_mint_cap"), startTestChain()]);
    pool = createPool({ url: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await chain?.stop();
    await db?.drop();
  });

  it("capacityMintCap is 1 C4E for an empty fleet, else periodMintCap over the grid meters' rated power", async () => {
    expect(await capacityMintCap(pool, PERIOD_MINUTES, DEFAULT_REWARD_MAX_GAP_MINUTES)).toBe(
      MIN_PERIOD_MINT_CAP,
    );
    await pool.query(`
      INSERT INTO retailer (id, name) VALUES ('r-1', 'Retailer');
      INSERT INTO customer (id, retailer_id, name) VALUES ('c-1', 'r-1', 'Alice');
      INSERT INTO site (id, customer_id, name, address, pod_id) VALUES ('s-1', 'c-1', 'Home', 'Street 1', 'POD-1');
      INSERT INTO gateway (id, retailer_id, public_key) VALUES ('gw-1', 'r-1', 'key');
      INSERT INTO meter (id, site_id, gateway_id, kind, rated_power_w) VALUES
        ('m-1', 's-1', 'gw-1', 'grid', 5000), ('m-2', 's-1', 'gw-1', 'grid', 7000),
        ('pv-1', 's-1', 'gw-1', 'pv', 100000)`);
    // 12 kW over 15 + 60 minutes = 15 kWh = 15 C4E; the PV meter's production is not rewarded
    const cap = await capacityMintCap(pool, PERIOD_MINUTES, DEFAULT_REWARD_MAX_GAP_MINUTES);
    expect(cap).toBe(15n * C4E);
    expect(cap).toBe(periodMintCap({ ratedPowerW: 12_000n, periodMinutes: 15, maxGapMinutes: 60 }));
  });

  it("ensureDeployment deploys with the period and cap; syncMintCap sets the capacity once, then leaves it", async () => {
    deployment = await ensureDeployment({
      pool,
      rpcUrl: chain.url,
      chainId: chain.chainId,
      deployer: devAccount(0),
      minter: devAccount(1).address,
      periodSeconds: 3600,
      periodMintCap: MIN_PERIOD_MINT_CAP,
      log: quiet,
    });
    const publicClient = createPublicClient({ chain: hardhat, transport: http(chain.url) });
    const minter = { address: deployment.rewardMinter, abi: rewardMinterAbi } as const;
    expect(await publicClient.readContract({ ...minter, functionName: "periodSeconds" })).toBe(3600n);
    expect(await publicClient.readContract({ ...minter, functionName: "periodMintCap" })).toBe(C4E);

    const logs: string[] = [];
    const sync = () =>
      syncMintCap({
        rpcUrl: chain.url,
        chainId: chain.chainId,
        rewardMinter: deployment.rewardMinter,
        admin: devAccount(0),
        cap: 15n * C4E,
        periodSeconds: PERIOD_MINUTES * 60,
        log: (msg) => logs.push(msg),
      });
    expect(await sync()).toMatchObject({ changed: true, periodSeconds: 900, cap: 15n * C4E });
    expect(await publicClient.readContract({ ...minter, functionName: "periodSeconds" })).toBe(900n);
    expect(await publicClient.readContract({ ...minter, functionName: "periodMintCap" })).toBe(15n * C4E);
    expect(await sync()).toEqual({ changed: false, periodSeconds: 900, cap: 15n * C4E });
    expect(logs).toEqual(["reward mint cap set"]);

    // The oracle mints up to the capacity in an ended period, and not a Wh more.
    const oracle = createWalletClient({ account: devAccount(1), chain: hardhat, transport: http(chain.url) });
    const periodStart = 1_793_491_200n; // 2026-11-01T00:00Z
    const mint = (id: `0x${string}`, amount: bigint) =>
      oracle.writeContract({
        ...minter,
        functionName: "mintBatch",
        args: [id, periodStart, `0x${"11".repeat(32)}`, [devAccount(2).address], [amount]],
      });
    const hash = await mint(`0x${"01".repeat(32)}`, 15n * C4E);
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
    const refused = await mint(`0x${"02".repeat(32)}`, 10n ** 15n).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BaseError);
    const revert = (refused as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
    expect(revert instanceof ContractFunctionRevertedError && revert.data?.errorName).toBe(
      "PeriodMintCapExceeded",
    );
  });

  it("syncMintCap refuses to send as an account without CAP_MANAGER_ROLE", async () => {
    await expect(
      syncMintCap({
        rpcUrl: chain.url,
        chainId: chain.chainId,
        rewardMinter: deployment.rewardMinter,
        admin: devAccount(1),
        cap: 16n * C4E,
        periodSeconds: 900,
        log: quiet,
      }),
    ).rejects.toThrow(/AccessControlUnauthorizedAccount/);
  });

  it("checkMintCap stops a start whose settlement period differs from the chain's, and reports a low cap", async () => {
    const logs: string[] = [];
    const params = {
      rpcUrl: chain.url,
      chainId: chain.chainId,
      rewardMinter: deployment.rewardMinter,
      log: (msg: string) => logs.push(msg),
    };
    const onChain = await createPublicClient({ chain: hardhat, transport: http(chain.url) }).readContract({
      address: deployment.rewardMinter,
      abi: rewardMinterAbi,
      functionName: "periodMintCap",
    });
    await expect(checkMintCap({ ...params, periodSeconds: 3600, capacityCap: 1n })).rejects.toThrow(
      /^SETTLEMENT_PERIOD_MINUTES: gives periods of 3600 s, but RewardMinter .* mints periods of 900 s/,
    );
    await checkMintCap({ ...params, periodSeconds: 900, capacityCap: onChain });
    expect(logs).toEqual([]);
    await checkMintCap({ ...params, periodSeconds: 900, capacityCap: onChain + 1n });
    expect(logs).toEqual([expect.stringContaining("below the registered capacity")]);
  });
});
