// Gas of every C4E contract operation, measured from receipts on a local Hardhat node.
// Usage: npx tsx bench/gas-report.ts [--json]
// Prints a Markdown table (or JSON); bench/gas.md records the figures with the machine and date.
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import {
  batchIdFor,
  c4ePerksAbi,
  c4eTokenAbi,
  deployC4E,
  greenCertificatesAbi,
  mintAttestedBatchArgs,
  permitTypedData,
  rewardBatchTypedData,
  rewardMinterAbi,
} from "@c4e/contracts";
import {
  type Account,
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hash,
  http,
  keccak256,
  parseSignature,
  stringToHex,
} from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { hardhat } from "viem/chains";
import { devAccount } from "@c4e/stack/dev-accounts";
import { startLocalChain } from "@c4e/stack/embedded/chain";
import { freePort } from "@c4e/stack/embedded/ports";

const { values } = parseArgs({ options: { json: { type: "boolean", default: false } } });
const BATCH = 100;
const C4E = 10n ** 18n;
const PERIOD_SECONDS = 900;

const chain = await startLocalChain({ port: await freePort() });
try {
  const transport = http(chain.url);
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 20 });
  const testClient = createTestClient({ chain: hardhat, mode: "hardhat", transport });
  const wallet = (account: Account) => createWalletClient({ account, chain: hardhat, transport });
  const [admin, oracle, alice, bob, partner, relayer] = [0, 1, 2, 3, 5, 6].map((i) => devAccount(i)) as [
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
  ];
  const rows: { operation: string; gas: bigint; note?: string }[] = [];
  const gasOf = async (hash: Hash) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt.gasUsed;
  };
  const record = async (operation: string, hash: Hash | Promise<Hash>, note?: string) => {
    const gas = await gasOf(await hash);
    rows.push({ operation, gas, note });
    return gas;
  };

  // Deployment (gas per contract from the receipts of deployC4E's transactions).
  const fromBlock = (await publicClient.getBlockNumber()) + 1n;
  const d = await deployC4E({
    publicClient,
    walletClient: wallet(admin),
    minter: oracle.address,
    periodSeconds: PERIOD_SECONDS,
    periodMintCap: 10n ** 30n,
  });
  const toBlock = await publicClient.getBlockNumber();
  const deployNames = [
    "deploy C4EToken",
    "deploy GreenCertificates",
    "deploy RewardMinter",
    "deploy C4EPerks",
    "grant MINTER_ROLE (token → minter)",
    "grant ISSUER_ROLE (certificates → minter)",
  ];
  let n = 0;
  for (let b = fromBlock; b <= toBlock; b++) {
    const block = await publicClient.getBlock({ blockNumber: b, includeTransactions: true });
    for (const tx of block.transactions) {
      rows.push({ operation: deployNames[n++] ?? `deployment tx ${n}`, gas: await gasOf(tx.hash) });
    }
  }

  const token = { address: d.token, abi: c4eTokenAbi } as const;
  const minter = { address: d.rewardMinter, abi: rewardMinterAbi } as const;
  const certs = { address: d.greenCertificates, abi: greenCertificatesAbi } as const;
  const perks = { address: d.perks, abi: c4ePerksAbi } as const;

  // Realistic batches: distinct fresh addresses, rewards of 1 C4E per kWh for 1–20,000 Wh (1 kWh = 1e18).
  let seed = 0;
  const freshAddresses = (count: number): Address[] =>
    Array.from({ length: count }, () => privateKeyToAddress(keccak256(stringToHex(`gas-holder-${seed++}`))));
  const energyFor = (i: number) => BigInt(1 + ((i * 7919 + 104_729) % 20_000));
  // One period per batch (2026-11-01 onwards, long over), so every batch also starts its period's sum.
  let period = 0;
  const nextBatch = () => {
    const startMs = Date.UTC(2026, 10, 1) + period++ * PERIOD_SECONDS * 1000;
    return {
      batchId: batchIdFor(new Date(startMs).toISOString(), "v1"),
      periodStart: BigInt(startMs / 1000),
    };
  };
  const root = keccak256(stringToHex("readings root"));

  const rewardBatch = (recipients: Address[]) => ({
    recipients,
    energyWh: recipients.map((_, i) => energyFor(i)),
    amounts: recipients.map((_, i) => energyFor(i) * 10n ** 15n),
  });
  const mintRewards = (b: ReturnType<typeof rewardBatch>, at = nextBatch()) =>
    wallet(oracle).writeContract({
      ...minter,
      functionName: "mintBatch",
      args: [at.batchId, at.periodStart, root, b.recipients, b.amounts],
    });
  const mintWithCertificates = (b: ReturnType<typeof rewardBatch>, at = nextBatch()) =>
    wallet(oracle).writeContract({
      ...minter,
      functionName: "mintBatchWithCertificates",
      args: [at.batchId, at.periodStart, root, b.recipients, b.amounts, b.energyWh],
    });

  // Reward-only batches: 1 and 100 new holders, then the same holders again (existing holders).
  const one = rewardBatch(freshAddresses(1));
  const hundred = rewardBatch(freshAddresses(BATCH));
  const new1 = await record("RewardMinter.mintBatch, 1 new holder", mintRewards(one));
  const new100 = await record(`RewardMinter.mintBatch, ${BATCH} new holders`, mintRewards(hundred));
  const old1 = await record("RewardMinter.mintBatch, 1 existing holder", mintRewards(one));
  const old100 = await record(`RewardMinter.mintBatch, ${BATCH} existing holders`, mintRewards(hundred));
  // A second part of a period that already minted: its sum goes from non-zero to non-zero.
  const first = nextBatch();
  await gasOf(await mintRewards(one, first));
  await record(
    "RewardMinter.mintBatch, 1 existing holder, second part of a period",
    mintRewards(one, {
      batchId: batchIdFor(new Date(Number(first.periodStart) * 1000).toISOString(), "v1", 1),
      periodStart: first.periodStart,
    }),
  );

  // Reward + certificates (certificate ids are new per batch, so every certificate balance is new).
  const oneC = rewardBatch(freshAddresses(1));
  const hundredC = rewardBatch(freshAddresses(BATCH));
  const newC1 = await record(
    "RewardMinter.mintBatchWithCertificates, 1 new holder",
    mintWithCertificates(oneC),
  );
  const newC100 = await record(
    `RewardMinter.mintBatchWithCertificates, ${BATCH} new holders`,
    mintWithCertificates(hundredC),
  );
  const oldC1 = await record(
    "RewardMinter.mintBatchWithCertificates, 1 existing holder",
    mintWithCertificates(oneC),
  );
  const oldC100 = await record(
    `RewardMinter.mintBatchWithCertificates, ${BATCH} existing holders`,
    mintWithCertificates(hundredC),
  );

  // Certificates held for recipients with code: a batch of 100 holders with code (hardhat_setCode: PUSH0
  // PUSH0 REVERT, a wallet that refuses every call, so also the ERC-1155 hooks).
  const contracts = freshAddresses(BATCH);
  for (const address of contracts) await testClient.setCode({ address, bytecode: "0x5f5ffd" });
  const heldBatch = nextBatch();
  const held100 = await record(
    `RewardMinter.mintBatchWithCertificates, ${BATCH} new holders with code (certificates held)`,
    mintWithCertificates(rewardBatch(contracts), heldBatch),
  );
  const [collector] = freshAddresses(1) as [Address];
  await testClient.impersonateAccount({ address: contracts[0] as Address });
  await testClient.setBalance({ address: contracts[0] as Address, value: C4E });
  await record(
    "GreenCertificates.collectCertificates (held units to an EOA)",
    createWalletClient({ account: contracts[0] as Address, chain: hardhat, transport }).writeContract({
      ...certs,
      functionName: "collectCertificates",
      args: [BigInt(heldBatch.batchId), collector],
    }),
  );
  await testClient.stopImpersonatingAccount({ address: contracts[0] as Address });
  await record(
    "RewardMinter.setPeriodMintCap",
    wallet(admin).writeContract({
      ...minter,
      functionName: "setPeriodMintCap",
      args: [BigInt(PERIOD_SECONDS), 10n ** 30n + 1n],
    }),
  );

  // Attested batch (EIP-712 signature of the oracle, sent by a relayer).
  const attested = rewardBatch(freshAddresses(BATCH));
  const attestedAt = nextBatch();
  const attestedBatch = {
    ...attestedAt,
    readingsRoot: root,
    ...attested,
    deadline: BigInt((await publicClient.getBlock()).timestamp) + 3600n,
  };
  const signature = await wallet(oracle).signTypedData(
    rewardBatchTypedData({ chainId: d.chainId, rewardMinter: d.rewardMinter, batch: attestedBatch }),
  );
  await record(
    `RewardMinter.mintAttestedBatch, ${BATCH} new holders (relayer)`,
    wallet(relayer).writeContract({
      ...minter,
      functionName: "mintAttestedBatch",
      args: mintAttestedBatchArgs(attestedBatch, signature),
    }),
  );

  // Plain OpenZeppelin mint (ERC20._mint through C4EToken.mint) for comparison.
  const minterRole = await publicClient.readContract({ ...token, functionName: "MINTER_ROLE" });
  await gasOf(
    await wallet(admin).writeContract({
      ...token,
      functionName: "grantRole",
      args: [minterRole, admin.address],
    }),
  );
  const [plainNew] = freshAddresses(1) as [Address];
  const ozNew = await record(
    "C4EToken.mint (OpenZeppelin _mint), new holder",
    wallet(admin).writeContract({ ...token, functionName: "mint", args: [plainNew, 1_500n * 10n ** 15n] }),
  );
  const ozOld = await record(
    "C4EToken.mint (OpenZeppelin _mint), existing holder",
    wallet(admin).writeContract({ ...token, functionName: "mint", args: [plainNew, 1_500n * 10n ** 15n] }),
  );

  // ERC-20 operations.
  for (const who of [alice, bob]) {
    await gasOf(
      await wallet(admin).writeContract({ ...token, functionName: "mint", args: [who.address, 100n * C4E] }),
    );
  }
  const [stranger] = freshAddresses(1) as [Address];
  await record(
    "C4EToken.transfer, to a new holder",
    wallet(alice).writeContract({ ...token, functionName: "transfer", args: [stranger, C4E] }),
  );
  await record(
    "C4EToken.transfer, to an existing holder",
    wallet(alice).writeContract({ ...token, functionName: "transfer", args: [bob.address, C4E] }),
  );
  await record(
    "C4EToken.approve (zero → non-zero)",
    wallet(alice).writeContract({ ...token, functionName: "approve", args: [bob.address, 5n * C4E] }),
  );
  await record(
    "C4EToken.transferFrom (allowance left)",
    wallet(bob).writeContract({
      ...token,
      functionName: "transferFrom",
      args: [alice.address, bob.address, C4E],
    }),
  );
  await record("C4EToken.burn", wallet(alice).writeContract({ ...token, functionName: "burn", args: [C4E] }));
  const now = BigInt((await publicClient.getBlock()).timestamp);
  const permitSig = parseSignature(
    await wallet(alice).signTypedData(
      permitTypedData({
        chainId: d.chainId,
        token: d.token,
        owner: alice.address,
        spender: bob.address,
        value: 2n * C4E,
        nonce: await publicClient.readContract({ ...token, functionName: "nonces", args: [alice.address] }),
        deadline: now + 3600n,
      }),
    ),
  );
  await record(
    "C4EToken.permit",
    wallet(bob).writeContract({
      ...token,
      functionName: "permit",
      args: [
        alice.address,
        bob.address,
        2n * C4E,
        now + 3600n,
        Number(permitSig.v),
        permitSig.r,
        permitSig.s,
      ],
    }),
  );
  await record("C4EToken.pause", wallet(admin).writeContract({ ...token, functionName: "pause" }));
  await record("C4EToken.unpause", wallet(admin).writeContract({ ...token, functionName: "unpause" }));

  // Perks.
  const partnerRole = await publicClient.readContract({ ...perks, functionName: "PARTNER_ROLE" });
  await record(
    "C4EPerks.grantRole(PARTNER_ROLE) by the retailer",
    wallet(admin).writeContract({
      ...perks,
      functionName: "grantRole",
      args: [partnerRole, partner.address],
    }),
  );
  const createPerk = (name: string, burn: boolean) =>
    wallet(partner).writeContract({
      ...perks,
      functionName: "createPerk",
      args: [name, 5n * C4E, 1000n, now, now + 30n * 86_400n, burn],
    });
  await record("C4EPerks.createPerk (pay to partner)", createPerk("PV panel cleaning −10 %", false));
  await record("C4EPerks.createPerk (burn)", createPerk("Cinema ticket", true));
  const approvePerks = (who: Account) =>
    wallet(who)
      .writeContract({ ...token, functionName: "approve", args: [d.perks, 100n * C4E] })
      .then(gasOf);
  await approvePerks(alice);
  await approvePerks(bob);
  const redeemPay = await record(
    "C4EPerks.redeem, pay to partner (first coupon of the account, partner's first C4E)",
    wallet(alice).writeContract({ ...perks, functionName: "redeem", args: [1n] }),
  );
  await record(
    "C4EPerks.redeem, pay to partner (existing balances)",
    wallet(bob).writeContract({ ...perks, functionName: "redeem", args: [1n] }),
  );
  await record(
    "C4EPerks.redeem, burn (first coupon of that perk)",
    wallet(alice).writeContract({ ...perks, functionName: "redeem", args: [2n] }),
  );
  const permitRedeemer = devAccount(7);
  await gasOf(
    await wallet(admin).writeContract({
      ...token,
      functionName: "mint",
      args: [permitRedeemer.address, 20n * C4E],
    }),
  );
  const redeemSig = parseSignature(
    await wallet(permitRedeemer).signTypedData(
      permitTypedData({
        chainId: d.chainId,
        token: d.token,
        owner: permitRedeemer.address,
        spender: d.perks,
        value: 5n * C4E,
        nonce: 0n,
        deadline: now + 3600n,
      }),
    ),
  );
  const redeemPermit = await record(
    "C4EPerks.redeemWithPermit, pay to partner (new coupon holder)",
    wallet(permitRedeemer).writeContract({
      ...perks,
      functionName: "redeemWithPermit",
      args: [1n, 5n * C4E, now + 3600n, Number(redeemSig.v), redeemSig.r, redeemSig.s],
    }),
  );
  await record(
    "C4EPerks.consumeCoupon (by the partner)",
    wallet(partner).writeContract({
      ...perks,
      functionName: "consumeCoupon",
      args: [alice.address, 1n, keccak256(stringToHex("order-1"))],
    }),
  );
  await record(
    "C4EPerks.safeTransferFrom (coupon to a new holder)",
    wallet(bob).writeContract({
      ...perks,
      functionName: "safeTransferFrom",
      args: [bob.address, stranger, 1n, 1n, "0x"],
    }),
  );
  await record(
    "C4EPerks.endPerk",
    wallet(partner).writeContract({ ...perks, functionName: "endPerk", args: [2n] }),
  );

  // Certificates: claim and transfer (holder = the first certificate batch's recipient, who signs here).
  const certHolder = devAccount(8);
  const certBatch = nextBatch();
  const certBatchId = certBatch.batchId;
  await gasOf(
    await wallet(oracle).writeContract({
      ...minter,
      functionName: "mintBatchWithCertificates",
      args: [certBatchId, certBatch.periodStart, root, [certHolder.address], [1_000n * 10n ** 15n], [1_000n]],
    }),
  );
  await record(
    "GreenCertificates.safeTransferFrom (to a new holder)",
    wallet(certHolder).writeContract({
      ...certs,
      functionName: "safeTransferFrom",
      args: [certHolder.address, stranger, BigInt(certBatchId), 100n, "0x"],
    }),
  );
  await record(
    "GreenCertificates.claim (first claim of the holder)",
    wallet(certHolder).writeContract({
      ...certs,
      functionName: "claim",
      args: [BigInt(certBatchId), 500n, "Alice Sommer, Sonnenallee 12, Berlin"],
    }),
  );
  await record(
    "GreenCertificates.claim (again)",
    wallet(certHolder).writeContract({
      ...certs,
      functionName: "claim",
      args: [BigInt(certBatchId), 400n, "Alice Sommer, Sonnenallee 12, Berlin"],
    }),
  );
  await testClient.mine({ blocks: 1 });

  const per = (a: bigint, b: bigint) => (a - b) / BigInt(BATCH - 1);
  const summary = {
    batch: BATCH,
    rewardOnly: {
      newHolderMarginal: per(new100, new1),
      newHolderAverage: new100 / BigInt(BATCH),
      existingHolderMarginal: per(old100, old1),
      existingHolderAverage: old100 / BigInt(BATCH),
    },
    certificatesHeld: { holderWithCodeAverage: held100 / BigInt(BATCH) },
    rewardAndCertificates: {
      newHolderMarginal: per(newC100, newC1),
      newHolderAverage: newC100 / BigInt(BATCH),
      existingHolderMarginal: per(oldC100, oldC1),
      existingHolderAverage: oldC100 / BigInt(BATCH),
    },
    ozMint: { newHolder: ozNew, existingHolder: ozOld },
    redeem: { approval: redeemPay, permit: redeemPermit },
  };
  const machine = `${cpus().length}-core ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}`;
  if (values.json) {
    console.log(
      JSON.stringify(
        { machine, date: new Date().toISOString(), rows, summary },
        (_, v) => (typeof v === "bigint" ? v.toString() : v),
        2,
      ),
    );
  } else {
    const fmt = (g: bigint) => g.toLocaleString("en-US");
    console.log(`machine: ${machine}; date: ${new Date().toISOString().slice(0, 10)}\n`);
    console.log("| operation | gas |\n|---|---:|");
    for (const r of rows) console.log(`| ${r.operation} | ${fmt(r.gas)} |`);
    console.log("\n| per recipient, batch of 100 | marginal | average (tx / 100) |\n|---|---:|---:|");
    const s = summary;
    console.log(
      `| reward only, new holder | ${fmt(s.rewardOnly.newHolderMarginal)} | ${fmt(s.rewardOnly.newHolderAverage)} |`,
    );
    console.log(
      `| reward only, existing holder | ${fmt(s.rewardOnly.existingHolderMarginal)} | ${fmt(s.rewardOnly.existingHolderAverage)} |`,
    );
    console.log(
      `| reward + certificates, new holder | ${fmt(s.rewardAndCertificates.newHolderMarginal)} | ${fmt(s.rewardAndCertificates.newHolderAverage)} |`,
    );
    console.log(
      `| reward + certificates, existing holder | ${fmt(s.rewardAndCertificates.existingHolderMarginal)} | ${fmt(s.rewardAndCertificates.existingHolderAverage)} |`,
    );
    console.log(
      `| reward + certificates held (holder with code), new holder | | ${fmt(s.certificatesHeld.holderWithCodeAverage)} |`,
    );
  }
} finally {
  await chain.stop();
}
