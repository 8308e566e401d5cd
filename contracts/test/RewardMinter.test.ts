import "@nomicfoundation/hardhat-chai-matchers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import type { ContractTransactionReceipt } from "ethers";
import { ethers } from "hardhat";
import type { Address } from "viem";
import type { RewardLeaf } from "@c4e/contracts";
import { loadC4E } from "./helpers/c4e";
import { expectDefaultAdminRules } from "./helpers/default-admin.behavior";
import {
  ADMIN_DELAY,
  delegatedAccount,
  deployC4EFixture,
  ONE,
  PERIOD,
  PERIOD_CAP,
  PERIOD_SECONDS,
} from "./helpers/fixtures";
import { shouldBeRestrictedToRole } from "./helpers/role-gated.behavior";
const BATCH = ethers.id("batch-1");
const ROOT = ethers.id("readings-root-1");
const HELD_ABI = ["event CertificatesHeld(address indexed holder, uint256 indexed id, uint256 energyWh)"];

/** A three-recipient batch minted by the oracle: alice 1, bob 2, carol 3 C4E. */
async function mintedBatchFixture() {
  const ctx = await deployC4EFixture();
  const { minter, oracle, alice, bob, carol } = ctx;
  const recipients = [alice.address, bob.address, carol.address];
  const amounts = [1n * ONE, 2n * ONE, 3n * ONE];
  const tx = await minter.connect(oracle).mintBatch(BATCH, PERIOD, ROOT, recipients, amounts);
  return { ...ctx, tx, recipients, amounts };
}

