// A demo prosumer redeems a perk on the running platform (EIP-2612 permit + redeem in one transaction),
// then waits until the indexer's mirror shows the coupon.
// Usage: npm run c4e -- redeem-perk [--prosumer 2] [--perk <id>] [--wait-seconds 30]
//   --prosumer  dev account index of the prosumer (2 Alice, 3 Bob, 4 Carol); local chain 31337 only
//   --perk      perk id; default: the cheapest active perk the prosumer can afford
// Reads the same environment as `npm start` (DATABASE_URL / PG_PORT, RPC_URL / CHAIN_PORT).
import { c4ePerksAbi, c4eTokenAbi, permitTypedData } from "@c4e/contracts";
import { couponsOf } from "@c4e/indexer";
import { createPool } from "@c4e/prisma";
import { createPublicClient, createWalletClient, formatUnits, getAddress, http, parseSignature } from "viem";
import { chainFor } from "../deployment.ts";
import { devAccount, LOCAL_CHAIN_ID } from "../dev-accounts.ts";
import { loadConfig } from "../env.ts";

export type RedeemPerkOptions = { prosumer: number; perk?: bigint; waitSeconds: number };

/** Redeems a perk for a demo prosumer and waits for the coupon in the mirror; throws what went wrong. */
export async function redeemPerk(values: RedeemPerkOptions): Promise<void> {
  const config = loadConfig();
  const databaseUrl =
    "url" in config.database
      ? config.database.url
      : `postgresql://postgres:postgres@127.0.0.1:${config.database.embedded.port}/c4e`;
  const rpcUrl =
    "rpcUrl" in config.chain ? config.chain.rpcUrl : `http://127.0.0.1:${config.chain.embedded.port}`;
  const pool = createPool({ url: databaseUrl, max: 1 });

  try {
    const probe = createPublicClient({ transport: http(rpcUrl) });
    const chainId = await probe.getChainId();
    if (chainId !== LOCAL_CHAIN_ID)
      throw new Error(
        `redeem-perk uses development accounts: local chain ${LOCAL_CHAIN_ID} only, not ${chainId}`,
      );
    const chain = chainFor(chainId, rpcUrl);
    const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 250 });
    const { rows } = await pool.query<{ token: string; perks: string | null }>(
      "SELECT token, perks FROM chain_deployment WHERE chain_id = $1",
      [chainId],
    );
    const recorded = rows[0];
    if (!recorded?.perks)
      throw new Error(`no C4EPerks recorded for chain ${chainId}: is the platform running (npm start)?`);
    const token = { address: getAddress(recorded.token), abi: c4eTokenAbi } as const;
    const perks = { address: getAddress(recorded.perks), abi: c4ePerksAbi } as const;
    const prosumer = devAccount(values.prosumer);
    const wallet = createWalletClient({ account: prosumer, chain, transport: http(rpcUrl) });

    const balance = await publicClient.readContract({
      ...token,
      functionName: "balanceOf",
      args: [prosumer.address],
    });
    const now = (await publicClient.getBlock()).timestamp;
    const count = await publicClient.readContract({ ...perks, functionName: "perkCount" });
    const listed = [];
    for (let id = 1n; id <= count; id++) {
      const perk = await publicClient.readContract({ ...perks, functionName: "perk", args: [id] });
      const name = await publicClient.readContract({ ...perks, functionName: "perkName", args: [id] });
      listed.push({ id, name, ...perk });
    }
    const active = listed.filter((p) => p.validFrom <= now && now < p.validUntil && p.redeemed < p.supply);
    console.log(`prosumer ${prosumer.address}: ${formatUnits(balance, 18)} C4E`);
    for (const p of listed) {
      console.log(
        `  perk ${p.id}: ${p.name} — ${formatUnits(p.price, 18)} C4E, ${p.supply - p.redeemed} left, ${p.burnTokens ? "burned" : "paid to the partner"}${active.includes(p) ? "" : " (not redeemable)"}`,
      );
    }
    const chosen =
      values.perk !== undefined
        ? listed.find((p) => p.id === values.perk)
        : active.filter((p) => p.price <= balance).sort((a, b) => (a.price < b.price ? -1 : 1))[0];
    if (!chosen) {
      throw new Error(
        values.perk !== undefined
          ? `no perk ${values.perk}`
          : "no active perk the prosumer can afford yet (rewards arrive with every settled period)",
      );
    }
    if (chosen.price > balance) {
      throw new Error(
        `perk ${chosen.id} costs ${formatUnits(chosen.price, 18)} C4E, the prosumer holds ${formatUnits(balance, 18)}`,
      );
    }

    // One transaction: the permit (signed off-chain) and the redemption.
    const deadline = now + 3600n;
    const signature = parseSignature(
      await prosumer.signTypedData(
        permitTypedData({
          chainId,
          token: token.address,
          owner: prosumer.address,
          spender: perks.address,
          value: chosen.price,
          nonce: await publicClient.readContract({
            ...token,
            functionName: "nonces",
            args: [prosumer.address],
          }),
          deadline,
        }),
      ),
    );
    const { request } = await publicClient.simulateContract({
      ...perks,
      account: prosumer,
      functionName: "redeemWithPermit",
      args: [
        chosen.id,
        chosen.price,
        deadline,
        Number(signature.v ?? BigInt(signature.yParity + 27)),
        signature.r,
        signature.s,
      ],
    });
    const hash = await wallet.writeContract(request);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`redeem transaction ${hash} reverted`);
    console.log(`redeemed perk ${chosen.id} (${chosen.name}) in ${hash}, gas ${receipt.gasUsed}`);

    // The mirror: wait for the indexer to show the coupon.
    const until = Date.now() + values.waitSeconds * 1000;
    for (;;) {
      const coupons = await couponsOf(pool, chainId, prosumer.address);
      const { rows: seen } = await pool.query(
        "SELECT 1 FROM perk_redeemed WHERE chain_id = $1 AND tx_hash = $2",
        [chainId, hash.toLowerCase()],
      );
      if (seen.length > 0) {
        console.log("coupons in the mirror:");
        for (const c of coupons)
          console.log(`  perk ${c.perkId}: ${c.name} × ${c.balance} (partner ${c.partner})`);
        break;
      }
      if (Date.now() > until)
        throw new Error("the indexer has not mirrored the redemption yet (is the platform running?)");
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await pool.end();
  }
}
