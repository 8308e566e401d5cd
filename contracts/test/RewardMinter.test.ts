import "@nomicfoundation/hardhat-chai-matchers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Address } from "viem";
import type { RewardLeaf } from "../generated/index.ts";
import { loadC4E } from "./helpers/c4e";
import { deployC4EFixture } from "./helpers/fixtures";
import { shouldBeRestrictedToRole } from "./helpers/role-gated.behavior";

const ONE = 10n ** 18n;
const BATCH = ethers.id("batch-1");
const ROOT = ethers.id("readings-root-1");

/** A three-recipient batch minted by the oracle: alice 1, bob 2, carol 3 C4E. */
async function mintedBatchFixture() {
  const ctx = await deployC4EFixture();
  const { minter, oracle, alice, bob, carol } = ctx;
  const recipients = [alice.address, bob.address, carol.address];
  const amounts = [1n * ONE, 2n * ONE, 3n * ONE];
  const tx = await minter.connect(oracle).mintBatch(BATCH, ROOT, recipients, amounts);
  return { ...ctx, tx, recipients, amounts };
}

describe("RewardMinter", () => {
  describe("deployment", () => {
    it("points at the token and grants admin and minter roles", async () => {
      const { token, minter, admin, oracle } = await loadFixture(deployC4EFixture);
      expect(await minter.token()).to.equal(await token.getAddress());
      expect(await minter.MINTER_ROLE()).to.equal(ethers.id("MINTER_ROLE"));
      expect(await minter.hasRole(await minter.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await minter.hasRole(await minter.MINTER_ROLE(), oracle.address)).to.equal(true);
      expect(await minter.hasRole(await minter.MINTER_ROLE(), admin.address)).to.equal(false);
      expect(await token.hasRole(await token.MINTER_ROLE(), await minter.getAddress())).to.equal(true);
    });

    it("knows no batch yet", async () => {
      const { minter } = await loadFixture(deployC4EFixture);
      expect(await minter.isBatchMinted(BATCH)).to.equal(false);
      expect(await minter.batchRoot(BATCH)).to.equal(ethers.ZeroHash);
    });
  });

  describe("mintBatch", () => {
    it("mints every amount to its recipient", async () => {
      const { token, alice, bob, carol } = await loadFixture(mintedBatchFixture);
      expect(await token.balanceOf(alice.address)).to.equal(1n * ONE);
      expect(await token.balanceOf(bob.address)).to.equal(2n * ONE);
      expect(await token.balanceOf(carol.address)).to.equal(3n * ONE);
      expect(await token.totalSupply()).to.equal(6n * ONE);
    });

    it("records the batch and its readings root", async () => {
      const { minter } = await loadFixture(mintedBatchFixture);
      expect(await minter.isBatchMinted(BATCH)).to.equal(true);
      expect(await minter.batchRoot(BATCH)).to.equal(ROOT);
    });

    it("emits RewardBatchMinted(batchId, root, count, total) and one Transfer per recipient", async () => {
      const { token, minter, tx, recipients, amounts } = await loadFixture(mintedBatchFixture);
      // total = 1 + 2 + 3 = 6 C4E
      await expect(tx)
        .to.emit(minter, "RewardBatchMinted")
        .withArgs(BATCH, ROOT, 3n, 6n * ONE);
      for (const [i, to] of recipients.entries()) {
        await expect(tx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, to, amounts[i]);
      }
    });

    it("mints the same recipient twice within a batch", async () => {
      const { token, minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await expect(
        minter.connect(oracle).mintBatch(BATCH, ROOT, [alice.address, alice.address], [1n, 2n]),
      ).to.changeTokenBalance(token, alice, 3n);
    });

    it("stays within its gas budget for 3 recipients", async () => {
      const { tx } = await loadFixture(mintedBatchFixture);
      const receipt = await tx.wait();
      expect(receipt?.gasUsed).to.be.lessThan(200_000n);
    });

    it("refuses a used batch id with BatchAlreadyMinted", async () => {
      const { minter, oracle, alice } = await loadFixture(mintedBatchFixture);
      await expect(minter.connect(oracle).mintBatch(BATCH, ethers.id("other-root"), [alice.address], [1n]))
        .to.be.revertedWithCustomError(minter, "BatchAlreadyMinted")
        .withArgs(BATCH);
    });

    it("refuses arrays of different lengths with LengthMismatch", async () => {
      const { minter, oracle, alice, bob } = await loadFixture(deployC4EFixture);
      await expect(minter.connect(oracle).mintBatch(BATCH, ROOT, [alice.address, bob.address], [1n]))
        .to.be.revertedWithCustomError(minter, "LengthMismatch")
        .withArgs(2n, 1n);
    });

    it("refuses an empty batch with EmptyBatch", async () => {
      const { minter, oracle } = await loadFixture(deployC4EFixture);
      await expect(minter.connect(oracle).mintBatch(BATCH, ROOT, [], [])).to.be.revertedWithCustomError(
        minter,
        "EmptyBatch",
      );
    });

    it("refuses a zero readings root with ZeroReadingsRoot", async () => {
      const { minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await expect(minter.connect(oracle).mintBatch(BATCH, ethers.ZeroHash, [alice.address], [1n]))
        .to.be.revertedWithCustomError(minter, "ZeroReadingsRoot")
        .withArgs(BATCH);
    });

    it("refuses the zero address with ZeroRecipient(index)", async () => {
      const { minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await expect(
        minter.connect(oracle).mintBatch(BATCH, ROOT, [alice.address, ethers.ZeroAddress], [1n, 1n]),
      )
        .to.be.revertedWithCustomError(minter, "ZeroRecipient")
        .withArgs(1n);
    });

    it("refuses a zero amount with ZeroAmount(index)", async () => {
      const { minter, oracle, alice, bob, carol } = await loadFixture(deployC4EFixture);
      await expect(
        minter
          .connect(oracle)
          .mintBatch(BATCH, ROOT, [alice.address, bob.address, carol.address], [1n, 2n, 0n]),
      )
        .to.be.revertedWithCustomError(minter, "ZeroAmount")
        .withArgs(2n);
    });

    it("reverts with the token's EnforcedPause while the token is paused, and leaves no trace", async () => {
      const { token, minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await token.pause();
      await expect(
        minter.connect(oracle).mintBatch(BATCH, ROOT, [alice.address], [1n]),
      ).to.be.revertedWithCustomError(token, "EnforcedPause");
      expect(await minter.isBatchMinted(BATCH)).to.equal(false);
    });

    it("reverts with the token's AccessControlUnauthorizedAccount if it lost the token's MINTER_ROLE", async () => {
      const { token, minter, oracle, alice } = await loadFixture(deployC4EFixture);
      const role = await token.MINTER_ROLE();
      await token.revokeRole(role, await minter.getAddress());
      await expect(minter.connect(oracle).mintBatch(BATCH, ROOT, [alice.address], [1n]))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(await minter.getAddress(), role);
    });

    shouldBeRestrictedToRole("MINTER_ROLE", async () => {
      const { minter, admin, alice } = await loadFixture(deployC4EFixture);
      return {
        contract: minter,
        role: await minter.MINTER_ROLE(),
        outsider: admin, // even the admin needs the role
        call: (as) => minter.connect(as).mintBatch(BATCH, ROOT, [alice.address], [1n]),
      };
    });
  });

  describe("verifyReading (Merkle tree built in TypeScript)", () => {
    async function treeFixture() {
      const ctx = await deployC4EFixture();
      const { buildRewardTree, batchIdFor } = loadC4E();
      const { minter, oracle, alice, bob, carol } = ctx;
      const leaves: RewardLeaf[] = [
        {
          gatewayId: "gw-1",
          meterId: "m-1",
          periodStart: 1_793_491_200n,
          exportWh: 1_250n,
          recipient: alice.address as Address,
        },
        {
          gatewayId: "gw-1",
          meterId: "m-2",
          periodStart: 1_793_491_200n,
          exportWh: 0n,
          recipient: bob.address as Address,
        },
        {
          gatewayId: "gw-2",
          meterId: "zähler-3",
          periodStart: 1_793_491_200n,
          exportWh: 2n ** 200n,
          recipient: carol.address as Address,
        },
        {
          gatewayId: "",
          meterId: "m-4",
          periodStart: 2n ** 64n - 1n,
          exportWh: 7n,
          recipient: alice.address as Address,
        },
      ];
      const tree = buildRewardTree(leaves);
      const batchId = batchIdFor("2026-11-01T00:00:00.000Z", "v1");
      await minter.connect(oracle).mintBatch(batchId, tree.root, [alice.address], [1n]);
      return { ...ctx, leaves, tree, batchId };
    }

    function verify(
      minter: Awaited<ReturnType<typeof treeFixture>>["minter"],
      batchId: string,
      leaf: RewardLeaf,
      proof: string[],
    ): Promise<boolean> {
      return minter.verifyReading(
        batchId,
        leaf.gatewayId,
        leaf.meterId,
        leaf.periodStart,
        leaf.exportWh,
        leaf.recipient,
        proof,
      );
    }

    it("accepts every leaf with its proof", async () => {
      const { minter, leaves, tree, batchId } = await loadFixture(treeFixture);
      for (const [i, leaf] of leaves.entries()) {
        expect(await verify(minter, batchId, leaf, tree.proof(i)), `leaf ${i}`).to.equal(true);
      }
    });

    it("refuses a tampered leaf", async () => {
      const { minter, leaves, tree, batchId, bob } = await loadFixture(treeFixture);
      const leaf = leaves[0] as RewardLeaf;
      const proof = tree.proof(0);
      const tampered: RewardLeaf[] = [
        { ...leaf, exportWh: leaf.exportWh + 1n },
        { ...leaf, recipient: bob.address as Address },
        { ...leaf, meterId: "m-1 " },
        { ...leaf, gatewayId: "gw-2" },
        { ...leaf, periodStart: leaf.periodStart + 1n },
      ];
      for (const t of tampered) expect(await verify(minter, batchId, t, proof)).to.equal(false);
    });

    it("refuses a leaf with another leaf's proof", async () => {
      const { minter, leaves, tree, batchId } = await loadFixture(treeFixture);
      expect(await verify(minter, batchId, leaves[0] as RewardLeaf, tree.proof(1))).to.equal(false);
    });

    it("returns false for a batch that was not minted", async () => {
      const { minter, leaves, tree } = await loadFixture(treeFixture);
      expect(await verify(minter, ethers.id("unknown"), leaves[0] as RewardLeaf, tree.proof(0))).to.equal(
        false,
      );
    });

    it("hashes a leaf like rewardLeaf: a one-leaf tree's root is the leaf and verifies with an empty proof", async () => {
      const { minter, oracle, alice } = await loadFixture(deployC4EFixture);
      const { buildRewardTree, rewardLeaf } = loadC4E();
      const leaf: RewardLeaf = {
        gatewayId: "gw-9",
        meterId: "m-9",
        periodStart: 1n,
        exportWh: 42n,
        recipient: alice.address as Address,
      };
      const tree = buildRewardTree([leaf]);
      expect(tree.root).to.equal(rewardLeaf(leaf));
      expect(tree.proof(0)).to.deep.equal([]);
      await minter.connect(oracle).mintBatch(BATCH, tree.root, [alice.address], [1n]);
      expect(await verify(minter, BATCH, leaf, [])).to.equal(true);
    });
  });
});
