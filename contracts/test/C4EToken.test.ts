import "@nomicfoundation/hardhat-chai-matchers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { type ERC20Like, shouldBehaveLikeERC20 } from "./helpers/erc20.behavior";
import { expectDefaultAdminRules } from "./helpers/default-admin.behavior";
import { deployC4EFixture, ONE } from "./helpers/fixtures";
import { shouldBeRestrictedToRole } from "./helpers/role-gated.behavior";

/** The token with 100 C4E minted to alice, and the admin as a minter (for direct mint tests). */
async function suppliedTokenFixture() {
  const ctx = await deployC4EFixture();
  await ctx.token.grantRole(await ctx.token.MINTER_ROLE(), ctx.admin.address);
  await ctx.token.mint(ctx.alice.address, 100n * ONE);
  return ctx;
}

describe("C4EToken", () => {
  describe("deployment", () => {
    it("has name, symbol and 18 decimals and no supply", async () => {
      const { token } = await loadFixture(deployC4EFixture);
      expect(await token.name()).to.equal("C4E Reward Token");
      expect(await token.symbol()).to.equal("C4E");
      expect(await token.decimals()).to.equal(18n);
      expect(await token.totalSupply()).to.equal(0n);
    });

    it("grants the admin DEFAULT_ADMIN_ROLE and PAUSER_ROLE, and no MINTER_ROLE", async () => {
      const { token, admin } = await loadFixture(deployC4EFixture);
      expect(await token.hasRole(await token.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await token.hasRole(await token.PAUSER_ROLE(), admin.address)).to.equal(true);
      expect(await token.hasRole(await token.MINTER_ROLE(), admin.address)).to.equal(false);
    });

    it("has the role ids keccak256(<name>)", async () => {
      const { token } = await loadFixture(deployC4EFixture);
      expect(await token.MINTER_ROLE()).to.equal(ethers.id("MINTER_ROLE"));
      expect(await token.PAUSER_ROLE()).to.equal(ethers.id("PAUSER_ROLE"));
    });

    it("supports the AccessControl interface", async () => {
      const { token } = await loadFixture(deployC4EFixture);
      expect(await token.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await token.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("mint", () => {
    it("mints to the recipient and emits Transfer from zero", async () => {
      const { token, admin, alice } = await loadFixture(deployC4EFixture);
      await token.grantRole(await token.MINTER_ROLE(), admin.address);
      await expect(token.mint(alice.address, 5n * ONE))
        .to.emit(token, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, 5n * ONE);
      expect(await token.balanceOf(alice.address)).to.equal(5n * ONE);
      expect(await token.totalSupply()).to.equal(5n * ONE);
    });

    it("refuses the zero address with ERC20InvalidReceiver", async () => {
      const { token, admin } = await loadFixture(deployC4EFixture);
      await token.grantRole(await token.MINTER_ROLE(), admin.address);
      await expect(token.mint(ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    shouldBeRestrictedToRole("MINTER_ROLE", async () => {
      const { token, alice, outsider } = await loadFixture(deployC4EFixture);
      return {
        contract: token,
        role: await token.MINTER_ROLE(),
        outsider,
        call: (as) => token.connect(as).mint(alice.address, 1n),
      };
    });
  });

  describe("ERC-20 behaviour (shared with a plain OpenZeppelin ERC20)", () => {
    shouldBehaveLikeERC20(async () => {
      const { token, alice, bob, carol } = await loadFixture(suppliedTokenFixture);
      return {
        token: token as unknown as ERC20Like,
        initialHolder: alice,
        recipient: bob,
        anotherAccount: carol,
        initialSupply: 100n * ONE,
      };
    });
  });

  describe("mintBatch", () => {
    it("mints every amount, one Transfer from zero each, and adds the total to the supply once", async () => {
      const { token, admin, alice, bob, carol } = await loadFixture(suppliedTokenFixture);
      const tx = token.mintBatch([bob.address, carol.address, alice.address], [2n, 3n, 5n]);
      await expect(tx).to.changeTokenBalances(token, [alice, bob, carol], [5n, 2n, 3n]);
      for (const [to, value] of [
        [bob.address, 2n],
        [carol.address, 3n],
        [alice.address, 5n],
      ] as const) {
        await expect(tx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, to, value);
      }
      // 100 C4E + 2 + 3 + 5 base units
      expect(await token.totalSupply()).to.equal(100n * ONE + 10n);
      expect(await token.mintBatch.staticCall([admin.address], [7n])).to.equal(7n);
    });

    it("credits a recipient listed twice with both amounts", async () => {
      const { token, bob } = await loadFixture(suppliedTokenFixture);
      await expect(token.mintBatch([bob.address, bob.address], [1n, 2n])).to.changeTokenBalance(
        token,
        bob,
        3n,
      );
    });

    it("leaves the same state as one mint per recipient (balances, supply, events)", async () => {
      const { token, alice, bob, carol } = await loadFixture(suppliedTokenFixture);
      const recipients = [alice.address, bob.address, carol.address, bob.address];
      const amounts = [11n, 22n, 33n, 44n];
      const snapshot = await ethers.provider.send("evm_snapshot", []);
      const viaMint: bigint[] = [];
      for (const [i, to] of recipients.entries()) await token.mint(to, amounts[i] as bigint);
      for (const a of [alice, bob, carol]) viaMint.push(await token.balanceOf(a.address));
      const supplyViaMint = await token.totalSupply();
      await ethers.provider.send("evm_revert", [snapshot]);

      await token.mintBatch(recipients, amounts);
      for (const [i, a] of [alice, bob, carol].entries())
        expect(await token.balanceOf(a.address)).to.equal(viaMint[i]);
      expect(await token.totalSupply()).to.equal(supplyViaMint);
    });

    it("writes OpenZeppelin ERC20's storage: balances at mapping slot 0, the total supply at slot 2", async () => {
      const { token, bob } = await loadFixture(suppliedTokenFixture);
      await token.mintBatch([bob.address], [123n]);
      const address = await token.getAddress();
      const balanceSlot = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [bob.address, 0n]),
      );
      expect(BigInt(await ethers.provider.getStorage(address, balanceSlot))).to.equal(123n);
      expect(BigInt(await ethers.provider.getStorage(address, 2n))).to.equal(await token.totalSupply());
    });

    it("refuses arrays of different lengths with LengthMismatch(recipients, values)", async () => {
      const { token, alice } = await loadFixture(suppliedTokenFixture);
      await expect(token.mintBatch([alice.address], [1n, 2n]))
        .to.be.revertedWithCustomError(token, "LengthMismatch")
        .withArgs(1n, 2n);
    });

    it("refuses an empty batch with EmptyBatch", async () => {
      const { token } = await loadFixture(suppliedTokenFixture);
      await expect(token.mintBatch([], [])).to.be.revertedWithCustomError(token, "EmptyBatch");
    });

    it("refuses the zero address with ZeroRecipient(index) and a zero amount with ZeroAmount(index)", async () => {
      const { token, alice, bob } = await loadFixture(suppliedTokenFixture);
      await expect(token.mintBatch([alice.address, bob.address, ethers.ZeroAddress], [1n, 1n, 1n]))
        .to.be.revertedWithCustomError(token, "ZeroRecipient")
        .withArgs(2n);
      await expect(token.mintBatch([alice.address, bob.address], [1n, 0n]))
        .to.be.revertedWithCustomError(token, "ZeroAmount")
        .withArgs(1n);
    });

    it("refuses an address with dirty upper bits, as the ABI decoder does", async () => {
      const { token, admin, alice } = await loadFixture(suppliedTokenFixture);
      const data = token.interface.encodeFunctionData("mintBatch", [[alice.address], [1n]]);
      // the recipient word starts after selector (4) + two offsets + the length: set its top byte
      const at = 2 + 2 * (4 + 32 * 3);
      const dirty = `${data.slice(0, at)}ff${data.slice(at + 2)}`;
      await expect(admin.sendTransaction({ to: await token.getAddress(), data: dirty })).to.be.reverted;
      expect(await token.balanceOf(alice.address)).to.equal(100n * ONE);
    });

    it("panics on an overflowing total (a huge amount) and on an overflowing supply", async () => {
      const { token, alice, bob } = await loadFixture(suppliedTokenFixture);
      await expect(
        token.mintBatch([alice.address, bob.address], [ethers.MaxUint256, 1n]),
      ).to.be.revertedWithPanic(0x11);
      await expect(token.mintBatch([bob.address], [ethers.MaxUint256 - 10n])).to.be.revertedWithPanic(0x11);
      expect(await token.totalSupply()).to.equal(100n * ONE);
    });

    it("reverts with EnforcedPause while paused", async () => {
      const { token, alice } = await loadFixture(suppliedTokenFixture);
      await token.pause();
      await expect(token.mintBatch([alice.address], [1n])).to.be.revertedWithCustomError(
        token,
        "EnforcedPause",
      );
    });

    shouldBeRestrictedToRole("MINTER_ROLE (mintBatch)", async () => {
      const { token, alice, outsider } = await loadFixture(deployC4EFixture);
      return {
        contract: token,
        role: await token.MINTER_ROLE(),
        outsider,
        call: (as) => token.connect(as).mintBatch([alice.address], [1n]),
      };
    });
  });

  describe("burn / burnFrom", () => {
    it("burn destroys the caller's tokens: Transfer to zero, lower supply", async () => {
      const { token, alice } = await loadFixture(suppliedTokenFixture);
      const tx = token.connect(alice).burn(ONE);
      await expect(tx).to.emit(token, "Transfer").withArgs(alice.address, ethers.ZeroAddress, ONE);
      await expect(tx).to.changeTokenBalance(token, alice, -ONE);
      expect(await token.totalSupply()).to.equal(99n * ONE);
    });

    it("burn above the balance reverts with ERC20InsufficientBalance(account, balance, needed)", async () => {
      const { token, bob } = await loadFixture(suppliedTokenFixture);
      await expect(token.connect(bob).burn(1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(bob.address, 0n, 1n);
    });

    it("burnFrom spends the allowance", async () => {
      const { token, alice, bob } = await loadFixture(suppliedTokenFixture);
      await token.connect(alice).approve(bob.address, 3n * ONE);
      await expect(token.connect(bob).burnFrom(alice.address, ONE)).to.changeTokenBalance(token, alice, -ONE);
      expect(await token.allowance(alice.address, bob.address)).to.equal(2n * ONE);
      expect(await token.totalSupply()).to.equal(99n * ONE);
    });

    it("burnFrom without allowance reverts with ERC20InsufficientAllowance(spender, allowance, needed)", async () => {
      const { token, alice, bob } = await loadFixture(suppliedTokenFixture);
      await expect(token.connect(bob).burnFrom(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(bob.address, 0n, 1n);
    });

    it("burn reverts with EnforcedPause while paused", async () => {
      const { token, alice } = await loadFixture(suppliedTokenFixture);
      await token.pause();
      await expect(token.connect(alice).burn(1n)).to.be.revertedWithCustomError(token, "EnforcedPause");
    });
  });

  describe("pause / unpause", () => {
    it("pause emits Paused and blocks transfers and mints with EnforcedPause", async () => {
      const { token, admin, alice, bob } = await loadFixture(deployC4EFixture);
      await token.grantRole(await token.MINTER_ROLE(), admin.address);
      await token.mint(alice.address, ONE);

      await expect(token.pause()).to.emit(token, "Paused").withArgs(admin.address);
      expect(await token.paused()).to.equal(true);
      await expect(token.connect(alice).transfer(bob.address, 1n)).to.be.revertedWithCustomError(
        token,
        "EnforcedPause",
      );
      await expect(token.mint(alice.address, 1n)).to.be.revertedWithCustomError(token, "EnforcedPause");
      await expect(token.pause()).to.be.revertedWithCustomError(token, "EnforcedPause");
    });

    it("unpause emits Unpaused and allows transfers again", async () => {
      const { token, admin, alice, bob } = await loadFixture(deployC4EFixture);
      await token.grantRole(await token.MINTER_ROLE(), admin.address);
      await token.mint(alice.address, ONE);
      await token.pause();

      await expect(token.unpause()).to.emit(token, "Unpaused").withArgs(admin.address);
      expect(await token.paused()).to.equal(false);
      await expect(token.connect(alice).transfer(bob.address, ONE)).to.changeTokenBalances(
        token,
        [alice, bob],
        [-ONE, ONE],
      );
    });

    it("unpause reverts with ExpectedPause when not paused", async () => {
      const { token } = await loadFixture(deployC4EFixture);
      await expect(token.unpause()).to.be.revertedWithCustomError(token, "ExpectedPause");
    });

    shouldBeRestrictedToRole("PAUSER_ROLE (pause)", async () => {
      const { token, outsider } = await loadFixture(deployC4EFixture);
      return {
        contract: token,
        role: await token.PAUSER_ROLE(),
        outsider,
        call: (as) => token.connect(as).pause(),
      };
    });

    shouldBeRestrictedToRole("PAUSER_ROLE (unpause)", async () => {
      const { token, outsider } = await loadFixture(deployC4EFixture);
      await token.pause();
      return {
        contract: token,
        role: await token.PAUSER_ROLE(),
        outsider,
        call: (as) => token.connect(as).unpause(),
      };
    });
  });

  describe("roles", () => {
    it("the admin grants and revokes roles", async () => {
      const { token, alice } = await loadFixture(deployC4EFixture);
      const role = await token.PAUSER_ROLE();
      await expect(token.grantRole(role, alice.address)).to.emit(token, "RoleGranted");
      await expect(token.connect(alice).pause()).to.emit(token, "Paused").withArgs(alice.address);
      await expect(token.revokeRole(role, alice.address)).to.emit(token, "RoleRevoked");
      expect(await token.hasRole(role, alice.address)).to.equal(false);
    });

    it("DEFAULT_ADMIN_ROLE moves only by begin + delay + accept; granting it directly reverts", async () => {
      const { token, admin, carol, alice } = await loadFixture(deployC4EFixture);
      await expectDefaultAdminRules(token, admin, carol);
      // the new admin administers the other roles, the old one no longer does
      const pauser = await token.PAUSER_ROLE();
      await expect(token.connect(carol).grantRole(pauser, alice.address)).to.emit(token, "RoleGranted");
      await expect(token.connect(admin).revokeRole(pauser, alice.address))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, await token.DEFAULT_ADMIN_ROLE());
    });

    it("the admin delay does not move the ERC-20 storage: ERC20 stays the first base with storage", async () => {
      const { token, admin } = await loadFixture(deployC4EFixture);
      // AccessControlDefaultAdminRules keeps the admin in its own slots after ERC20's five
      expect(await token.defaultAdmin()).to.equal(admin.address);
      expect(BigInt(await ethers.provider.getStorage(await token.getAddress(), 2n))).to.equal(0n);
    });

    shouldBeRestrictedToRole("DEFAULT_ADMIN_ROLE (grantRole)", async () => {
      const { token, outsider } = await loadFixture(deployC4EFixture);
      return {
        contract: token,
        role: await token.DEFAULT_ADMIN_ROLE(),
        outsider,
        call: async (as) => token.connect(as).grantRole(await token.MINTER_ROLE(), await as.getAddress()),
      };
    });
  });

  describe("permit (EIP-2612)", () => {
    /** Alice (10 C4E) signs a permit of 3 C4E for Bob, valid `validForSeconds` from the latest block. */
    async function signPermit(validForSeconds: bigint) {
      const { token, admin, alice, bob } = await loadFixture(deployC4EFixture);
      const deadline = BigInt(await time.latest()) + validForSeconds;
      await token.grantRole(await token.MINTER_ROLE(), admin.address);
      await token.mint(alice.address, 10n * ONE);
      const { chainId } = await ethers.provider.getNetwork();
      const value = 3n * ONE;
      const signature = await alice.signTypedData(
        { name: "C4E Reward Token", version: "1", chainId, verifyingContract: await token.getAddress() },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        {
          owner: alice.address,
          spender: bob.address,
          value,
          nonce: await token.nonces(alice.address),
          deadline,
        },
      );
      return { token, alice, bob, value, deadline, sig: ethers.Signature.from(signature) };
    }

    it("sets the allowance from a signature and consumes the nonce", async () => {
      const { token, alice, bob, value, deadline, sig } = await signPermit(3600n);
      await expect(
        token.connect(bob).permit(alice.address, bob.address, value, deadline, sig.v, sig.r, sig.s),
      )
        .to.emit(token, "Approval")
        .withArgs(alice.address, bob.address, value);
      expect(await token.allowance(alice.address, bob.address)).to.equal(value);
      expect(await token.nonces(alice.address)).to.equal(1n);
      await expect(token.connect(bob).transferFrom(alice.address, bob.address, value)).to.changeTokenBalances(
        token,
        [alice, bob],
        [-value, value],
      );
    });

    it("refuses an expired permit with ERC2612ExpiredSignature", async () => {
      const { token, alice, bob, value, deadline, sig } = await signPermit(-1n);
      await expect(token.permit(alice.address, bob.address, value, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });

    it("refuses a permit for other values with ERC2612InvalidSigner", async () => {
      const { token, alice, bob, value, deadline, sig } = await signPermit(3600n);
      await expect(token.permit(alice.address, bob.address, value + 1n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs((signer: string) => signer !== alice.address, alice.address);
    });
  });
});
