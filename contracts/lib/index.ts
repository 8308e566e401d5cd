// Hand-written TypeScript API of the C4E contracts. ABIs and bytecode come from ../generated/contracts.ts,
// which `hardhat compile` generates from the artifacts.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  type Address,
  encodeAbiParameters,
  getAddress,
  type Hash,
  type Hex,
  keccak256,
  type PublicClient,
  parseAbiParameters,
  stringToHex,
  type TransactionReceipt,
  type WalletClient,
} from "viem";
import {
  c4ePerksAbi,
  c4ePerksBytecode,
  c4eTokenAbi,
  c4eTokenBytecode,
  greenCertificatesAbi,
  greenCertificatesBytecode,
  rewardMinterAbi,
  rewardMinterBytecode,
} from "../generated/contracts.ts";

export * from "../generated/contracts.ts";

/** Addresses (checksummed) and metadata of a C4E deployment. */
export type Deployment = {
  chainId: number;
  token: Address;
  rewardMinter: Address;
  /** GreenCertificates (ERC-1155, one id per reward batch, one unit per verified Wh). */
  greenCertificates: Address;
  /** C4EPerks (perks and their ERC-1155 energy coupons). */
  perks: Address;
  /** Block of the token deployment, the first contract deployed: indexers start here. */
  blockNumber: bigint;
  blockHash: Hex;
  /** Deployer: admin of every contract, the token's pauser, the perks' retailer (and a partner). */
  admin: Address;
  minter: Address;
};

export type DeployC4EParameters = {
  publicClient: PublicClient;
  /** Its account deploys the contracts and becomes their admin (and the token's pauser, the retailer). */
  walletClient: WalletClient;
  /** Oracle account allowed to call `RewardMinter.mintBatch*` and to sign attested batches. */
  minter: Address;
  /** ERC-1155 metadata URI template of the certificates (default `c4e://certificates/{id}`). */
  certificatesUri?: string;
  /** ERC-1155 metadata URI template of the coupons (default `c4e://coupons/{id}`). */
  couponsUri?: string;
  /**
   * Seconds a new default admin of every contract must wait before accepting the role
   * (AccessControlDefaultAdminRules; default 172800 = 2 days).
   */
  adminDelaySeconds?: number;
  /** Settlement period length in seconds (`RewardMinter.periodSeconds`); batch periods start at its multiples. */
  periodSeconds: number;
  /** Most base units the batches of one period may mint together (`RewardMinter.periodMintCap`). */
  periodMintCap: bigint;
};

/** Default delay before a new default admin may accept the role: two days. */
export const DEFAULT_ADMIN_DELAY_SECONDS = 172_800;

/**
 * Deploys C4EToken(admin = deployer, delay), GreenCertificates(admin, delay), RewardMinter(token,
 * certificates, admin, minter, delay, periodSeconds, periodMintCap) and C4EPerks(token, admin, delay), then
 * grants the RewardMinter MINTER_ROLE on the token and ISSUER_ROLE on the certificates. Waits for every
 * receipt; throws if one reverted (or, before sending anything, on an invalid delay, period or cap).
 */
export async function deployC4E(params: DeployC4EParameters): Promise<Deployment> {
  const { publicClient, walletClient, minter, periodSeconds, periodMintCap } = params;
  const adminDelay = params.adminDelaySeconds ?? DEFAULT_ADMIN_DELAY_SECONDS;
  if (!Number.isSafeInteger(adminDelay) || adminDelay < 0 || adminDelay >= 2 ** 48) {
    throw new RangeError(`deployC4E: adminDelaySeconds must be a uint48, got ${adminDelay}`);
  }
  if (!Number.isSafeInteger(periodSeconds) || periodSeconds <= 0) {
    throw new RangeError(`deployC4E: periodSeconds must be a positive integer, got ${periodSeconds}`);
  }
  if (periodMintCap < 0n || periodMintCap >= 2n ** 256n) {
    throw new RangeError(`deployC4E: periodMintCap must be a uint256, got ${periodMintCap}`);
  }
  const account = walletClient.account;
  if (account === undefined) throw new Error("deployC4E: walletClient has no account");
  const admin = account.address;
  const chain = walletClient.chain;

  const tokenReceipt = await confirm(
    publicClient,
    await walletClient.deployContract({
      abi: c4eTokenAbi,
      bytecode: c4eTokenBytecode,
      args: [admin, adminDelay],
      account,
      chain,
    }),
  );
  const token = deployedAddress(tokenReceipt, "C4EToken");

  const greenCertificates = deployedAddress(
    await confirm(
      publicClient,
      await walletClient.deployContract({
        abi: greenCertificatesAbi,
        bytecode: greenCertificatesBytecode,
        args: [admin, adminDelay, params.certificatesUri ?? "c4e://certificates/{id}"],
        account,
        chain,
      }),
    ),
    "GreenCertificates",
  );

  const rewardMinter = deployedAddress(
    await confirm(
      publicClient,
      await walletClient.deployContract({
        abi: rewardMinterAbi,
        bytecode: rewardMinterBytecode,
        args: [token, greenCertificates, admin, minter, adminDelay, BigInt(periodSeconds), periodMintCap],
        account,
        chain,
      }),
    ),
    "RewardMinter",
  );

  const perks = deployedAddress(
    await confirm(
      publicClient,
      await walletClient.deployContract({
        abi: c4ePerksAbi,
        bytecode: c4ePerksBytecode,
        args: [token, admin, adminDelay, params.couponsUri ?? "c4e://coupons/{id}"],
        account,
        chain,
      }),
    ),
    "C4EPerks",
  );

  const minterRole = await publicClient.readContract({
    address: token,
    abi: c4eTokenAbi,
    functionName: "MINTER_ROLE",
  });
  await confirm(
    publicClient,
    await walletClient.writeContract({
      address: token,
      abi: c4eTokenAbi,
      functionName: "grantRole",
      args: [minterRole, rewardMinter],
      account,
      chain,
    }),
  );
  const issuerRole = await publicClient.readContract({
    address: greenCertificates,
    abi: greenCertificatesAbi,
    functionName: "ISSUER_ROLE",
  });
  await confirm(
    publicClient,
    await walletClient.writeContract({
      address: greenCertificates,
      abi: greenCertificatesAbi,
      functionName: "grantRole",
      args: [issuerRole, rewardMinter],
      account,
      chain,
    }),
  );

  return {
    chainId: await publicClient.getChainId(),
    token,
    rewardMinter,
    greenCertificates,
    perks,
    blockNumber: tokenReceipt.blockNumber,
    blockHash: tokenReceipt.blockHash,
    admin,
    minter,
  };
}

