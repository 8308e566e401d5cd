import type { BaseContract, BaseContractMethod, ContractRunner } from "ethers";
import { ethers } from "hardhat";
import type { Abi, ContractFunctionName } from "viem";
import type { c4ePerksAbi, c4eTokenAbi, greenCertificatesAbi, rewardMinterAbi } from "@c4e/contracts";

/**
 * An ethers contract whose method names are checked against the generated ABI (no typechain here;
 * arguments and results stay loosely typed, as in ethers' own `Contract`).
 */
export type EthersContract<abi extends Abi> = {
  connect(runner: ContractRunner | null): EthersContract<abi>;
} & BaseContract & { [name in ContractFunctionName<abi>]: BaseContractMethod };

export type C4ETokenContract = EthersContract<typeof c4eTokenAbi>;
export type RewardMinterContract = EthersContract<typeof rewardMinterAbi>;
export type GreenCertificatesContract = EthersContract<typeof greenCertificatesAbi>;
export type C4EPerksContract = EthersContract<typeof c4ePerksAbi>;

export const ONE = 10n ** 18n;
/** Delay before a new default admin may accept the role (as deployC4E's default: two days). */
export const ADMIN_DELAY = 172_800n;
/** Settlement period of the fixtures' RewardMinter: one hour. */
export const PERIOD_SECONDS = 3_600n;
/** An hour that ended long ago (2026-11-01T00:00Z), aligned to PERIOD_SECONDS. */
export const PERIOD = 1_793_491_200n;
/** Per-period mint cap of the fixtures' RewardMinter: one million C4E. */
export const PERIOD_CAP = 1_000_000n * ONE;

/**
 * Every C4E contract wired as in production (deployC4E): the RewardMinter holds MINTER_ROLE on the token
 * and ISSUER_ROLE on the certificates; the admin is the retailer of the perks.
 */
export async function deployC4EFixture() {
  const [admin, oracle, alice, bob, carol, outsider, partner, relayer] = await ethers.getSigners();
  if (!admin || !oracle || !alice || !bob || !carol || !outsider || !partner || !relayer) {
    throw new Error("not enough signers");
  }
  const token = (await ethers.deployContract("C4EToken", [
    admin.address,
    ADMIN_DELAY,
  ])) as unknown as C4ETokenContract;
  const certificates = (await ethers.deployContract("GreenCertificates", [
    admin.address,
    ADMIN_DELAY,
    "c4e://certificates/{id}",
  ])) as unknown as GreenCertificatesContract;
  const minter = (await ethers.deployContract("RewardMinter", [
    await token.getAddress(),
    await certificates.getAddress(),
    admin.address,
    oracle.address,
    ADMIN_DELAY,
    PERIOD_SECONDS,
    PERIOD_CAP,
  ])) as unknown as RewardMinterContract;
  const perks = (await ethers.deployContract("C4EPerks", [
    await token.getAddress(),
    admin.address,
    ADMIN_DELAY,
    "c4e://coupons/{id}",
  ])) as unknown as C4EPerksContract;
  await token.grantRole(await token.MINTER_ROLE(), await minter.getAddress());
  await certificates.grantRole(await certificates.ISSUER_ROLE(), await minter.getAddress());
  return { token, minter, certificates, perks, admin, oracle, alice, bob, carol, outsider, partner, relayer };
}

export type C4EFixture = Awaited<ReturnType<typeof deployC4EFixture>>;

/**
 * A fresh EOA (random key, funded) whose code delegates to `target` by EIP-7702 (a type-4 transaction;
 * the in-process network runs Osaka): `code.length != 0`, as for a smart-account EOA. Fresh, so the
 * delegation never leaks into a fixture that a later test re-runs on top of the chain's current state.
 */
export async function delegatedAccount(target: string) {
  const account = ethers.Wallet.createRandom().connect(ethers.provider);
  await ethers.provider.send("hardhat_setBalance", [account.address, "0xde0b6b3a7640000"]);
  const authorization = await account.authorize({ address: target, nonce: 1 });
  const [funder] = await ethers.getSigners();
  if (!funder) throw new Error("no signer");
  await (await account.sendTransaction({ to: funder.address, authorizationList: [authorization] })).wait();
  const code = await ethers.provider.getCode(account.address);
  if (code !== `0xef0100${target.slice(2).toLowerCase()}`) throw new Error(`no delegation: ${code}`);
  return account;
}
