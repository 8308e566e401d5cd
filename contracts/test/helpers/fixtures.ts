import type { BaseContract, BaseContractMethod, ContractRunner } from "ethers";
import { ethers } from "hardhat";
import type { Abi, ContractFunctionName } from "viem";
import type { c4eTokenAbi, rewardMinterAbi } from "../../generated/index.ts";

/**
 * An ethers contract whose method names are checked against the generated ABI (no typechain here;
 * arguments and results stay loosely typed, as in ethers' own `Contract`).
 */
export type EthersContract<abi extends Abi> = {
  connect(runner: ContractRunner | null): EthersContract<abi>;
} & BaseContract & { [name in ContractFunctionName<abi>]: BaseContractMethod };

export type C4ETokenContract = EthersContract<typeof c4eTokenAbi>;
export type RewardMinterContract = EthersContract<typeof rewardMinterAbi>;

/** C4EToken + RewardMinter wired as in production: the minter holds MINTER_ROLE on the token. */
export async function deployC4EFixture() {
  const [admin, oracle, alice, bob, carol, outsider] = await ethers.getSigners();
  if (!admin || !oracle || !alice || !bob || !carol || !outsider) throw new Error("not enough signers");
  const token = (await ethers.deployContract("C4EToken", [admin.address])) as unknown as C4ETokenContract;
  const minter = (await ethers.deployContract("RewardMinter", [
    await token.getAddress(),
    admin.address,
    oracle.address,
  ])) as unknown as RewardMinterContract;
  await token.grantRole(await token.MINTER_ROLE(), await minter.getAddress());
  return { token, minter, admin, oracle, alice, bob, carol, outsider };
}