async function confirm(publicClient: PublicClient, hash: Hash): Promise<TransactionReceipt> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`deployC4E: transaction ${hash} reverted`);
  return receipt;
}

function deployedAddress(receipt: TransactionReceipt, name: string): Address {
  if (receipt.contractAddress == null) {
    throw new Error(`deployC4E: no contract address in the ${name} deployment receipt`);
  }
  return getAddress(receipt.contractAddress);
}

/** One reading behind a reward batch; a leaf of the batch's readings tree. */
export type RewardLeaf = {
  gatewayId: string;
  meterId: string;
  /** Start of the reading's period, unix seconds (uint64). */
  periodStart: bigint;
  /** Exported energy in Wh (uint256). */
  exportWh: bigint;
  recipient: Address;
};

/**
 * Solidity types of a leaf, in order: (gatewayId, meterId, periodStart, exportWh, recipient).
 * The single definition shared by the tree, `rewardLeaf` and `RewardMinter.verifyReading`.
 */
export const rewardLeafTypes = ["string", "string", "uint64", "uint256", "address"] as const;

type RewardLeafValues = [string, string, bigint, bigint, Address];

function leafValues(leaf: RewardLeaf): RewardLeafValues {
  return [leaf.gatewayId, leaf.meterId, leaf.periodStart, leaf.exportWh, leaf.recipient];
}

/**
 * The leaf hash `RewardMinter.verifyReading` computes for a reading:
 * keccak256(bytes.concat(keccak256(abi.encode(gatewayId, meterId, periodStart, exportWh, recipient)))).
 */
export function rewardLeaf(leaf: RewardLeaf): Hex {
  const encoded = encodeAbiParameters(parseAbiParameters(rewardLeafTypes.join(",")), leafValues(leaf));
  return keccak256(keccak256(encoded));
}

/** A batch's readings tree: its root (for `mintBatch`) and a proof per input leaf. */
export type RewardTree = {
  root: Hex;
  /** Proof for `leaves[index]` (index into the array given to `buildRewardTree`). */
  proof(index: number): Hex[];
};

/**
 * Builds the readings tree of a batch with @openzeppelin/merkle-tree's StandardMerkleTree
 * (sorted leaves, sorted pairs), as `RewardMinter.verifyReading` expects.
 * Throws on an empty list: a batch without readings has no meaningful root, and the contract
 * refuses both empty batches and a zero root.
 * @example const tree = buildRewardTree(readings); await minter.write.mintBatch([id, tree.root, to, amounts]);
 */
export function buildRewardTree(leaves: readonly RewardLeaf[]): RewardTree {
  if (leaves.length === 0) throw new RangeError("buildRewardTree: a reward tree needs at least one leaf");
  const tree = StandardMerkleTree.of(leaves.map(leafValues), [...rewardLeafTypes]);
  return {
    root: tree.root as Hex,
    proof: (index) => tree.getProof(index) as Hex[],
  };
}

