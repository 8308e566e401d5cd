import { c4ePerksAbi } from "@c4e/contracts";
import {
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  getAddress,
  type Hash,
  http,
  parseEventLogs,
} from "viem";
import { chainFor } from "../deployment.ts";
import { assertLocalDevChain, devAccount } from "../dev-accounts.ts";
import type { Log } from "../log.ts";

/** Dev account of the demo partner (Hardhat mnemonic, index 5); the retailer is the deployer (index 0). */
export const DEMO_PARTNER_ACCOUNT_INDEX = 5;

const C4E = 10n ** 18n;
const YEAR_SECONDS = 365n * 86_400n;

export type DemoPerk = {
  name: string;
  /** C4E base units per coupon */
  price: bigint;
  supply: bigint;
  /** true: the price is burned; false: paid to the partner */
  burnTokens: boolean;
  by: "partner" | "retailer";
};

/**
 * The demo's perks: two partner perks and the retailer's own "credit on my energy invoice". Priced so
 * that a demo prosumer can afford one after the first simulated day even in winter (a November day
 * earns about 1–2 C4E).
 */
export const DEMO_PERKS: readonly DemoPerk[] = [
  { name: "PV panel cleaning −10 %", price: C4E / 2n, supply: 1_000n, burnTokens: false, by: "partner" },
  {
    name: "Heat-pump check-up voucher (25 €)",
    price: 3n * C4E,
    supply: 200n,
    burnTokens: false,
    by: "partner",
  },
  {
    name: "Credit on my energy invoice (0.10 €)",
    price: C4E / 4n,
    supply: 1_000_000n,
    burnTokens: true,
    by: "retailer",
  },
];

export type SeededPerk = DemoPerk & { perkId: bigint; partner: Address; created: boolean };

export type SeedDemoPerksParams = {
  rpcUrl: string;
  chainId: number;
  /** C4EPerks address of the deployment */
  perks: Address;
  /** holds RETAILER_ROLE (the deployer) */
  retailer: Account;
  /** the demo partner; gets PARTNER_ROLE from the retailer */
  partner?: Account;
  log: Log;
};

/**
 * Lists the demo perks on chain, idempotently: the retailer grants the demo partner PARTNER_ROLE (if it
 * lacks it), and every demo perk that its lister has not listed yet under the same name is created,
 * valid for a year from the latest block. A restart against the same chain creates nothing; a new
 * local chain (redeployed contracts) gets them again. Returns every demo perk with its id. The partner
 * is a development account: refused on any chain but the local development chain 31337.
 * @example await seedDemoPerks({ rpcUrl, chainId, perks: deployment.perks, retailer: devAccount(0), log });
 */
export async function seedDemoPerks(params: SeedDemoPerksParams): Promise<SeededPerk[]> {
  const { rpcUrl, chainId, log } = params;
  assertLocalDevChain(chainId, "seedDemoPerks");
  const partner = params.partner ?? devAccount(DEMO_PARTNER_ACCOUNT_INDEX);
  const chain = chainFor(chainId, rpcUrl);
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 250 });
  const perks = { address: getAddress(params.perks), abi: c4ePerksAbi } as const;
  const wallet = (account: Account) => createWalletClient({ account, chain, transport });
  const confirm = async (hash: Hash) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`seedDemoPerks: transaction ${hash} reverted`);
    return receipt;
  };

  const partnerRole = await publicClient.readContract({ ...perks, functionName: "PARTNER_ROLE" });
  if (
    !(await publicClient.readContract({
      ...perks,
      functionName: "hasRole",
      args: [partnerRole, partner.address],
    }))
  ) {
    await confirm(
      await wallet(params.retailer).writeContract({
        ...perks,
        functionName: "grantRole",
        args: [partnerRole, partner.address],
      }),
    );
  }

  const listed = new Map<string, bigint>(); // `${partner}:${name}` -> perk id
  const count = await publicClient.readContract({ ...perks, functionName: "perkCount" });
  for (let id = 1n; id <= count; id++) {
    const [perk, name] = await Promise.all([
      publicClient.readContract({ ...perks, functionName: "perk", args: [id] }),
      publicClient.readContract({ ...perks, functionName: "perkName", args: [id] }),
    ]);
    listed.set(`${getAddress(perk.partner)}:${name}`, id);
  }

  const now = (await publicClient.getBlock()).timestamp;
  const seeded: SeededPerk[] = [];
  for (const demo of DEMO_PERKS) {
    const lister = demo.by === "partner" ? partner : params.retailer;
    const key = `${getAddress(lister.address)}:${demo.name}`;
    let perkId = listed.get(key);
    const created = perkId === undefined;
    if (perkId === undefined) {
      const { request } = await publicClient.simulateContract({
        ...perks,
        account: lister,
        functionName: "createPerk",
        args: [demo.name, demo.price, demo.supply, now, now + YEAR_SECONDS, demo.burnTokens],
      });
      const receipt = await confirm(await wallet(lister).writeContract(request));
      const [event] = parseEventLogs({ abi: c4ePerksAbi, eventName: "PerkCreated", logs: receipt.logs });
      if (event === undefined) throw new Error("seedDemoPerks: no PerkCreated event");
      perkId = event.args.perkId;
      listed.set(key, perkId);
    }
    seeded.push({ ...demo, perkId, partner: getAddress(lister.address), created });
  }
  const createdCount = seeded.filter((p) => p.created).length;
  log(createdCount > 0 ? "demo perks listed" : "demo perks already listed", {
    perks: seeded.map((p) => `${p.perkId}: ${p.name}`),
  });
  return seeded;
}
