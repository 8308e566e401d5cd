import "@nomicfoundation/hardhat-chai-matchers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { expectDefaultAdminRules } from "./helpers/default-admin.behavior";
import { deployC4EFixture, ONE } from "./helpers/fixtures";
import { shouldBeRestrictedToRole } from "./helpers/role-gated.behavior";

const DAY = 86_400n;
const REF = ethers.id("order-42");

/**
 * The retailer (admin) made `partner` a partner; the partner listed perk 1 (5 C4E, paid to the partner,
 * 2 coupons, valid for 30 days) and perk 2 (3 C4E, burned, 10 coupons); alice and bob hold 20 C4E each.
 */
async function perksFixture() {
  const ctx = await deployC4EFixture();
  const { token, perks, admin, partner, alice, bob } = ctx;
  await perks.grantRole(await perks.PARTNER_ROLE(), partner.address);
  const now = BigInt(await time.latest());
  await perks
    .connect(partner)
    .createPerk("PV panel cleaning −10 %", 5n * ONE, 2n, now, now + 30n * DAY, false);
  await perks.connect(partner).createPerk("Cinema ticket", 3n * ONE, 10n, now, now + 30n * DAY, true);
  await token.grantRole(await token.MINTER_ROLE(), admin.address);
  await token.mintBatch([alice.address, bob.address], [20n * ONE, 20n * ONE]);
  return { ...ctx, now };
}

/** Alice's EIP-2612 permit of `value` for the perks contract. */
async function permitFor(ctx: Awaited<ReturnType<typeof perksFixture>>, value: bigint, deadline: bigint) {
  const { token, perks, alice } = ctx;
  const signature = await alice.signTypedData(
    {
      name: "C4E Reward Token",
      version: "1",
      chainId: (await ethers.provider.getNetwork()).chainId,
      verifyingContract: await token.getAddress(),
    },
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
      spender: await perks.getAddress(),
      value,
      nonce: await token.nonces(alice.address),
      deadline,
    },
  );
  return ethers.Signature.from(signature);
}

