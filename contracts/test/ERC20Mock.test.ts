import "@nomicfoundation/hardhat-chai-matchers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { type ERC20Like, shouldBehaveLikeERC20 } from "./helpers/erc20.behavior";

const INITIAL_SUPPLY = 100n * 10n ** 18n;

/** The reference: a plain OpenZeppelin ERC20, proving the shared behaviour tests only assume ERC-20. */
async function erc20MockFixture() {
  const [initialHolder, recipient, anotherAccount] = await ethers.getSigners();
  if (!initialHolder || !recipient || !anotherAccount) throw new Error("not enough signers");
  const token = (await ethers.deployContract("ERC20Mock", [
    initialHolder.address,
    INITIAL_SUPPLY,
  ])) as unknown as ERC20Like;
  return { token, initialHolder, recipient, anotherAccount, initialSupply: INITIAL_SUPPLY };
}

describe("ERC20Mock (plain OpenZeppelin ERC20)", () => {
  shouldBehaveLikeERC20(() => loadFixture(erc20MockFixture));
});
