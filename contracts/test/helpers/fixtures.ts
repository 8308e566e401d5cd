import type { BaseContract, BaseContractMethod, ContractRunner } from "ethers";
import { ethers } from "hardhat";
import type { Abi, ContractFunctionName } from "viem";
import type {
  c4ePerksAbi,
  c4eTokenAbi,
  greenCertificatesAbi,
  rewardMinterAbi,
} from "../../generated/index.ts";

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

/**
 * Every C4E contract wired as in production (deployC4E): the RewardMinter holds MINTER_ROLE on the token
 * and ISSUER_ROLE on the certificates; the admin is the retailer of the perks.
 */
export async function deployC4EFixture() {
  const [admin, oracle, alice, bob, carol, outsider, partner, relayer] = await ethers.getSigners();
  if (!admin || !oracle || !alice || !bob || !carol || !outsider || !partner || !relayer) {
    throw new Error("not enough signers");
  }
  const token = (await ethers.deployContract("C4EToken", [admin.address])) as unknown as C4ETokenContract;
  const certificates = (await ethers.deployContract("GreenCertificates", [
    admin.address,
    "c4e://certificates/{id}",
  ])) as unknown as GreenCertificatesContract;
  const minter = (await ethers.deployContract("RewardMinter", [
    await token.getAddress(),
    await certificates.getAddress(),
    admin.address,
    oracle.address,
  ])) as unknown as RewardMinterContract;
  const perks = (await ethers.deployContract("C4EPerks", [
    await token.getAddress(),
    admin.address,
    "c4e://coupons/{id}",
  ])) as unknown as C4EPerksContract;
  await token.grantRole(await token.MINTER_ROLE(), await minter.getAddress());
  await certificates.grantRole(await certificates.ISSUER_ROLE(), await minter.getAddress());
  return { token, minter, certificates, perks, admin, oracle, alice, bob, carol, outsider, partner, relayer };
}

export type C4EFixture = Awaited<ReturnType<typeof deployC4EFixture>>;
