import { expect } from "chai";
import type { BaseContract, BaseContractMethod, ContractRunner, Signer } from "ethers";
import { ethers } from "hardhat";

/** Any ERC-20 contract, as ethers sees it. */
export type ERC20Like = {
  connect(runner: ContractRunner | null): ERC20Like;
} & BaseContract & {
    totalSupply: BaseContractMethod;
    balanceOf: BaseContractMethod;
    transfer: BaseContractMethod;
    transferFrom: BaseContractMethod;
    approve: BaseContractMethod;
    allowance: BaseContractMethod;
    decimals: BaseContractMethod;
  };

export type ERC20Setup = {
  token: ERC20Like;
  /** Holds exactly `initialSupply`, which is the whole supply. */
  initialHolder: Signer;
  recipient: Signer;
  anotherAccount: Signer;
  initialSupply: bigint;
};

/**
 * Shared behaviour of an OpenZeppelin 5 ERC-20 (transfer, approve, transferFrom: edge cases, events and
 * custom errors), written against the ERC-20 interface only, so it runs against any token: `setup`
 * returns a fresh token whose whole supply is held by `initialHolder` (use a fixture).
 * @example shouldBehaveLikeERC20(() => loadFixture(myTokenWithSupplyFixture));
 */
export function shouldBehaveLikeERC20(setup: () => Promise<ERC20Setup>): void {
  describe("totalSupply / balanceOf / decimals", () => {
    it("returns the total supply, held by the initial holder", async () => {
      const { token, initialHolder, initialSupply } = await setup();
      expect(await token.totalSupply()).to.equal(initialSupply);
      expect(await token.balanceOf(await initialHolder.getAddress())).to.equal(initialSupply);
    });

    it("returns zero for an account without tokens", async () => {
      const { token, anotherAccount } = await setup();
      expect(await token.balanceOf(await anotherAccount.getAddress())).to.equal(0n);
    });

    it("has 18 decimals", async () => {
      const { token } = await setup();
      expect(await token.decimals()).to.equal(18n);
    });
  });

  describe("transfer", () => {
    it("moves the whole balance and emits Transfer", async () => {
      const { token, initialHolder, recipient, initialSupply } = await setup();
      const tx = token.connect(initialHolder).transfer(await recipient.getAddress(), initialSupply);
      await expect(tx)
        .to.emit(token, "Transfer")
        .withArgs(await initialHolder.getAddress(), await recipient.getAddress(), initialSupply);
      await expect(tx).to.changeTokenBalances(
        token,
        [initialHolder, recipient],
        [-initialSupply, initialSupply],
      );
      expect(await token.totalSupply()).to.equal(initialSupply);
    });

    it("reverts with ERC20InsufficientBalance(sender, balance, needed) above the balance", async () => {
      const { token, initialHolder, recipient, initialSupply } = await setup();
      await expect(token.connect(initialHolder).transfer(await recipient.getAddress(), initialSupply + 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(await initialHolder.getAddress(), initialSupply, initialSupply + 1n);
    });

    it("transfers zero and emits Transfer with value zero", async () => {
      const { token, anotherAccount, recipient } = await setup();
      await expect(token.connect(anotherAccount).transfer(await recipient.getAddress(), 0n))
        .to.emit(token, "Transfer")
        .withArgs(await anotherAccount.getAddress(), await recipient.getAddress(), 0n);
    });

    it("to oneself leaves the balance unchanged", async () => {
      const { token, initialHolder, initialSupply } = await setup();
      const self = await initialHolder.getAddress();
      await expect(token.connect(initialHolder).transfer(self, initialSupply))
        .to.emit(token, "Transfer")
        .withArgs(self, self, initialSupply);
      expect(await token.balanceOf(self)).to.equal(initialSupply);
    });

    it("reverts with ERC20InvalidReceiver(0) for the zero address", async () => {
      const { token, initialHolder } = await setup();
      await expect(token.connect(initialHolder).transfer(ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("approve", () => {
    it("sets the allowance and emits Approval, also above the balance", async () => {
      const { token, initialHolder, recipient, initialSupply } = await setup();
      const [owner, spender] = [await initialHolder.getAddress(), await recipient.getAddress()];
      await expect(token.connect(initialHolder).approve(spender, initialSupply * 2n))
        .to.emit(token, "Approval")
        .withArgs(owner, spender, initialSupply * 2n);
      expect(await token.allowance(owner, spender)).to.equal(initialSupply * 2n);
    });

    it("replaces an existing allowance (no addition)", async () => {
      const { token, initialHolder, recipient } = await setup();
      const [owner, spender] = [await initialHolder.getAddress(), await recipient.getAddress()];
      await token.connect(initialHolder).approve(spender, 5n);
      await token.connect(initialHolder).approve(spender, 3n);
      expect(await token.allowance(owner, spender)).to.equal(3n);
    });

    it("reverts with ERC20InvalidSpender(0) for the zero address", async () => {
      const { token, initialHolder } = await setup();
      await expect(token.connect(initialHolder).approve(ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InvalidSpender")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("transferFrom", () => {
    async function approved(amount: bigint) {
      const ctx = await setup();
      const { token, initialHolder, recipient } = ctx;
      await token.connect(initialHolder).approve(await recipient.getAddress(), amount);
      return { ...ctx, owner: await initialHolder.getAddress(), spender: await recipient.getAddress() };
    }

    it("moves tokens, decreases the allowance, emits Transfer and no Approval", async () => {
      const { token, initialHolder, recipient, anotherAccount, owner, spender, initialSupply } =
        await approved(10n);
      const to = await anotherAccount.getAddress();
      const tx = token.connect(recipient).transferFrom(owner, to, 4n);
      await expect(tx).to.emit(token, "Transfer").withArgs(owner, to, 4n);
      await expect(tx).not.to.emit(token, "Approval");
      await expect(tx).to.changeTokenBalances(token, [initialHolder, anotherAccount], [-4n, 4n]);
      expect(await token.allowance(owner, spender)).to.equal(6n);
      expect(await token.totalSupply()).to.equal(initialSupply);
    });

    it("reverts with ERC20InsufficientAllowance(spender, allowance, needed) above the allowance", async () => {
      const { token, recipient, anotherAccount, owner, spender } = await approved(10n);
      await expect(token.connect(recipient).transferFrom(owner, await anotherAccount.getAddress(), 11n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(spender, 10n, 11n);
    });

    it("reverts with ERC20InsufficientBalance when the allowance exceeds the balance", async () => {
      const { token, recipient, anotherAccount, owner, initialSupply } = await approved(
        ethers.MaxUint256 - 1n,
      );
      await expect(
        token.connect(recipient).transferFrom(owner, await anotherAccount.getAddress(), initialSupply + 1n),
      )
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(owner, initialSupply, initialSupply + 1n);
    });

    it("keeps an infinite allowance (max uint256) untouched", async () => {
      const { token, recipient, anotherAccount, owner, spender } = await approved(ethers.MaxUint256);
      await token.connect(recipient).transferFrom(owner, await anotherAccount.getAddress(), 7n);
      expect(await token.allowance(owner, spender)).to.equal(ethers.MaxUint256);
    });

    it("reverts with ERC20InvalidReceiver(0) for the zero address", async () => {
      const { token, recipient, owner } = await approved(10n);
      await expect(token.connect(recipient).transferFrom(owner, ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with ERC20InvalidApprover(0) from the zero address", async () => {
      const { token, recipient, anotherAccount } = await setup();
      await expect(
        token.connect(recipient).transferFrom(ethers.ZeroAddress, await anotherAccount.getAddress(), 0n),
      )
        .to.be.revertedWithCustomError(token, "ERC20InvalidApprover")
        .withArgs(ethers.ZeroAddress);
    });

    it("without any allowance reverts with ERC20InsufficientAllowance(spender, 0, needed)", async () => {
      const { token, initialHolder, anotherAccount } = await setup();
      await expect(
        token
          .connect(anotherAccount)
          .transferFrom(await initialHolder.getAddress(), await anotherAccount.getAddress(), 1n),
      )
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await anotherAccount.getAddress(), 0n, 1n);
    });
  });
}