describe("RewardMinter", () => {
  describe("deployment", () => {
    it("points at the token and the certificates and grants admin, cap manager and minter roles", async () => {
      const { token, certificates, minter, admin, oracle } = await loadFixture(deployC4EFixture);
      expect(await minter.token()).to.equal(await token.getAddress());
      expect(await minter.certificates()).to.equal(await certificates.getAddress());
      expect(await minter.MINTER_ROLE()).to.equal(ethers.id("MINTER_ROLE"));
      expect(await minter.CAP_MANAGER_ROLE()).to.equal(ethers.id("CAP_MANAGER_ROLE"));
      expect(await minter.hasRole(await minter.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await minter.defaultAdmin()).to.equal(admin.address);
      expect(await minter.defaultAdminDelay()).to.equal(ADMIN_DELAY);
      expect(await minter.hasRole(await minter.CAP_MANAGER_ROLE(), admin.address)).to.equal(true);
      expect(await minter.hasRole(await minter.MINTER_ROLE(), oracle.address)).to.equal(true);
      expect(await minter.hasRole(await minter.MINTER_ROLE(), admin.address)).to.equal(false);
      expect(await minter.hasRole(await minter.CAP_MANAGER_ROLE(), oracle.address)).to.equal(false);
      expect(await token.hasRole(await token.MINTER_ROLE(), await minter.getAddress())).to.equal(true);
    });

    it("starts with the constructor's period and cap, and announced them with PeriodMintCapSet", async () => {
      const { minter } = await loadFixture(deployC4EFixture);
      expect(await minter.periodSeconds()).to.equal(PERIOD_SECONDS);
      expect(await minter.periodMintCap()).to.equal(PERIOD_CAP);
      expect(await minter.periodMinted(PERIOD)).to.equal(0n);
      const [event] = await minter.queryFilter("PeriodMintCapSet");
      expect(event && "args" in event ? [...event.args] : []).to.deep.equal([PERIOD_SECONDS, PERIOD_CAP]);
    });

    it("refuses a zero period length with ZeroPeriodSeconds", async () => {
      const { token, certificates, minter, admin, oracle } = await loadFixture(deployC4EFixture);
      const factory = await ethers.getContractFactory("RewardMinter");
      await expect(
        factory.deploy(
          await token.getAddress(),
          await certificates.getAddress(),
          admin.address,
          oracle.address,
          ADMIN_DELAY,
          0n,
          PERIOD_CAP,
        ),
      ).to.be.revertedWithCustomError(minter, "ZeroPeriodSeconds");
    });

    it("DEFAULT_ADMIN_ROLE moves only by begin + delay + accept; granting it directly reverts", async () => {
      const { minter, admin, carol } = await loadFixture(deployC4EFixture);
      await expectDefaultAdminRules(minter, admin, carol);
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

    it("emits RewardBatchMinted(batchId, root, count, total), RewardBatchPeriod and one Transfer per recipient", async () => {
      const { token, minter, tx, recipients, amounts } = await loadFixture(mintedBatchFixture);
      // total = 1 + 2 + 3 = 6 C4E
      await expect(tx)
        .to.emit(minter, "RewardBatchMinted")
        .withArgs(BATCH, ROOT, 3n, 6n * ONE);
      await expect(tx)
        .to.emit(minter, "RewardBatchPeriod")
        .withArgs(BATCH, PERIOD, 6n * ONE);
      for (const [i, to] of recipients.entries()) {
        await expect(tx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, to, amounts[i]);
      }
    });

    it("mints the same recipient twice within a batch", async () => {
      const { token, minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await expect(
        minter.connect(oracle).mintBatch(BATCH, PERIOD, ROOT, [alice.address, alice.address], [1n, 2n]),
      ).to.changeTokenBalance(token, alice, 3n);
    });

    it("stays within its gas budget for 3 recipients", async () => {
      const { tx } = await loadFixture(mintedBatchFixture);
      const receipt = await tx.wait();
      expect(receipt?.gasUsed).to.be.lessThan(200_000n);
    });

    it("refuses a used batch id with BatchAlreadyMinted", async () => {
      const { minter, oracle, alice } = await loadFixture(mintedBatchFixture);
      await expect(
        minter.connect(oracle).mintBatch(BATCH, PERIOD, ethers.id("other-root"), [alice.address], [1n]),
      )
        .to.be.revertedWithCustomError(minter, "BatchAlreadyMinted")
        .withArgs(BATCH);
    });

    it("refuses arrays of different lengths with LengthMismatch", async () => {
      const { minter, oracle, alice, bob } = await loadFixture(deployC4EFixture);
      await expect(minter.connect(oracle).mintBatch(BATCH, PERIOD, ROOT, [alice.address, bob.address], [1n]))
        .to.be.revertedWithCustomError(minter, "LengthMismatch")
        .withArgs(2n, 1n);
    });

    it("refuses an empty batch with EmptyBatch", async () => {
      const { minter, oracle } = await loadFixture(deployC4EFixture);
      await expect(
        minter.connect(oracle).mintBatch(BATCH, PERIOD, ROOT, [], []),
      ).to.be.revertedWithCustomError(minter, "EmptyBatch");
    });

    it("refuses a zero readings root with ZeroReadingsRoot", async () => {
      const { minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await expect(minter.connect(oracle).mintBatch(BATCH, PERIOD, ethers.ZeroHash, [alice.address], [1n]))
        .to.be.revertedWithCustomError(minter, "ZeroReadingsRoot")
        .withArgs(BATCH);
    });

    it("refuses the zero address with ZeroRecipient(index)", async () => {
      const { minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await expect(
        minter.connect(oracle).mintBatch(BATCH, PERIOD, ROOT, [alice.address, ethers.ZeroAddress], [1n, 1n]),
      )
        .to.be.revertedWithCustomError(minter, "ZeroRecipient")
        .withArgs(1n);
    });

    it("refuses a zero amount with ZeroAmount(index)", async () => {
      const { minter, oracle, alice, bob, carol } = await loadFixture(deployC4EFixture);
      await expect(
        minter
          .connect(oracle)
          .mintBatch(BATCH, PERIOD, ROOT, [alice.address, bob.address, carol.address], [1n, 2n, 0n]),
      )
        .to.be.revertedWithCustomError(minter, "ZeroAmount")
        .withArgs(2n);
    });

    it("reverts with the token's EnforcedPause while the token is paused, and leaves no trace", async () => {
      const { token, minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await token.pause();
      await expect(
        minter.connect(oracle).mintBatch(BATCH, PERIOD, ROOT, [alice.address], [1n]),
      ).to.be.revertedWithCustomError(token, "EnforcedPause");
      expect(await minter.isBatchMinted(BATCH)).to.equal(false);
    });

    it("reverts with the token's AccessControlUnauthorizedAccount if it lost the token's MINTER_ROLE", async () => {
      const { token, minter, oracle, alice } = await loadFixture(deployC4EFixture);
      const role = await token.MINTER_ROLE();
      await token.revokeRole(role, await minter.getAddress());
      await expect(minter.connect(oracle).mintBatch(BATCH, PERIOD, ROOT, [alice.address], [1n]))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(await minter.getAddress(), role);
    });

    shouldBeRestrictedToRole("MINTER_ROLE", async () => {
      const { minter, admin, alice } = await loadFixture(deployC4EFixture);
      return {
        contract: minter,
        role: await minter.MINTER_ROLE(),
        outsider: admin, // even the admin needs the role
        call: (as) => minter.connect(as).mintBatch(BATCH, PERIOD, ROOT, [alice.address], [1n]),
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
      await minter.connect(oracle).mintBatch(batchId, PERIOD, tree.root, [alice.address], [1n]);
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
      await minter.connect(oracle).mintBatch(BATCH, PERIOD, tree.root, [alice.address], [1n]);
      expect(await verify(minter, BATCH, leaf, [])).to.equal(true);
    });
  });

  describe("mintBatchWithCertificates", () => {
    async function certifiedFixture() {
      const ctx = await deployC4EFixture();
      const { minter, oracle, alice, bob } = ctx;
      // policy v1: 1 C4E per kWh; 1500 Wh -> 1.5 C4E, 250 Wh -> 0.25 C4E
      const tx = await minter
        .connect(oracle)
        .mintBatchWithCertificates(
          BATCH,
          PERIOD,
          ROOT,
          [alice.address, bob.address],
          [1_500n * 10n ** 15n, 250n * 10n ** 15n],
          [1_500n, 250n],
        );
      return { ...ctx, tx };
    }

    it("mints the rewards and issues one certificate unit per Wh under id uint256(batchId)", async () => {
      const { token, certificates, minter, alice, bob, tx } = await loadFixture(certifiedFixture);
      const id = BigInt(BATCH);
      expect(await token.balanceOf(alice.address)).to.equal(1_500n * 10n ** 15n);
      expect(await certificates.balanceOf(alice.address, id)).to.equal(1_500n);
      expect(await certificates.balanceOf(bob.address, id)).to.equal(250n);
      expect(await certificates.issuedEnergyWh(id)).to.equal(1_750n);
      await expect(tx)
        .to.emit(minter, "RewardBatchMinted")
        .withArgs(BATCH, ROOT, 2n, 1_750n * 10n ** 15n);
      await expect(tx).to.emit(certificates, "CertificatesIssued").withArgs(id, 2n, 1_750n);
      await expect(tx)
        .to.emit(certificates, "TransferSingle")
        .withArgs(await minter.getAddress(), ethers.ZeroAddress, alice.address, id, 1_500n);
    });

    it("refuses energy of another length with LengthMismatch, and reverts the reward too", async () => {
      const { token, minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await expect(
        minter
          .connect(oracle)
          .mintBatchWithCertificates(BATCH, PERIOD, ROOT, [alice.address], [1n], [1n, 2n]),
      )
        .to.be.revertedWithCustomError(minter, "LengthMismatch")
        .withArgs(1n, 2n);
      expect(await token.totalSupply()).to.equal(0n);
      expect(await minter.isBatchMinted(BATCH)).to.equal(false);
    });

    it("refuses zero energy with ZeroAmount(index)", async () => {
      const { minter, oracle, alice, bob } = await loadFixture(deployC4EFixture);
      await expect(
        minter
          .connect(oracle)
          .mintBatchWithCertificates(BATCH, PERIOD, ROOT, [alice.address, bob.address], [1n, 1n], [5n, 0n]),
      )
        .to.be.revertedWithCustomError(minter, "ZeroAmount")
        .withArgs(1n);
    });

    it("refuses a used batch id with BatchAlreadyMinted", async () => {
      const { minter, oracle, alice } = await loadFixture(certifiedFixture);
      await expect(
        minter.connect(oracle).mintBatchWithCertificates(BATCH, PERIOD, ROOT, [alice.address], [1n], [1n]),
      )
        .to.be.revertedWithCustomError(minter, "BatchAlreadyMinted")
        .withArgs(BATCH);
    });

    it("a recipient that cannot receive certificates (a contract without ERC-1155 hooks, an EIP-7702 account) does not block the batch", async () => {
      // Before: GreenCertificates minted to every holder with OpenZeppelin's acceptance check, so one
      // holder that refuses ERC-1155 tokens reverted the whole batch (rewards included) with
      // ERC1155InvalidReceiver. Now holders with code are credited as pending and collect later.
      const { token, certificates, minter, oracle, alice, carol } = await loadFixture(deployC4EFixture);
      const rejecting = await ethers.deployContract("ERC1155RejectingHolder");
      const wallet = await rejecting.getAddress();
      // An EOA that delegates to the rejecting contract (EIP-7702): a smart-account prosumer.
      const bob = await delegatedAccount(wallet);

      const recipients = [alice.address, wallet, bob.address, carol.address];
      const amounts = [1n * ONE, 2n * ONE, 3n * ONE, 4n * ONE];
      const energyWh = [1_000n, 2_000n, 3_000n, 4_000n];
      const tx = minter
        .connect(oracle)
        .mintBatchWithCertificates(BATCH, PERIOD, ROOT, recipients, amounts, energyWh);
      await expect(tx).to.changeTokenBalances(token, recipients, amounts);
      await expect(tx)
        .to.emit(minter, "RewardBatchMinted")
        .withArgs(BATCH, ROOT, 4n, 10n * ONE);
      const id = BigInt(BATCH);
      await expect(tx).to.emit(certificates, "CertificatesHeld").withArgs(wallet, id, 2_000n);
      await expect(tx).to.emit(certificates, "CertificatesHeld").withArgs(bob.address, id, 3_000n);
      await expect(tx).to.emit(certificates, "CertificatesIssued").withArgs(id, 4n, 10_000n);

      // Delivered to the EOAs, held for the accounts with code; the issue counts all of them.
      expect(await certificates.balanceOf(alice.address, id)).to.equal(1_000n);
      expect(await certificates.balanceOf(carol.address, id)).to.equal(4_000n);
      expect(await certificates.balanceOf(wallet, id)).to.equal(0n);
      expect(await certificates.balanceOf(bob.address, id)).to.equal(0n);
      expect(await certificates.pendingCertificates(wallet, id)).to.equal(2_000n);
      expect(await certificates.pendingCertificates(bob.address, id)).to.equal(3_000n);
      expect(await certificates.issuedEnergyWh(id)).to.equal(10_000n);

      // The held units are reported in the receipt (what ingest reads) ...
      const receipt: ContractTransactionReceipt | null = await (await tx).wait();
      const held = new ethers.Interface(HELD_ABI);
      const reported = (receipt?.logs ?? [])
        .map((log) => held.parseLog(log))
        .filter((e) => e !== null)
        .map((e) => [e.args.holder as string, e.args.energyWh as bigint]);
      expect(reported).to.deep.equal([
        [wallet, 2_000n],
        [bob.address, 3_000n],
      ]);

      // ... and the delegated account collects them to an EOA (bob signs: its code runs only for calls to it).
      await expect(certificates.connect(bob).collectCertificates(id, carol.address))
        .to.emit(certificates, "CertificatesCollected")
        .withArgs(bob.address, id, carol.address, 3_000n);
      expect(await certificates.balanceOf(carol.address, id)).to.equal(7_000n);
      expect(await certificates.pendingCertificates(bob.address, id)).to.equal(0n);
    });

    it("reverts with the certificates' AccessControlUnauthorizedAccount if the minter lost ISSUER_ROLE", async () => {
      const { certificates, minter, oracle, alice } = await loadFixture(deployC4EFixture);
      const role = await certificates.ISSUER_ROLE();
      await certificates.revokeRole(role, await minter.getAddress());
      await expect(
        minter.connect(oracle).mintBatchWithCertificates(BATCH, PERIOD, ROOT, [alice.address], [1n], [1n]),
      )
        .to.be.revertedWithCustomError(certificates, "AccessControlUnauthorizedAccount")
        .withArgs(await minter.getAddress(), role);
    });

    shouldBeRestrictedToRole("MINTER_ROLE (mintBatchWithCertificates)", async () => {
      const { minter, outsider, alice } = await loadFixture(deployC4EFixture);
      return {
        contract: minter,
        role: await minter.MINTER_ROLE(),
        outsider,
        call: (as) =>
          minter.connect(as).mintBatchWithCertificates(BATCH, PERIOD, ROOT, [alice.address], [1n], [1n]),
      };
    });
  });

  describe("mintAttestedBatch (EIP-712, submitted by a relayer)", () => {
    type Batch = {
      batchId: string;
      periodStart: bigint;
      root: string;
      recipients: string[];
      amounts: bigint[];
      energyWh: bigint[];
      deadline: bigint;
    };

    const TYPES = {
      RewardBatch: [
        { name: "batchId", type: "bytes32" },
        { name: "periodStart", type: "uint64" },
        { name: "readingsRoot", type: "bytes32" },
        { name: "recipients", type: "address[]" },
        { name: "amounts", type: "uint256[]" },
        { name: "energyWh", type: "uint256[]" },
        { name: "deadline", type: "uint256" },
      ],
    };

    async function sign(
      signer: Awaited<ReturnType<typeof deployC4EFixture>>["oracle"],
      verifyingContract: string,
      batch: Batch,
      chainId?: bigint,
    ): Promise<string> {
      return await signer.signTypedData(
        {
          name: "C4E RewardMinter",
          version: "1",
          chainId: chainId ?? (await ethers.provider.getNetwork()).chainId,
          verifyingContract,
        },
        TYPES,
        { ...batch, readingsRoot: batch.root },
      );
    }

    async function attestedFixture() {
      const ctx = await deployC4EFixture();
      const batch: Batch = {
        batchId: BATCH,
        periodStart: PERIOD,
        root: ROOT,
        recipients: [ctx.alice.address, ctx.bob.address],
        amounts: [2n * ONE, 3n * ONE],
        energyWh: [2_000n, 3_000n],
        deadline: BigInt(await time.latest()) + 3_600n,
      };
      const signature = await sign(ctx.oracle, await ctx.minter.getAddress(), batch);
      const submit = (b: Batch, sig: string, as = ctx.relayer) =>
        ctx.minter
          .connect(as)
          .mintAttestedBatch(
            b.batchId,
            b.periodStart,
            b.root,
            b.recipients,
            b.amounts,
            b.energyWh,
            b.deadline,
            sig,
          );
      return { ...ctx, batch, signature, submit };
    }

    it("mints and issues for a batch the oracle signed, sent by a relayer without any role", async () => {
      const { token, certificates, minter, oracle, relayer, alice, bob, batch, signature, submit } =
        await loadFixture(attestedFixture);
      const tx = submit(batch, signature);
      await expect(tx)
        .to.emit(minter, "RewardBatchAttested")
        .withArgs(BATCH, oracle.address, relayer.address);
      await expect(tx)
        .to.emit(minter, "RewardBatchMinted")
        .withArgs(BATCH, ROOT, 2n, 5n * ONE);
      expect(await token.balanceOf(alice.address)).to.equal(2n * ONE);
      expect(await certificates.balanceOf(bob.address, BigInt(BATCH))).to.equal(3_000n);
      expect(await minter.isBatchMinted(BATCH)).to.equal(true);
    });

    it("hashRewardBatch is the EIP-712 digest (ethers TypedDataEncoder)", async () => {
      const { minter, batch } = await loadFixture(attestedFixture);
      const digest = ethers.TypedDataEncoder.hash(
        {
          name: "C4E RewardMinter",
          version: "1",
          chainId: (await ethers.provider.getNetwork()).chainId,
          verifyingContract: await minter.getAddress(),
        },
        TYPES,
        { ...batch, readingsRoot: batch.root },
      );
      expect(
        await minter.hashRewardBatch(
          batch.batchId,
          batch.periodStart,
          batch.root,
          batch.recipients,
          batch.amounts,
          batch.energyWh,
          batch.deadline,
        ),
      ).to.equal(digest);
      expect(await minter.REWARD_BATCH_TYPEHASH()).to.equal(
        ethers.id(
          "RewardBatch(bytes32 batchId,uint64 periodStart,bytes32 readingsRoot,address[] recipients,uint256[] amounts,uint256[] energyWh,uint256 deadline)",
        ),
      );
    });

    it("accepts the batch up to its deadline and refuses it after with AttestationExpired(deadline)", async () => {
      const { minter, batch, signature, submit } = await loadFixture(attestedFixture);
      const snapshot = await ethers.provider.send("evm_snapshot", []);
      await time.setNextBlockTimestamp(batch.deadline);
      await expect(submit(batch, signature)).to.emit(minter, "RewardBatchAttested");
      await ethers.provider.send("evm_revert", [snapshot]);
      await time.setNextBlockTimestamp(batch.deadline + 1n);
      await expect(submit(batch, signature))
        .to.be.revertedWithCustomError(minter, "AttestationExpired")
        .withArgs(batch.deadline);
    });

    it("refuses a replay with BatchAlreadyMinted", async () => {
      const { minter, batch, signature, submit } = await loadFixture(attestedFixture);
      await submit(batch, signature);
      await expect(submit(batch, signature))
        .to.be.revertedWithCustomError(minter, "BatchAlreadyMinted")
        .withArgs(BATCH);
    });

    it("refuses a signature for another chain with InvalidAttestationSigner(recovered)", async () => {
      const { minter, oracle, batch, submit } = await loadFixture(attestedFixture);
      const foreign = await sign(oracle, await minter.getAddress(), batch, 1n);
      await expect(submit(batch, foreign))
        .to.be.revertedWithCustomError(minter, "InvalidAttestationSigner")
        .withArgs((signer: string) => signer !== oracle.address);
    });

    it("refuses a signature for another RewardMinter (verifying contract)", async () => {
      const { minter, oracle, batch, submit, token } = await loadFixture(attestedFixture);
      const other = await sign(oracle, await token.getAddress(), batch);
      await expect(submit(batch, other)).to.be.revertedWithCustomError(minter, "InvalidAttestationSigner");
    });

    it("refuses tampered contents (amount, recipient, energy, root, period, deadline)", async () => {
      const { minter, carol, batch, signature, submit } = await loadFixture(attestedFixture);
      const tampered: Batch[] = [
        { ...batch, amounts: [2n * ONE, 4n * ONE] },
        { ...batch, recipients: [batch.recipients[0] as string, carol.address] },
        { ...batch, energyWh: [2_000n, 3_001n] },
        { ...batch, root: ethers.id("other root") },
        { ...batch, periodStart: PERIOD - PERIOD_SECONDS },
        { ...batch, deadline: batch.deadline + 1n },
      ];
      for (const t of tampered) {
        await expect(submit(t, signature)).to.be.revertedWithCustomError(minter, "InvalidAttestationSigner");
      }
    });

    it("refuses a signature of an account without MINTER_ROLE with InvalidAttestationSigner(signer)", async () => {
      const { minter, outsider, batch, submit } = await loadFixture(attestedFixture);
      const forged = await sign(outsider, await minter.getAddress(), batch);
      await expect(submit(batch, forged))
        .to.be.revertedWithCustomError(minter, "InvalidAttestationSigner")
        .withArgs(outsider.address);
    });

    it("refuses a malformed signature with ECDSAInvalidSignatureLength(length)", async () => {
      const { minter, batch, submit } = await loadFixture(attestedFixture);
      await expect(submit(batch, "0x1234"))
        .to.be.revertedWithCustomError(minter, "ECDSAInvalidSignatureLength")
        .withArgs(2n);
    });

    it("stops accepting the oracle's signatures once its role is revoked", async () => {
      const { minter, oracle, batch, signature, submit } = await loadFixture(attestedFixture);
      await minter.revokeRole(await minter.MINTER_ROLE(), oracle.address);
      await expect(submit(batch, signature))
        .to.be.revertedWithCustomError(minter, "InvalidAttestationSigner")
        .withArgs(oracle.address);
    });

    it("viem's rewardBatchTypedData produces a signature the contract accepts", async () => {
      const { minter, batch, submit } = await loadFixture(attestedFixture);
      const { rewardBatchTypedData } = loadC4E();
      const { privateKeyToAccount } = await import("viem/accounts");
      // hardhat's default account #1 (the oracle of the fixture)
      const oracleKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
      const account = privateKeyToAccount(oracleKey);
      const signature = await account.signTypedData(
        rewardBatchTypedData({
          chainId: Number((await ethers.provider.getNetwork()).chainId),
          rewardMinter: (await minter.getAddress()) as Address,
          batch: {
            batchId: batch.batchId as `0x${string}`,
            periodStart: batch.periodStart,
            readingsRoot: batch.root as `0x${string}`,
            recipients: batch.recipients as Address[],
            amounts: batch.amounts,
            energyWh: batch.energyWh,
            deadline: batch.deadline,
          },
        }),
      );
      await expect(submit(batch, signature)).to.emit(minter, "RewardBatchAttested");
    });

    it("mintAttestedBatchArgs orders the arguments as the contract expects", async () => {
      const { minter, relayer, batch, signature } = await loadFixture(attestedFixture);
      const { mintAttestedBatchArgs } = loadC4E();
      const args = mintAttestedBatchArgs(
        {
          batchId: batch.batchId as `0x${string}`,
          periodStart: batch.periodStart,
          readingsRoot: batch.root as `0x${string}`,
          recipients: batch.recipients as Address[],
          amounts: batch.amounts,
          energyWh: batch.energyWh,
          deadline: batch.deadline,
        },
        signature as `0x${string}`,
      );
      await expect(minter.connect(relayer).mintAttestedBatch(...args)).to.emit(minter, "RewardBatchAttested");
    });

    it("counts against the period's cap like any batch", async () => {
      const { minter, admin, batch, signature, submit } = await loadFixture(attestedFixture);
      await minter.connect(admin).setPeriodMintCap(PERIOD_SECONDS, 4n * ONE);
      await expect(submit(batch, signature))
        .to.be.revertedWithCustomError(minter, "PeriodMintCapExceeded")
        .withArgs(PERIOD, 5n * ONE, 4n * ONE);
    });
  });

  describe("per-period mint cap", () => {
    const part = (n: number) => ethers.id(`period-part-${n}`);

    it("sums the batches (parts) of a period and refuses the one that would exceed the cap", async () => {
      const { token, minter, admin, oracle, alice, bob } = await loadFixture(deployC4EFixture);
      await minter.connect(admin).setPeriodMintCap(PERIOD_SECONDS, 10n * ONE);
      await minter.connect(oracle).mintBatch(part(0), PERIOD, ROOT, [alice.address], [4n * ONE]);
      await expect(
        minter
          .connect(oracle)
          .mintBatchWithCertificates(part(1), PERIOD, ROOT, [bob.address], [5n * ONE], [5n]),
      )
        .to.emit(minter, "RewardBatchPeriod")
        .withArgs(part(1), PERIOD, 9n * ONE);
      expect(await minter.periodMinted(PERIOD)).to.equal(9n * ONE);
      // 9 + 2 = 11 > 10: refused, and nothing of it stays (no tokens, batch id still free)
      await expect(minter.connect(oracle).mintBatch(part(2), PERIOD, ROOT, [alice.address], [2n * ONE]))
        .to.be.revertedWithCustomError(minter, "PeriodMintCapExceeded")
        .withArgs(PERIOD, 11n * ONE, 10n * ONE);
      expect(await minter.isBatchMinted(part(2))).to.equal(false);
      expect(await token.totalSupply()).to.equal(9n * ONE);
      // exactly up to the cap is fine
      await minter.connect(oracle).mintBatch(part(2), PERIOD, ROOT, [alice.address], [1n * ONE]);
      expect(await minter.periodMinted(PERIOD)).to.equal(10n * ONE);
      // another period has its own sum
      const next = PERIOD + PERIOD_SECONDS;
      await minter.connect(oracle).mintBatch(part(3), next, ROOT, [alice.address], [10n * ONE]);
      expect(await minter.periodMinted(next)).to.equal(10n * ONE);
      expect(await minter.periodMinted(PERIOD)).to.equal(10n * ONE);
    });

    it("refuses a period start that is not a multiple of the period with PeriodNotAligned", async () => {
      const { minter, oracle, alice } = await loadFixture(deployC4EFixture);
      await expect(minter.connect(oracle).mintBatch(BATCH, PERIOD + 900n, ROOT, [alice.address], [1n]))
        .to.be.revertedWithCustomError(minter, "PeriodNotAligned")
        .withArgs(PERIOD + 900n, PERIOD_SECONDS);
    });

    it("refuses a period that has not ended with PeriodNotEnded, and accepts it once it has", async () => {
      const { minter, oracle, alice } = await loadFixture(deployC4EFixture);
      const now = BigInt(await time.latest());
      const current = now - (now % PERIOD_SECONDS);
      await time.setNextBlockTimestamp(current + PERIOD_SECONDS - 1n);
      await expect(minter.connect(oracle).mintBatch(BATCH, current, ROOT, [alice.address], [1n]))
        .to.be.revertedWithCustomError(minter, "PeriodNotEnded")
        .withArgs(current);
      await time.setNextBlockTimestamp(current + PERIOD_SECONDS);
      await expect(minter.connect(oracle).mintBatch(BATCH, current, ROOT, [alice.address], [1n])).to.emit(
        minter,
        "RewardBatchMinted",
      );
      const future = current + 10n * PERIOD_SECONDS;
      await expect(minter.connect(oracle).mintBatch(ethers.id("future"), future, ROOT, [alice.address], [1n]))
        .to.be.revertedWithCustomError(minter, "PeriodNotEnded")
        .withArgs(future);
    });

    it("setPeriodMintCap changes period and cap (PeriodMintCapSet); a zero cap stops minting", async () => {
      const { minter, admin, oracle, alice } = await loadFixture(deployC4EFixture);
      await expect(minter.connect(admin).setPeriodMintCap(900n, 0n))
        .to.emit(minter, "PeriodMintCapSet")
        .withArgs(900n, 0n);
      expect(await minter.periodSeconds()).to.equal(900n);
      expect(await minter.periodMintCap()).to.equal(0n);
      await expect(minter.connect(oracle).mintBatch(BATCH, PERIOD + 900n, ROOT, [alice.address], [1n]))
        .to.be.revertedWithCustomError(minter, "PeriodMintCapExceeded")
        .withArgs(PERIOD + 900n, 1n, 0n);
      await expect(minter.connect(admin).setPeriodMintCap(0n, 1n)).to.be.revertedWithCustomError(
        minter,
        "ZeroPeriodSeconds",
      );
    });

    it("a cap manager other than the admin may set the cap once granted the role", async () => {
      const { minter, admin, carol } = await loadFixture(deployC4EFixture);
      await minter.connect(admin).grantRole(await minter.CAP_MANAGER_ROLE(), carol.address);
      await expect(minter.connect(carol).setPeriodMintCap(PERIOD_SECONDS, 1n)).to.emit(
        minter,
        "PeriodMintCapSet",
      );
    });

    shouldBeRestrictedToRole("CAP_MANAGER_ROLE", async () => {
      const { minter, oracle } = await loadFixture(deployC4EFixture);
      return {
        contract: minter,
        role: await minter.CAP_MANAGER_ROLE(),
        outsider: oracle, // the oracle cannot raise its own cap
        call: (as) => minter.connect(as).setPeriodMintCap(PERIOD_SECONDS, PERIOD_CAP * 2n),
      };
    });
  });
});