describe("C4EPerks", () => {
  describe("deployment and roles", () => {
    it("gives the retailer DEFAULT_ADMIN_ROLE, RETAILER_ROLE and PARTNER_ROLE; RETAILER_ROLE administers partners", async () => {
      const { perks, token, admin } = await loadFixture(deployC4EFixture);
      for (const role of [
        await perks.DEFAULT_ADMIN_ROLE(),
        await perks.RETAILER_ROLE(),
        await perks.PARTNER_ROLE(),
      ]) {
        expect(await perks.hasRole(role, admin.address)).to.equal(true);
      }
      expect(await perks.getRoleAdmin(await perks.PARTNER_ROLE())).to.equal(await perks.RETAILER_ROLE());
      expect(await perks.RETAILER_ROLE()).to.equal(ethers.id("RETAILER_ROLE"));
      expect(await perks.PARTNER_ROLE()).to.equal(ethers.id("PARTNER_ROLE"));
      expect(await perks.token()).to.equal(await token.getAddress());
      expect(await perks.perkCount()).to.equal(0n);
      expect(await perks.supportsInterface("0xd9b67a26")).to.equal(true);
      expect(await perks.supportsInterface("0x7965db0b")).to.equal(true);
      expect(await perks.uri(1n)).to.equal("c4e://coupons/{id}");
    });

    it("DEFAULT_ADMIN_ROLE moves only by begin + delay + accept; granting it directly reverts", async () => {
      const { perks, admin, carol } = await loadFixture(deployC4EFixture);
      await expectDefaultAdminRules(perks, admin, carol);
    });

    it("a retailer (not only the admin) grants the partner role", async () => {
      const { perks, admin, carol, partner } = await loadFixture(deployC4EFixture);
      await perks.connect(admin).grantRole(await perks.RETAILER_ROLE(), carol.address);
      await expect(perks.connect(carol).grantRole(await perks.PARTNER_ROLE(), partner.address))
        .to.emit(perks, "RoleGranted")
        .withArgs(await perks.PARTNER_ROLE(), partner.address, carol.address);
    });

    shouldBeRestrictedToRole("RETAILER_ROLE (grant PARTNER_ROLE)", async () => {
      const { perks, outsider } = await loadFixture(deployC4EFixture);
      return {
        contract: perks,
        role: await perks.RETAILER_ROLE(),
        outsider,
        call: async (as) => perks.connect(as).grantRole(await perks.PARTNER_ROLE(), await as.getAddress()),
      };
    });
  });

  describe("createPerk", () => {
    it("stores the perk and its name and emits PerkCreated", async () => {
      const { perks, partner, now } = await loadFixture(perksFixture);
      const until = now + 7n * DAY;
      await expect(perks.connect(partner).createPerk("Bike service", 2n * ONE, 3n, now, until, true))
        .to.emit(perks, "PerkCreated")
        .withArgs(3n, partner.address, 2n * ONE, 3n, now, until, true, "Bike service");
      expect(await perks.perkCount()).to.equal(3n);
      expect(await perks.perkName(3n)).to.equal("Bike service");
      const p = await perks.perk(3n);
      expect([
        p.partner,
        p.price,
        p.validFrom,
        p.validUntil,
        p.supply,
        p.redeemed,
        p.burnTokens,
      ]).to.deep.equal([partner.address, 2n * ONE, now, until, 3n, 0n, true]);
    });

    it("the retailer lists its own perk (credit on the energy invoice)", async () => {
      const { perks, admin, now } = await loadFixture(perksFixture);
      await expect(
        perks
          .connect(admin)
          .createPerk("Credit on my energy invoice (5 €)", 10n * ONE, 1000n, now, now + DAY, true),
      )
        .to.emit(perks, "PerkCreated")
        .withArgs(
          3n,
          admin.address,
          10n * ONE,
          1000n,
          now,
          now + DAY,
          true,
          "Credit on my energy invoice (5 €)",
        );
    });

    it("refuses an empty name, a zero supply and an empty or past window", async () => {
      const { perks, partner, now } = await loadFixture(perksFixture);
      const create = (name: string, supply: bigint, from: bigint, until: bigint) =>
        perks.connect(partner).createPerk(name, ONE, supply, from, until, false);
      await expect(create("", 1n, now, now + DAY)).to.be.revertedWithCustomError(perks, "EmptyPerkName");
      await expect(create("x", 0n, now, now + DAY))
        .to.be.revertedWithCustomError(perks, "InvalidPerkSupply")
        .withArgs(0n);
      await expect(create("x", 1n, now + DAY, now + DAY))
        .to.be.revertedWithCustomError(perks, "InvalidPerkWindow")
        .withArgs(now + DAY, now + DAY);
      await expect(create("x", 1n, now - 2n * DAY, now - DAY))
        .to.be.revertedWithCustomError(perks, "InvalidPerkWindow")
        .withArgs(now - 2n * DAY, now - DAY);
    });

    it("refuses values beyond the packed widths with SafeCastOverflowedUintDowncast(bits, value)", async () => {
      const { perks, partner, now } = await loadFixture(perksFixture);
      const tooMuch = 2n ** 96n;
      await expect(perks.connect(partner).createPerk("x", tooMuch, 1n, now, now + DAY, false))
        .to.be.revertedWithCustomError(perks, "SafeCastOverflowedUintDowncast")
        .withArgs(96, tooMuch);
    });

    shouldBeRestrictedToRole("PARTNER_ROLE (createPerk)", async () => {
      const { perks, outsider, now } = await loadFixture(perksFixture);
      return {
        contract: perks,
        role: await perks.PARTNER_ROLE(),
        outsider,
        call: (as) => perks.connect(as).createPerk("x", 1n, 1n, now, now + DAY, false),
      };
    });
  });

  describe("redeem (prior approval)", () => {
    it("pays the partner, mints one coupon (id = perk id), counts the redemption, emits PerkRedeemed", async () => {
      const { token, perks, partner, alice } = await loadFixture(perksFixture);
      await token.connect(alice).approve(await perks.getAddress(), 5n * ONE);
      const tx = perks.connect(alice).redeem(1n);
      await expect(tx).to.changeTokenBalances(token, [alice, partner], [-5n * ONE, 5n * ONE]);
      await expect(tx)
        .to.emit(perks, "PerkRedeemed")
        .withArgs(1n, alice.address, partner.address, 5n * ONE, false);
      await expect(tx)
        .to.emit(perks, "TransferSingle")
        .withArgs(alice.address, ethers.ZeroAddress, alice.address, 1n, 1n); // operator: the redeemer
      expect(await perks.balanceOf(alice.address, 1n)).to.equal(1n);
      expect((await perks.perk(1n)).redeemed).to.equal(1n);
      expect(await token.allowance(alice.address, await perks.getAddress())).to.equal(0n);
    });

    it("burns the price of a burning perk", async () => {
      const { token, perks, alice } = await loadFixture(perksFixture);
      await token.connect(alice).approve(await perks.getAddress(), 3n * ONE);
      const supply = await token.totalSupply();
      await expect(perks.connect(alice).redeem(2n))
        .to.emit(token, "Transfer")
        .withArgs(alice.address, ethers.ZeroAddress, 3n * ONE);
      expect(await token.totalSupply()).to.equal(supply - 3n * ONE);
      expect(await perks.balanceOf(alice.address, 2n)).to.equal(1n);
    });

    it("without allowance reverts with ERC20InsufficientAllowance(perks, allowance, price)", async () => {
      const { token, perks, alice } = await loadFixture(perksFixture);
      await token.connect(alice).approve(await perks.getAddress(), ONE);
      await expect(perks.connect(alice).redeem(1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await perks.getAddress(), ONE, 5n * ONE);
      await expect(perks.connect(alice).redeem(2n)) // burnFrom checks the allowance too
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await perks.getAddress(), ONE, 3n * ONE);
    });

    it("without balance reverts with ERC20InsufficientBalance(account, balance, price)", async () => {
      const { token, perks, carol } = await loadFixture(perksFixture);
      await token.connect(carol).approve(await perks.getAddress(), 5n * ONE);
      await expect(perks.connect(carol).redeem(1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(carol.address, 0n, 5n * ONE);
    });

    it("a sold-out perk reverts with PerkSoldOut(perkId, supply)", async () => {
      const { token, perks, alice, bob } = await loadFixture(perksFixture);
      for (const who of [alice, bob]) await token.connect(who).approve(await perks.getAddress(), 20n * ONE);
      await perks.connect(alice).redeem(1n);
      await perks.connect(bob).redeem(1n);
      await expect(perks.connect(alice).redeem(1n))
        .to.be.revertedWithCustomError(perks, "PerkSoldOut")
        .withArgs(1n, 2n);
    });

    it("an expired perk reverts with PerkExpired(perkId, validUntil); one not started with PerkNotStarted", async () => {
      const { token, perks, partner, alice, now } = await loadFixture(perksFixture);
      await token.connect(alice).approve(await perks.getAddress(), 20n * ONE);
      await perks.connect(partner).createPerk("Later", ONE, 5n, now + DAY, now + 2n * DAY, false);
      await expect(perks.connect(alice).redeem(3n))
        .to.be.revertedWithCustomError(perks, "PerkNotStarted")
        .withArgs(3n, now + DAY);
      await time.increaseTo(now + DAY);
      await perks.connect(alice).redeem(3n);
      await time.increaseTo(now + 30n * DAY);
      await expect(perks.connect(alice).redeem(1n))
        .to.be.revertedWithCustomError(perks, "PerkExpired")
        .withArgs(1n, now + 30n * DAY);
    });

    it("an unknown perk reverts with UnknownPerk(perkId)", async () => {
      const { perks, alice } = await loadFixture(perksFixture);
      await expect(perks.connect(alice).redeem(99n))
        .to.be.revertedWithCustomError(perks, "UnknownPerk")
        .withArgs(99n);
    });

    it("while the token is paused reverts with EnforcedPause", async () => {
      const { token, perks, alice } = await loadFixture(perksFixture);
      await token.connect(alice).approve(await perks.getAddress(), 5n * ONE);
      await token.pause();
      await expect(perks.connect(alice).redeem(1n)).to.be.revertedWithCustomError(token, "EnforcedPause");
    });
  });

  describe("redeemWithPermit", () => {
    it("approves with the signature and redeems in one transaction", async () => {
      const ctx = await loadFixture(perksFixture);
      const { token, perks, partner, alice, now } = ctx;
      const sig = await permitFor(ctx, 5n * ONE, now + DAY);
      const tx = perks.connect(alice).redeemWithPermit(1n, 5n * ONE, now + DAY, sig.v, sig.r, sig.s);
      await expect(tx).to.changeTokenBalances(token, [alice, partner], [-5n * ONE, 5n * ONE]);
      await expect(tx).to.emit(perks, "PerkRedeemed");
      expect(await perks.balanceOf(alice.address, 1n)).to.equal(1n);
      expect(await token.nonces(alice.address)).to.equal(1n);
    });

    it("still redeems when a front-runner already used the permit (the allowance is there)", async () => {
      const ctx = await loadFixture(perksFixture);
      const { token, perks, alice, outsider, now } = ctx;
      const sig = await permitFor(ctx, 5n * ONE, now + DAY);
      await token
        .connect(outsider)
        .permit(alice.address, await perks.getAddress(), 5n * ONE, now + DAY, sig.v, sig.r, sig.s);
      await expect(
        perks.connect(alice).redeemWithPermit(1n, 5n * ONE, now + DAY, sig.v, sig.r, sig.s),
      ).to.emit(perks, "PerkRedeemed");
    });

    it("with an invalid permit and no allowance reverts with ERC20InsufficientAllowance", async () => {
      const ctx = await loadFixture(perksFixture);
      const { token, perks, alice, now } = ctx;
      const sig = await permitFor(ctx, 5n * ONE, now + DAY);
      await expect(perks.connect(alice).redeemWithPermit(1n, 6n * ONE, now + DAY, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await perks.getAddress(), 0n, 5n * ONE);
    });
  });

  describe("coupons: transfer and consumeCoupon", () => {
    async function redeemedFixture() {
      const ctx = await perksFixture();
      await ctx.token.connect(ctx.alice).approve(await ctx.perks.getAddress(), 20n * ONE);
      await ctx.perks.connect(ctx.alice).redeem(1n);
      return ctx;
    }

    it("the perk's partner consumes a holder's coupon: burned, CouponConsumed(perkId, holder, partner, ref)", async () => {
      const { perks, partner, alice } = await loadFixture(redeemedFixture);
      const tx = perks.connect(partner).consumeCoupon(alice.address, 1n, REF);
      await expect(tx)
        .to.emit(perks, "TransferSingle")
        .withArgs(partner.address, alice.address, ethers.ZeroAddress, 1n, 1n);
      await expect(tx).to.emit(perks, "CouponConsumed").withArgs(1n, alice.address, partner.address, REF);
      expect(await perks.balanceOf(alice.address, 1n)).to.equal(0n);
    });

    it("another partner cannot consume it: NotPerkPartner(perkId, caller)", async () => {
      const { perks, admin, outsider, alice } = await loadFixture(redeemedFixture);
      await perks.connect(admin).grantRole(await perks.PARTNER_ROLE(), outsider.address);
      await expect(perks.connect(outsider).consumeCoupon(alice.address, 1n, REF))
        .to.be.revertedWithCustomError(perks, "NotPerkPartner")
        .withArgs(1n, outsider.address);
      await expect(perks.connect(alice).consumeCoupon(alice.address, 1n, REF)) // nor the holder
        .to.be.revertedWithCustomError(perks, "NotPerkPartner")
        .withArgs(1n, alice.address);
    });

    it("a partner cannot consume a coupon of another partner's perk, not even after that perk ended", async () => {
      const { perks, admin, partner, outsider, alice } = await loadFixture(redeemedFixture);
      await perks.connect(admin).grantRole(await perks.PARTNER_ROLE(), outsider.address);
      const now = BigInt(await time.latest());
      await perks.connect(outsider).createPerk("Other shop", 1n, 1n, now, now + DAY, false); // its own perk
      await perks.connect(partner).endPerk(1n);
      expect(await perks.hasRole(await perks.PARTNER_ROLE(), outsider.address)).to.equal(true);
      await expect(perks.connect(outsider).consumeCoupon(alice.address, 1n, REF))
        .to.be.revertedWithCustomError(perks, "NotPerkPartner")
        .withArgs(1n, outsider.address);
      // the retailer (RETAILER_ROLE, PARTNER_ROLE, DEFAULT_ADMIN_ROLE) cannot either
      await expect(perks.connect(admin).consumeCoupon(alice.address, 1n, REF))
        .to.be.revertedWithCustomError(perks, "NotPerkPartner")
        .withArgs(1n, admin.address);
      expect(await perks.balanceOf(alice.address, 1n)).to.equal(1n);
      // the perk's own partner still can: coupons outlive their perk
      await expect(perks.connect(partner).consumeCoupon(alice.address, 1n, REF))
        .to.emit(perks, "CouponConsumed")
        .withArgs(1n, alice.address, partner.address, REF);
    });

    it("a coupon the holder does not have reverts with ERC1155InsufficientBalance(holder, 0, 1, id)", async () => {
      const { perks, partner, bob } = await loadFixture(redeemedFixture);
      await expect(perks.connect(partner).consumeCoupon(bob.address, 1n, REF))
        .to.be.revertedWithCustomError(perks, "ERC1155InsufficientBalance")
        .withArgs(bob.address, 0n, 1n, 1n);
      await expect(perks.connect(partner).consumeCoupon(bob.address, 77n, REF))
        .to.be.revertedWithCustomError(perks, "UnknownPerk")
        .withArgs(77n);
    });

    it("a coupon is transferable; the partner consumes it from the new holder", async () => {
      const { perks, partner, alice, carol } = await loadFixture(redeemedFixture);
      await perks.connect(alice).safeTransferFrom(alice.address, carol.address, 1n, 1n, "0x");
      await expect(perks.connect(partner).consumeCoupon(carol.address, 1n, REF))
        .to.emit(perks, "CouponConsumed")
        .withArgs(1n, carol.address, partner.address, REF);
    });
  });

  describe("endPerk", () => {
    it("the partner ends a perk now: PerkEnded, later redemptions expire", async () => {
      const { token, perks, partner, alice } = await loadFixture(perksFixture);
      await token.connect(alice).approve(await perks.getAddress(), 20n * ONE);
      const tx = await perks.connect(partner).endPerk(1n);
      const at = BigInt(await time.latest());
      await expect(tx).to.emit(perks, "PerkEnded").withArgs(1n, at);
      expect((await perks.perk(1n)).validUntil).to.equal(at);
      await expect(perks.connect(alice).redeem(1n))
        .to.be.revertedWithCustomError(perks, "PerkExpired")
        .withArgs(1n, at);
      await expect(perks.connect(partner).endPerk(1n))
        .to.be.revertedWithCustomError(perks, "PerkExpired")
        .withArgs(1n, at);
    });

    it("the retailer may end any perk; others get NotPerkPartner(perkId, caller)", async () => {
      const { perks, admin, outsider } = await loadFixture(perksFixture);
      await expect(perks.connect(outsider).endPerk(1n))
        .to.be.revertedWithCustomError(perks, "NotPerkPartner")
        .withArgs(1n, outsider.address);
      await expect(perks.connect(admin).endPerk(1n)).to.emit(perks, "PerkEnded");
      await expect(perks.connect(admin).endPerk(9n))
        .to.be.revertedWithCustomError(perks, "UnknownPerk")
        .withArgs(9n);
    });
  });
});
