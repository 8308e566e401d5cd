import "@nomicfoundation/hardhat-chai-matchers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { expectDefaultAdminRules } from "./helpers/default-admin.behavior";
import { delegatedAccount, deployC4EFixture } from "./helpers/fixtures";
import { shouldBeRestrictedToRole } from "./helpers/role-gated.behavior";

const BATCH = ethers.id("batch-1");
const ID = BigInt(BATCH);
const BENEFICIARY = "Alice Sommer, Sonnenallee 12, Berlin";

/** The admin as issuer; alice holds 1500 Wh and bob 250 Wh of certificate ID. */
async function issuedFixture() {
  const ctx = await deployC4EFixture();
  const { certificates, admin, alice, bob } = ctx;
  await certificates.grantRole(await certificates.ISSUER_ROLE(), admin.address);
  const tx = await certificates.issueBatch(BATCH, [alice.address, bob.address], [1_500n, 250n]);
  return { ...ctx, tx };
}

describe("GreenCertificates", () => {
  describe("deployment", () => {
    it("grants the admin DEFAULT_ADMIN_ROLE only, has the URI and supports ERC-1155 and AccessControl", async () => {
      const { certificates, admin } = await loadFixture(deployC4EFixture);
      expect(await certificates.hasRole(await certificates.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(
        true,
      );
      expect(await certificates.hasRole(await certificates.ISSUER_ROLE(), admin.address)).to.equal(false);
      expect(await certificates.ISSUER_ROLE()).to.equal(ethers.id("ISSUER_ROLE"));
      expect(await certificates.uri(1n)).to.equal("c4e://certificates/{id}");
      expect(await certificates.supportsInterface("0xd9b67a26")).to.equal(true); // IERC1155
      expect(await certificates.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await certificates.supportsInterface("0xffffffff")).to.equal(false);
    });

    it("DEFAULT_ADMIN_ROLE moves only by begin + delay + accept; granting it directly reverts", async () => {
      const { certificates, admin, carol } = await loadFixture(deployC4EFixture);
      await expectDefaultAdminRules(certificates, admin, carol);
    });

    it("certificateId(batchId) is uint256(batchId)", async () => {
      const { certificates } = await loadFixture(deployC4EFixture);
      expect(await certificates.certificateId(BATCH)).to.equal(ID);
    });
  });

  describe("issueBatch", () => {
    it("mints one unit per Wh to each holder, records the total, emits TransferSingle each and CertificatesIssued", async () => {
      const { certificates, admin, alice, bob, tx } = await loadFixture(issuedFixture);
      expect(await certificates.balanceOf(alice.address, ID)).to.equal(1_500n);
      expect(await certificates.balanceOf(bob.address, ID)).to.equal(250n);
      expect(await certificates.issuedEnergyWh(ID)).to.equal(1_750n);
      await expect(tx)
        .to.emit(certificates, "TransferSingle")
        .withArgs(admin.address, ethers.ZeroAddress, alice.address, ID, 1_500n);
      await expect(tx).to.emit(certificates, "CertificatesIssued").withArgs(ID, 2n, 1_750n);
    });

    it("refuses a second issue for the same batch with CertificatesAlreadyIssued(id)", async () => {
      const { certificates, alice } = await loadFixture(issuedFixture);
      await expect(certificates.issueBatch(BATCH, [alice.address], [1n]))
        .to.be.revertedWithCustomError(certificates, "CertificatesAlreadyIssued")
        .withArgs(ID);
    });

    it("refuses bad batches with LengthMismatch, EmptyBatch, ZeroRecipient(index), ZeroAmount(index)", async () => {
      const { certificates, alice } = await loadFixture(issuedFixture);
      const other = ethers.id("batch-2");
      await expect(certificates.issueBatch(other, [alice.address], []))
        .to.be.revertedWithCustomError(certificates, "LengthMismatch")
        .withArgs(1n, 0n);
      await expect(certificates.issueBatch(other, [], [])).to.be.revertedWithCustomError(
        certificates,
        "EmptyBatch",
      );
      await expect(certificates.issueBatch(other, [alice.address, ethers.ZeroAddress], [1n, 1n]))
        .to.be.revertedWithCustomError(certificates, "ZeroRecipient")
        .withArgs(1n);
      await expect(certificates.issueBatch(other, [alice.address], [0n]))
        .to.be.revertedWithCustomError(certificates, "ZeroAmount")
        .withArgs(0n);
    });

    it("holds the units of a holder with code instead of calling it: CertificatesHeld, pendingCertificates", async () => {
      const { certificates, alice } = await loadFixture(issuedFixture);
      const wallet = await (await ethers.deployContract("ERC1155RejectingHolder")).getAddress();
      const other = ethers.id("batch-2");
      const tx = certificates.issueBatch(other, [wallet, alice.address, wallet], [10n, 20n, 5n]);
      await expect(tx).to.emit(certificates, "CertificatesHeld").withArgs(wallet, BigInt(other), 10n);
      await expect(tx).to.emit(certificates, "CertificatesHeld").withArgs(wallet, BigInt(other), 5n);
      await expect(tx).to.emit(certificates, "CertificatesIssued").withArgs(BigInt(other), 3n, 35n);
      expect(await certificates.balanceOf(wallet, BigInt(other))).to.equal(0n);
      expect(await certificates.pendingCertificates(wallet, BigInt(other))).to.equal(15n);
      expect(await certificates.balanceOf(alice.address, BigInt(other))).to.equal(20n);
      expect(await certificates.issuedEnergyWh(BigInt(other))).to.equal(35n);
    });

    shouldBeRestrictedToRole("ISSUER_ROLE", async () => {
      const { certificates, admin, alice } = await loadFixture(deployC4EFixture);
      return {
        contract: certificates,
        role: await certificates.ISSUER_ROLE(),
        outsider: admin, // even the admin needs the role
        call: (as) => certificates.connect(as).issueBatch(BATCH, [alice.address], [1n]),
      };
    });
  });

  describe("collectCertificates (units held for a holder with code)", () => {
    /**
     * `smart`, an EOA with code (EIP-7702 delegation to a contract without ERC-1155 hooks), was issued
     * 900 Wh: held for it.
     */
    async function heldFixture() {
      const ctx = await issuedFixture();
      const rejecting = await (await ethers.deployContract("ERC1155RejectingHolder")).getAddress();
      const smart = await delegatedAccount(rejecting);
      const held = ethers.id("batch-held");
      await ctx.certificates.issueBatch(held, [smart.address], [900n]);
      return { ...ctx, smart, rejecting, held: BigInt(held) };
    }

    it("mints the held units to `to` (TransferSingle from zero, CertificatesCollected) and clears them", async () => {
      const { certificates, smart, carol, held } = await loadFixture(heldFixture);
      expect(await certificates.pendingCertificates(smart.address, held)).to.equal(900n);
      const tx = certificates.connect(smart).collectCertificates(held, carol.address);
      await expect(tx)
        .to.emit(certificates, "TransferSingle")
        .withArgs(smart.address, ethers.ZeroAddress, carol.address, held, 900n);
      await expect(tx)
        .to.emit(certificates, "CertificatesCollected")
        .withArgs(smart.address, held, carol.address, 900n);
      expect(await certificates.balanceOf(carol.address, held)).to.equal(900n);
      expect(await certificates.pendingCertificates(smart.address, held)).to.equal(0n);
      expect(await certificates.issuedEnergyWh(held)).to.equal(900n);
      // collected units are ordinary certificates: carol claims them
      await expect(certificates.connect(carol).claim(held, 900n, BENEFICIARY)).to.emit(
        certificates,
        "CertificatesClaimed",
      );
    });

    it("refuses a second collection (and any account with nothing held) with NoPendingCertificates", async () => {
      const { certificates, smart, bob, carol, held } = await loadFixture(heldFixture);
      await certificates.connect(smart).collectCertificates(held, carol.address);
      await expect(certificates.connect(smart).collectCertificates(held, carol.address))
        .to.be.revertedWithCustomError(certificates, "NoPendingCertificates")
        .withArgs(smart.address, held);
      await expect(certificates.connect(bob).collectCertificates(ID, bob.address))
        .to.be.revertedWithCustomError(certificates, "NoPendingCertificates")
        .withArgs(bob.address, ID);
    });

    it("runs the ERC-1155 acceptance check on `to`: a refusing receiver or zero reverts and the units stay held", async () => {
      const { certificates, smart, rejecting, held } = await loadFixture(heldFixture);
      await expect(certificates.connect(smart).collectCertificates(held, rejecting))
        .to.be.revertedWithCustomError(certificates, "ERC1155InvalidReceiver")
        .withArgs(rejecting);
      await expect(certificates.connect(smart).collectCertificates(held, smart.address)) // its own code refuses too
        .to.be.revertedWithCustomError(certificates, "ERC1155InvalidReceiver")
        .withArgs(smart.address);
      await expect(certificates.connect(smart).collectCertificates(held, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(certificates, "ERC1155InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
      expect(await certificates.pendingCertificates(smart.address, held)).to.equal(900n);
    });
  });

  describe("transfer", () => {
    it("certificates are ERC-1155 transferable; claimed units follow the claimant", async () => {
      const { certificates, alice, carol } = await loadFixture(issuedFixture);
      await expect(certificates.connect(alice).safeTransferFrom(alice.address, carol.address, ID, 500n, "0x"))
        .to.emit(certificates, "TransferSingle")
        .withArgs(alice.address, alice.address, carol.address, ID, 500n);
      expect(await certificates.balanceOf(carol.address, ID)).to.equal(500n);
      await certificates.connect(carol).claim(ID, 500n, BENEFICIARY);
      expect(await certificates.claimedBalanceOf(carol.address, ID)).to.equal(500n);
      expect(await certificates.claimedBalanceOf(alice.address, ID)).to.equal(0n);
    });

    it("moving someone else's certificates reverts with ERC1155MissingApprovalForAll(operator, owner)", async () => {
      const { certificates, alice, carol } = await loadFixture(issuedFixture);
      await expect(certificates.connect(carol).safeTransferFrom(alice.address, carol.address, ID, 1n, "0x"))
        .to.be.revertedWithCustomError(certificates, "ERC1155MissingApprovalForAll")
        .withArgs(carol.address, alice.address);
    });
  });

  describe("claim / claimFrom", () => {
    it("claim burns the units, books them as claimed for the holder and emits CertificatesClaimed", async () => {
      const { certificates, alice } = await loadFixture(issuedFixture);
      const tx = certificates.connect(alice).claim(ID, 1_000n, BENEFICIARY);
      await expect(tx)
        .to.emit(certificates, "TransferSingle")
        .withArgs(alice.address, alice.address, ethers.ZeroAddress, ID, 1_000n);
      await expect(tx)
        .to.emit(certificates, "CertificatesClaimed")
        .withArgs(alice.address, ID, 1_000n, BENEFICIARY);
      expect(await certificates.balanceOf(alice.address, ID)).to.equal(500n);
      expect(await certificates.claimedBalanceOf(alice.address, ID)).to.equal(1_000n);
      expect(await certificates.claimedEnergyWh(ID)).to.equal(1_000n);
      await certificates.connect(alice).claim(ID, 500n, "Someone else");
      expect(await certificates.claimedBalanceOf(alice.address, ID)).to.equal(1_500n);
      expect(await certificates.issuedEnergyWh(ID)).to.equal(1_750n); // issuance is history
    });

    it("claiming more than held reverts with ERC1155InsufficientBalance(holder, balance, needed, id)", async () => {
      const { certificates, bob } = await loadFixture(issuedFixture);
      await expect(certificates.connect(bob).claim(ID, 251n, BENEFICIARY))
        .to.be.revertedWithCustomError(certificates, "ERC1155InsufficientBalance")
        .withArgs(bob.address, 250n, 251n, ID);
    });

    it("refuses zero units with ZeroClaim(id) and an empty beneficiary with EmptyBeneficiary(id)", async () => {
      const { certificates, alice } = await loadFixture(issuedFixture);
      await expect(certificates.connect(alice).claim(ID, 0n, BENEFICIARY))
        .to.be.revertedWithCustomError(certificates, "ZeroClaim")
        .withArgs(ID);
      await expect(certificates.connect(alice).claim(ID, 1n, ""))
        .to.be.revertedWithCustomError(certificates, "EmptyBeneficiary")
        .withArgs(ID);
    });

    it("claimFrom works for the holder itself and for an approved operator, books it to the holder", async () => {
      const { certificates, alice, carol } = await loadFixture(issuedFixture);
      await certificates.connect(alice).claimFrom(alice.address, ID, 100n, BENEFICIARY);
      await certificates.connect(alice).setApprovalForAll(carol.address, true);
      await expect(certificates.connect(carol).claimFrom(alice.address, ID, 200n, BENEFICIARY))
        .to.emit(certificates, "CertificatesClaimed")
        .withArgs(alice.address, ID, 200n, BENEFICIARY);
      expect(await certificates.claimedBalanceOf(alice.address, ID)).to.equal(300n);
      expect(await certificates.claimedBalanceOf(carol.address, ID)).to.equal(0n);
    });

    it("claimFrom by an unapproved account reverts with ERC1155MissingApprovalForAll(operator, holder)", async () => {
      const { certificates, alice, carol } = await loadFixture(issuedFixture);
      await expect(certificates.connect(carol).claimFrom(alice.address, ID, 1n, BENEFICIARY))
        .to.be.revertedWithCustomError(certificates, "ERC1155MissingApprovalForAll")
        .withArgs(carol.address, alice.address);
    });
  });
});
