import "@nomicfoundation/hardhat-chai-matchers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { deployC4EFixture } from "./helpers/fixtures";
import { shouldBeRestrictedToRole } from "./helpers/role-gated.behavior";

const ONE = 10n ** 18n;

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