/**
 * Deterministic batch id of part `part` of a period's rewards: part 0 is keccak256 of
 * `c4e-reward:${policyVersion}:${periodStartIso}` (the id of a period minted in one batch), part n ≥ 1 is
 * keccak256 of `c4e-reward:${policyVersion}:${periodStartIso}:part-${n}`.
 * `periodStartIso` must be canonical (`Date.prototype.toISOString()` form, e.g. "2026-11-01T00:00:00.000Z"),
 * so the same period cannot yield two ids and be minted twice.
 * @example batchIdFor("2026-11-01T00:00:00.000Z", "v1") // part 0
 * @example batchIdFor("2026-11-01T00:00:00.000Z", "v1", 2) // the period's third batch
 */
export function batchIdFor(periodStartIso: string, policyVersion: string, part = 0): Hex {
  const date = new Date(periodStartIso);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== periodStartIso) {
    throw new RangeError(`batchIdFor: not a canonical ISO instant (toISOString form): ${periodStartIso}`);
  }
  if (policyVersion === "") throw new RangeError("batchIdFor: empty policyVersion");
  if (!Number.isSafeInteger(part) || part < 0) {
    throw new RangeError(`batchIdFor: part must be a non-negative safe integer, got ${part}`);
  }
  const base = `c4e-reward:${policyVersion}:${periodStartIso}`;
  return keccak256(stringToHex(part === 0 ? base : `${base}:part-${part}`));
}

/** The green-certificate id of a reward batch: `uint256(batchId)` (`GreenCertificates.certificateId`). */
export function certificateIdFor(batchId: Hex): bigint {
  return BigInt(batchId);
}

/** A batch the oracle signs so that any relayer can submit it (`RewardMinter.mintAttestedBatch`). */
export type RewardBatchAttestation = {
  batchId: Hex;
  /** Start of the batch's settlement period, unix seconds (uint64); a multiple of the period length. */
  periodStart: bigint;
  readingsRoot: Hex;
  recipients: readonly Address[];
  /** Reward amounts in base units. */
  amounts: readonly bigint[];
  /** Verified Wh per recipient (certificate units). */
  energyWh: readonly bigint[];
  /** Last second (unix, inclusive) a relayer may submit the batch; later it reverts with AttestationExpired. */
  deadline: bigint;
};

/**
 * The EIP-712 type of an attested batch, field by field, as `RewardMinter.REWARD_BATCH_TYPEHASH` spells it:
 * `RewardBatch(bytes32 batchId,uint64 periodStart,bytes32 readingsRoot,address[] recipients,uint256[] amounts,
 * uint256[] energyWh,uint256 deadline)`.
 */
export const rewardBatchTypes = {
  RewardBatch: [
    { name: "batchId", type: "bytes32" },
    { name: "periodStart", type: "uint64" },
    { name: "readingsRoot", type: "bytes32" },
    { name: "recipients", type: "address[]" },
    { name: "amounts", type: "uint256[]" },
    { name: "energyWh", type: "uint256[]" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/**
 * The arguments of `RewardMinter.mintAttestedBatch` for a signed batch, in order.
 * @example await relayer.writeContract({ address, abi: rewardMinterAbi, functionName: "mintAttestedBatch",
 *   args: mintAttestedBatchArgs(batch, signature) })
 */
export function mintAttestedBatchArgs(batch: RewardBatchAttestation, signature: Hex) {
  return [
    batch.batchId,
    batch.periodStart,
    batch.readingsRoot,
    [...batch.recipients],
    [...batch.amounts],
    [...batch.energyWh],
    batch.deadline,
    signature,
  ] as const;
}

/**
 * EIP-712 typed data of an attested batch, for viem's `signTypedData`: domain ("C4E RewardMinter", "1",
 * chainId, rewardMinter), primary type `RewardBatch`.
 * @example const signature = await oracle.signTypedData(rewardBatchTypedData({ chainId, rewardMinter, batch }));
 */
export function rewardBatchTypedData(params: {
  chainId: number;
  rewardMinter: Address;
  batch: RewardBatchAttestation;
}) {
  const { batch } = params;
  return {
    domain: {
      name: "C4E RewardMinter",
      version: "1",
      chainId: params.chainId,
      verifyingContract: params.rewardMinter,
    },
    types: rewardBatchTypes,
    primaryType: "RewardBatch",
    message: {
      batchId: batch.batchId,
      periodStart: batch.periodStart,
      readingsRoot: batch.readingsRoot,
      recipients: [...batch.recipients],
      amounts: [...batch.amounts],
      energyWh: [...batch.energyWh],
      deadline: batch.deadline,
    },
  } as const;
}

/**
 * EIP-2612 typed data of a C4E permit (domain "C4E Reward Token", "1"), e.g. for
 * `C4EPerks.redeemWithPermit`: sign it with the owner's wallet, split the signature with viem's
 * `parseSignature`.
 */
export function permitTypedData(params: {
  chainId: number;
  token: Address;
  owner: Address;
  spender: Address;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
}) {
  return {
    domain: {
      name: "C4E Reward Token",
      version: "1",
      chainId: params.chainId,
      verifyingContract: params.token,
    },
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: {
      owner: params.owner,
      spender: params.spender,
      value: params.value,
      nonce: params.nonce,
      deadline: params.deadline,
    },
  } as const;
}
