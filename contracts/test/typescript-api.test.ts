import "@nomicfoundation/hardhat-chai-matchers";
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { artifacts, ethers, network } from "hardhat";
import { type Address, createPublicClient, createWalletClient, custom, getAddress, parseAbi } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { loadC4E } from "./helpers/c4e";

const PERIOD_SECONDS = 3_600;
const PERIOD_CAP = 10n ** 24n; // one million C4E
const PERIOD_START = 1_793_491_200n; // 2026-11-01T00:00Z

describe("TypeScript API (@c4e/contracts)", () => {
  describe("generated/contracts.ts", () => {
    // `hardhat compile` regenerates the file; this fails when the committed copy drifts from the build.
    for (const [name, prefix] of [
      ["C4EToken", "c4eToken"],
      ["RewardMinter", "rewardMinter"],
      ["GreenCertificates", "greenCertificates"],
      ["C4EPerks", "c4ePerks"],
    ] as const) {
      it(`has the current ABI and bytecode of ${name}`, async () => {
        const generated = loadC4E() as unknown as Record<string, unknown>;
        const artifact = await artifacts.readArtifact(name);
        expect(generated[`${prefix}Abi`]).to.deep.equal(artifact.abi);
        expect(generated[`${prefix}Bytecode`]).to.equal(artifact.bytecode);
      });
    }

    it("is an ES module package", () => {
      const file = path.join(__dirname, "..", "generated", "package.json");
      expect(JSON.parse(readFileSync(file, "utf8"))).to.deep.equal({ type: "module" });
    });
  });

  describe("deployC4E (viem on the in-process Hardhat network)", () => {
    async function viemDeployFixture() {
      const [deployer, oracle, alice] = await ethers.getSigners();
      if (!deployer || !oracle || !alice) throw new Error("not enough signers");
      const transport = custom(network.provider);
      const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 10 });
      const walletClient = (account: string) =>
        createWalletClient({ account: account as Address, chain: hardhat, transport, pollingInterval: 10 });
      const { deployC4E } = loadC4E();
      const deployment = await deployC4E({
        publicClient,
        walletClient: walletClient(deployer.address),
        minter: oracle.address as Address,
        periodSeconds: PERIOD_SECONDS,
        periodMintCap: PERIOD_CAP,
      });
      return { deployment, publicClient, walletClient, deployer, oracle, alice };
    }

    it("returns the deployment: chain, addresses, roles holders and the token's block", async () => {
      const { deployment, publicClient, deployer, oracle } = await loadFixture(viemDeployFixture);
      expect(deployment.chainId).to.equal(31337);
      expect(deployment.admin).to.equal(getAddress(deployer.address));
      expect(deployment.minter).to.equal(getAddress(oracle.address));
      const block = await publicClient.getBlock({ blockNumber: deployment.blockNumber });
      expect(deployment.blockHash).to.equal(block.hash);
      const tokenCode = await publicClient.getCode({
        address: deployment.token,
        blockNumber: deployment.blockNumber,
      });
      expect(tokenCode).to.not.equal(undefined);
      const before = await publicClient.getCode({
        address: deployment.token,
        blockNumber: deployment.blockNumber - 1n,
      });
      expect(before).to.equal(undefined);
    });

    it("wires the contracts: the minter mints a batch with certificates; the perks use the token", async () => {
      const { deployment, publicClient, walletClient, oracle, alice, deployer } =
        await loadFixture(viemDeployFixture);
      const {
        c4eTokenAbi,
        rewardMinterAbi,
        greenCertificatesAbi,
        c4ePerksAbi,
        batchIdFor,
        buildRewardTree,
        certificateIdFor,
      } = loadC4E();
      const token = { address: deployment.token, abi: c4eTokenAbi } as const;
      const minter = { address: deployment.rewardMinter, abi: rewardMinterAbi } as const;

      const minterRole = await publicClient.readContract({ ...token, functionName: "MINTER_ROLE" });
      expect(
        await publicClient.readContract({
          ...token,
          functionName: "hasRole",
          args: [minterRole, minter.address],
        }),
      ).to.equal(true);
      expect(await publicClient.readContract({ ...minter, functionName: "token" })).to.equal(
        deployment.token,
      );

      const recipient = alice.address as Address;
      const tree = buildRewardTree([
        { gatewayId: "gw-1", meterId: "m-1", periodStart: 1n, exportWh: 500n, recipient },
      ]);
      const batchId = batchIdFor("2026-11-01T00:00:00.000Z", "v1");
      const hash = await walletClient(oracle.address).writeContract({
        ...minter,
        functionName: "mintBatchWithCertificates",
        args: [batchId, PERIOD_START, tree.root, [recipient], [500n], [7n]],
      });
      expect((await publicClient.waitForTransactionReceipt({ hash })).status).to.equal("success");
      expect(
        await publicClient.readContract({ ...token, functionName: "balanceOf", args: [recipient] }),
      ).to.equal(500n);
      expect(
        await publicClient.readContract({ ...minter, functionName: "batchRoot", args: [batchId] }),
      ).to.equal(tree.root);
      expect(await publicClient.readContract({ ...minter, functionName: "certificates" })).to.equal(
        deployment.greenCertificates,
      );
      expect(
        await publicClient.readContract({
          address: deployment.greenCertificates,
          abi: greenCertificatesAbi,
          functionName: "balanceOf",
          args: [recipient, certificateIdFor(batchId)],
        }),
      ).to.equal(7n);
      expect(await publicClient.readContract({ ...minter, functionName: "periodSeconds" })).to.equal(
        BigInt(PERIOD_SECONDS),
      );
      expect(await publicClient.readContract({ ...minter, functionName: "periodMintCap" })).to.equal(
        PERIOD_CAP,
      );
      expect(
        await publicClient.readContract({ ...minter, functionName: "periodMinted", args: [PERIOD_START] }),
      ).to.equal(500n);
      const perks = { address: deployment.perks, abi: c4ePerksAbi } as const;
      expect(await publicClient.readContract({ ...perks, functionName: "token" })).to.equal(deployment.token);
      const retailer = await publicClient.readContract({ ...perks, functionName: "RETAILER_ROLE" });
      expect(
        await publicClient.readContract({
          ...perks,
          functionName: "hasRole",
          args: [retailer, deployer.address as Address],
        }),
      ).to.equal(true);
    });

    it("puts every contract's default admin behind the delay (two days unless adminDelaySeconds says otherwise)", async () => {
      const { deployment, publicClient, deployer } = await loadFixture(viemDeployFixture);
      const { rewardMinterAbi, DEFAULT_ADMIN_DELAY_SECONDS } = loadC4E();
      expect(DEFAULT_ADMIN_DELAY_SECONDS).to.equal(172_800);
      const abi = parseAbi([
        "function defaultAdmin() view returns (address)",
        "function defaultAdminDelay() view returns (uint48)",
      ]);
      for (const address of [
        deployment.token,
        deployment.rewardMinter,
        deployment.greenCertificates,
        deployment.perks,
      ]) {
        const contract = { address, abi } as const;
        expect(await publicClient.readContract({ ...contract, functionName: "defaultAdminDelay" })).to.equal(
          172_800,
        );
        expect(await publicClient.readContract({ ...contract, functionName: "defaultAdmin" })).to.equal(
          getAddress(deployer.address),
        );
      }
      const capManager = await publicClient.readContract({
        address: deployment.rewardMinter,
        abi: rewardMinterAbi,
        functionName: "CAP_MANAGER_ROLE",
      });
      expect(
        await publicClient.readContract({
          address: deployment.rewardMinter,
          abi: rewardMinterAbi,
          functionName: "hasRole",
          args: [capManager, deployment.admin],
        }),
      ).to.equal(true);
    });

    it("passes adminDelaySeconds and refuses an invalid delay, period or cap before sending anything", async () => {
      const [deployer, oracle] = await ethers.getSigners();
      const transport = custom(network.provider);
      const { deployC4E, rewardMinterAbi } = loadC4E();
      const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 10 });
      const walletClient = createWalletClient({
        account: deployer?.address as Address,
        chain: hardhat,
        transport,
        pollingInterval: 10,
      });
      const base = { publicClient, walletClient, minter: oracle?.address as Address };
      const deployment = await deployC4E({
        ...base,
        adminDelaySeconds: 0,
        periodSeconds: 900,
        periodMintCap: 5n,
      });
      const minter = { address: deployment.rewardMinter, abi: rewardMinterAbi } as const;
      expect(await publicClient.readContract({ ...minter, functionName: "defaultAdminDelay" })).to.equal(0);
      expect(await publicClient.readContract({ ...minter, functionName: "periodSeconds" })).to.equal(900n);
      expect(await publicClient.readContract({ ...minter, functionName: "periodMintCap" })).to.equal(5n);

      const nonce = await publicClient.getTransactionCount({ address: deployer?.address as Address });
      for (const bad of [
        { adminDelaySeconds: -1, periodSeconds: 900, periodMintCap: 1n },
        { adminDelaySeconds: 2 ** 48, periodSeconds: 900, periodMintCap: 1n },
        { periodSeconds: 0, periodMintCap: 1n },
        { periodSeconds: 1.5, periodMintCap: 1n },
        { periodSeconds: 900, periodMintCap: -1n },
        { periodSeconds: 900, periodMintCap: 2n ** 256n },
      ]) {
        let error: unknown;
        try {
          await deployC4E({ ...base, ...bad });
        } catch (e) {
          error = e;
        }
        expect(
          error,
          JSON.stringify(bad, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
        ).to.be.instanceOf(RangeError);
      }
      expect(await publicClient.getTransactionCount({ address: deployer?.address as Address })).to.equal(
        nonce,
      );
    });

    it("deploys with a local (private-key) account, as the services do", async () => {
      const [, oracle] = await ethers.getSigners();
      const account = privateKeyToAccount(generatePrivateKey());
      await network.provider.request({
        method: "hardhat_setBalance",
        params: [account.address, "0xde0b6b3a7640000"],
      });
      const transport = custom(network.provider);
      const { deployC4E } = loadC4E();
      const deployment = await deployC4E({
        publicClient: createPublicClient({ chain: hardhat, transport, pollingInterval: 10 }),
        walletClient: createWalletClient({ account, chain: hardhat, transport, pollingInterval: 10 }),
        minter: oracle?.address as Address,
        periodSeconds: PERIOD_SECONDS,
        periodMintCap: PERIOD_CAP,
      });
      expect(deployment.admin).to.equal(account.address);
    });

    it("refuses a wallet client without an account", async () => {
      const [, oracle] = await ethers.getSigners();
      const transport = custom(network.provider);
      const { deployC4E } = loadC4E();
      let error: unknown;
      try {
        await deployC4E({
          publicClient: createPublicClient({ chain: hardhat, transport }),
          walletClient: createWalletClient({ chain: hardhat, transport }),
          minter: oracle?.address as Address,
          periodSeconds: PERIOD_SECONDS,
          periodMintCap: PERIOD_CAP,
        });
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.contain("walletClient has no account");
    });
  });

  describe("batchIdFor", () => {
    it("is keccak256 of c4e-reward:<policy>:<periodStartIso>, deterministic", () => {
      const { batchIdFor } = loadC4E();
      const id = batchIdFor("2026-11-01T00:00:00.000Z", "v1");
      expect(id).to.equal(ethers.id("c4e-reward:v1:2026-11-01T00:00:00.000Z"));
      expect(batchIdFor("2026-11-01T00:00:00.000Z", "v1")).to.equal(id);
    });

    it("differs per period and per policy version", () => {
      const { batchIdFor } = loadC4E();
      const id = batchIdFor("2026-11-01T00:00:00.000Z", "v1");
      expect(batchIdFor("2026-11-01T00:15:00.000Z", "v1")).to.not.equal(id);
      expect(batchIdFor("2026-11-01T00:00:00.000Z", "v2")).to.not.equal(id);
    });

    it("part 0 is the period's id; part n ≥ 1 appends :part-n", () => {
      const { batchIdFor } = loadC4E();
      const iso = "2026-11-01T00:00:00.000Z";
      expect(batchIdFor(iso, "v1", 0)).to.equal(batchIdFor(iso, "v1"));
      expect(batchIdFor(iso, "v1", 1)).to.equal(ethers.id(`c4e-reward:v1:${iso}:part-1`));
      expect(batchIdFor(iso, "v1", 12)).to.equal(ethers.id(`c4e-reward:v1:${iso}:part-12`));
      const ids = new Set([0, 1, 2, 3].map((part) => batchIdFor(iso, "v1", part)));
      expect(ids.size).to.equal(4);
    });

    it("refuses a part that is not a non-negative safe integer", () => {
      const { batchIdFor } = loadC4E();
      for (const part of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
        expect(() => batchIdFor("2026-11-01T00:00:00.000Z", "v1", part), String(part)).to.throw(RangeError);
      }
    });

    it("refuses non-canonical instants (same period, other spelling) and an empty policy", () => {
      const { batchIdFor } = loadC4E();
      for (const iso of ["2026-11-01T00:00:00Z", "2026-11-01", "2026-11-01T01:00:00.000+01:00", "nope"]) {
        expect(() => batchIdFor(iso, "v1"), iso).to.throw(RangeError);
      }
      expect(() => batchIdFor("2026-11-01T00:00:00.000Z", "")).to.throw(RangeError);
    });
  });

  describe("buildRewardTree / rewardLeaf", () => {
    const leaf = {
      gatewayId: "gw-1",
      meterId: "m-1",
      periodStart: 1_793_491_200n,
      exportWh: 1_250n,
      recipient: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    } as const;

    it("refuses an empty list", () => {
      const { buildRewardTree } = loadC4E();
      expect(() => buildRewardTree([])).to.throw(RangeError);
    });

    it("rewardLeaf is the double keccak of the ABI-encoded leaf (independent ethers encoding)", () => {
      const { rewardLeaf, rewardLeafTypes } = loadC4E();
      const encoded = ethers.AbiCoder.defaultAbiCoder().encode(
        [...rewardLeafTypes],
        [leaf.gatewayId, leaf.meterId, leaf.periodStart, leaf.exportWh, leaf.recipient],
      );
      expect(rewardLeaf(leaf)).to.equal(ethers.keccak256(ethers.keccak256(encoded)));
    });

    it("does not depend on the recipient's address casing", () => {
      const { buildRewardTree } = loadC4E();
      const lower = { ...leaf, recipient: leaf.recipient.toLowerCase() as Address };
      expect(buildRewardTree([lower]).root).to.equal(buildRewardTree([leaf]).root);
    });
  });
});
