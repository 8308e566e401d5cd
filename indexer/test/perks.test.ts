import {
  c4ePerksAbi,
  c4eTokenAbi,
  certificateIdFor,
  greenCertificatesAbi,
  rewardMinterAbi,
} from "@c4e/contracts";
import { type Hash, keccak256, stringToHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "@c4e/stack/dev-accounts";
import { couponsOf, certificatesOf, perksOf } from "../src/coupons.ts";
import { createIndexer, type Indexer } from "../src/create-indexer.ts";
import { resetChainMirror } from "../src/reset-chain-mirror.ts";
import { batchId, type Fixture, setupFixture, TOKEN } from "./fixture.ts";

// Dev accounts: 0 retailer (deployer), 1 oracle, 2–4 prosumers, 5 partner.
const PARTNER = 5;
const REF = keccak256(stringToHex("order-1"));

describe("indexer: perks, coupons and green certificates", () => {
  let f: Fixture;
  let indexer: Indexer;
  const address = (i: number) => devAccount(i).address.toLowerCase();
  const perks = () => ({ address: f.deployment.perks, abi: c4ePerksAbi }) as const;
  const send = async (hash: Promise<Hash>) => {
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash: await hash });
    expect(receipt.status).toBe("success");
    return receipt.transactionHash;
  };
  const redeem = async (who: number, perkId: bigint, price: bigint) => {
    await send(
      f.wallet(who).writeContract({
        address: f.deployment.token,
        abi: c4eTokenAbi,
        functionName: "approve",
        args: [f.deployment.perks, price],
      }),
    );
    return await send(f.wallet(who).writeContract({ ...perks(), functionName: "redeem", args: [perkId] }));
  };
  const count = async (table: string) =>
    (
      await f.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" WHERE "chain_id" = $1`, [
        f.chain.chainId,
      ])
    ).rows[0]?.n;

  beforeAll(async () => {
    f = await setupFixture("indexer_perks");
    const now = (await f.publicClient.getBlock()).timestamp;
    // The oracle rewards prosumers 2 and 3 and issues their certificates (1 C4E per kWh, 1 unit per Wh).
    await send(
      f.wallet(1).writeContract({
        address: f.deployment.rewardMinter,
        abi: rewardMinterAbi,
        functionName: "mintBatchWithCertificates",
        args: [
          batchId("c1"),
          f.nextPeriod(),
          keccak256(stringToHex("root")),
          [devAccount(2).address, devAccount(3).address],
          [20n * TOKEN, 10n * TOKEN],
          [20_000n, 10_000n],
        ],
      }),
    );
    // The retailer makes account 5 a partner, which lists two perks.
    const partnerRole = await f.publicClient.readContract({ ...perks(), functionName: "PARTNER_ROLE" });
    await send(
      f.wallet(0).writeContract({
        ...perks(),
        functionName: "grantRole",
        args: [partnerRole, devAccount(PARTNER).address],
      }),
    );
    await send(
      f.wallet(PARTNER).writeContract({
        ...perks(),
        functionName: "createPerk",
        args: ["PV panel cleaning −10 %", 5n * TOKEN, 10n, now, now + 86_400n * 30n, false],
      }),
    );
    await send(
      f.wallet(PARTNER).writeContract({
        ...perks(),
        functionName: "createPerk",
        args: ["Cinema ticket", 2n * TOKEN, 10n, now, now + 86_400n * 30n, true],
      }),
    );
  });
  afterAll(async () => {
    await indexer?.stop();
    await f?.close();
  });

  it("mirrors perks, redemptions, coupon transfers and consumptions; couponsOf shows the coupons", async () => {
    await redeem(2, 1n, 5n * TOKEN);
    await redeem(2, 2n, 2n * TOKEN);
    await redeem(3, 1n, 5n * TOKEN);
    // prosumer 3 gives its coupon to 4; the partner consumes prosumer 2's coupon of perk 1
    await send(
      f.wallet(3).writeContract({
        ...perks(),
        functionName: "safeTransferFrom",
        args: [devAccount(3).address, devAccount(4).address, 1n, 1n, "0x"],
      }),
    );
    await send(
      f
        .wallet(PARTNER)
        .writeContract({ ...perks(), functionName: "consumeCoupon", args: [devAccount(2).address, 1n, REF] }),
    );

    indexer = createIndexer(f.config({ maxBlockRange: 3 }));
    await indexer.syncOnce();
    await f.expectMirrorEqualsChain();

    const contract = f.deployment.perks.toLowerCase();
    expect(await couponsOf(f.pool, f.chain.chainId, devAccount(2).address)).toEqual([
      {
        contract,
        perkId: 2n,
        balance: 1n,
        name: "Cinema ticket",
        partner: address(PARTNER),
        price: 2n * TOKEN,
        burnTokens: true,
        validUntil: expect.any(BigInt),
      },
    ]);
    expect((await couponsOf(f.pool, f.chain.chainId, address(3))).length).toBe(0);
    expect(
      await couponsOf(f.pool, f.chain.chainId, address(4).toUpperCase().replace("0X", "0x")),
    ).toMatchObject([{ perkId: 1n, balance: 1n, name: "PV panel cleaning −10 %" }]);
    // the mirror agrees with the contract's ERC-1155 balances
    for (const who of [2, 3, 4]) {
      for (const perkId of [1n, 2n]) {
        const onChain = await f.publicClient.readContract({
          ...perks(),
          functionName: "balanceOf",
          args: [devAccount(who).address, perkId],
        });
        const mirrored =
          (await couponsOf(f.pool, f.chain.chainId, address(who))).find((c) => c.perkId === perkId)
            ?.balance ?? 0n;
        expect(mirrored, `account ${who} perk ${perkId}`).toBe(onChain);
      }
    }
    expect(
      (await perksOf(f.pool, f.chain.chainId)).map((p) => [
        p.perkId,
        p.name,
        p.partner,
        p.price,
        p.supply,
        p.redeemed,
        p.burnTokens,
      ]),
    ).toEqual([
      [1n, "PV panel cleaning −10 %", address(PARTNER), 5n * TOKEN, 10n, 2n, false],
      [2n, "Cinema ticket", address(PARTNER), 2n * TOKEN, 10n, 1n, true],
    ]);
    const { rows: redeemed } = await f.pool.query(
      `SELECT "perk_id"::text, "account", "partner", "price"::text, "burned" FROM "perk_redeemed" WHERE "chain_id" = $1 ORDER BY "block_number"`,
      [f.chain.chainId],
    );
    expect(redeemed).toEqual([
      {
        perk_id: "1",
        account: address(2),
        partner: address(PARTNER),
        price: (5n * TOKEN).toString(),
        burned: false,
      },
      {
        perk_id: "2",
        account: address(2),
        partner: address(PARTNER),
        price: (2n * TOKEN).toString(),
        burned: true,
      },
      {
        perk_id: "1",
        account: address(3),
        partner: address(PARTNER),
        price: (5n * TOKEN).toString(),
        burned: false,
      },
    ]);
    const { rows: consumed } = await f.pool.query(
      `SELECT "perk_id"::text, "holder", "partner", "ref" FROM "coupon_consumed" WHERE "chain_id" = $1`,
      [f.chain.chainId],
    );
    expect(consumed).toEqual([{ perk_id: "1", holder: address(2), partner: address(PARTNER), ref: REF }]);
    expect(await count("coupon_transfer")).toBe(5); // 3 mints, 1 transfer, 1 burn
  });

  it("mirrors certificate issues, transfers and claims; certificatesOf shows held and claimed Wh", async () => {
    const id = certificateIdFor(batchId("c1"));
    const certs = { address: f.deployment.greenCertificates, abi: greenCertificatesAbi } as const;
    await send(
      f.wallet(2).writeContract({ ...certs, functionName: "claim", args: [id, 1_500n, "Alice Sommer"] }),
    );
    await send(
      f.wallet(2).writeContract({
        ...certs,
        functionName: "safeTransferFrom",
        args: [devAccount(2).address, devAccount(4).address, id, 500n, "0x"],
      }),
    );
    await indexer.syncOnce();

    const { rows: issued } = await f.pool.query(
      `SELECT "batch_id", "certificate_id"::text, "holders", "total_wh"::text FROM "certificates_issued" WHERE "chain_id" = $1`,
      [f.chain.chainId],
    );
    expect(issued).toEqual([
      { batch_id: batchId("c1"), certificate_id: id.toString(), holders: 2, total_wh: "30000" },
    ]);
    const { rows: claimed } = await f.pool.query(
      `SELECT "holder", "batch_id", "energy_wh"::text, "beneficiary" FROM "certificates_claimed" WHERE "chain_id" = $1`,
      [f.chain.chainId],
    );
    expect(claimed).toEqual([
      { holder: address(2), batch_id: batchId("c1"), energy_wh: "1500", beneficiary: "Alice Sommer" },
    ]);
    const contract = f.deployment.greenCertificates.toLowerCase();
    expect(await certificatesOf(f.pool, f.chain.chainId, address(2))).toEqual([
      { contract, certificateId: id, batchId: batchId("c1"), balance: 18_000n, claimedWh: 1_500n },
    ]);
    expect(await certificatesOf(f.pool, f.chain.chainId, address(4))).toEqual([
      { contract, certificateId: id, batchId: batchId("c1"), balance: 500n, claimedWh: 0n },
    ]);
  });

  it("rolls redemptions, coupons and claims back on a reorganisation", async () => {
    const snapshot = await f.testClient.snapshot();
    const gone = await redeem(3, 2n, 2n * TOKEN);
    await indexer.syncOnce();
    expect((await couponsOf(f.pool, f.chain.chainId, address(3))).map((c) => c.perkId)).toEqual([2n]);

    await f.testClient.revert({ id: snapshot });
    await f.testClient.mine({ blocks: 3 });
    const result = await indexer.syncOnce();

    expect(result.reorgDepth).toBeGreaterThan(0);
    expect(await couponsOf(f.pool, f.chain.chainId, address(3))).toEqual([]);
    const { rows } = await f.pool.query(
      `SELECT 1 FROM "perk_redeemed" WHERE "tx_hash" = $1 UNION ALL SELECT 1 FROM "coupon_transfer" WHERE "tx_hash" = $1`,
      [gone],
    );
    expect(rows).toEqual([]);
    expect((await perksOf(f.pool, f.chain.chainId)).find((p) => p.perkId === 2n)?.redeemed).toBe(1n);
    await f.expectMirrorEqualsChain();
  });

  it("a replayed range adds nothing; resetChainMirror empties the perk and certificate tables", async () => {
    const tables = [
      "perk_created",
      "perk_redeemed",
      "coupon_transfer",
      "coupon_consumed",
      "certificates_issued",
      "certificates_claimed",
      "certificate_transfer",
    ];
    const before = await Promise.all(tables.map(count));
    await f.pool.query(
      `UPDATE "chain_checkpoint" SET "block_number" = $2, "block_hash" = $3 WHERE "chain_id" = $1`,
      [f.chain.chainId, f.deployment.blockNumber.toString(), f.deployment.blockHash],
    );
    await indexer.syncOnce();
    expect(await Promise.all(tables.map(count))).toEqual(before);

    await resetChainMirror(f.pool, f.chain.chainId);
    for (const t of tables) expect(await count(t), t).toBe(0);
    await indexer.stop();
    indexer = createIndexer(f.config());
    await indexer.syncOnce();
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });
});
