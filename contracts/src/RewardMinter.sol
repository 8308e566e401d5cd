// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {C4EToken} from "./C4EToken.sol";
import {GreenCertificates} from "./GreenCertificates.sol";
import {IRewardBatchErrors} from "./IRewardBatchErrors.sol";

/// @title C4E reward minter
/// @author C4E
/// @notice Mints C4E rewards in batches, once per batch id, and records for each batch the Merkle root of
/// the meter readings the rewards were computed from, so anyone can verify a reading against it. Optionally
/// issues the batch's green certificates in the same transaction, and accepts batches signed by the oracle
/// (EIP-712) from any relayer.
/// @dev Needs MINTER_ROLE on the token and ISSUER_ROLE on the certificates. Leaves follow the
/// StandardMerkleTree of OpenZeppelin's merkle-tree library with types ["string", "string", "uint64", "uint256",
/// "address"] = (gatewayId, meterId, periodStart, exportWh, recipient). The EIP-712 domain is
/// ("C4E RewardMinter", "1", chain id, this contract); the single-use batch id prevents replays.
contract RewardMinter is AccessControl, EIP712, IRewardBatchErrors {
    /// @notice Role allowed to mint batches, and whose signatures attest batches (the oracle: ingest's key).
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice EIP-712 type of an attested batch; arrays are hashed as EIP-712 prescribes.
    bytes32 public constant REWARD_BATCH_TYPEHASH =
        // solhint-disable-next-line gas-small-strings
        keccak256(
            "RewardBatch(bytes32 batchId,bytes32 readingsRoot,address[] recipients,uint256[] amounts,uint256[] energyWh)"
        );

    C4EToken private immutable _token;
    GreenCertificates private immutable _certificates;
    mapping(bytes32 batchId => bytes32 readingsRoot) private _batchRoots;

    /// @notice A batch was minted: `count` transfers totalling `total` base units.
    /// @param batchId Deterministic id of the batch (one mint per id).
    /// @param readingsRoot Merkle root of the readings the batch was computed from.
    /// @param count Number of recipients.
    /// @param total Sum of the minted amounts in base units.
    event RewardBatchMinted(bytes32 indexed batchId, bytes32 readingsRoot, uint256 count, uint256 total);

    /// @notice A batch signed by `oracle` was submitted by `relayer`.
    /// @param batchId The batch id.
    /// @param oracle The signer (holds MINTER_ROLE).
    /// @param relayer The account that sent the transaction.
    event RewardBatchAttested(bytes32 indexed batchId, address indexed oracle, address indexed relayer);

    /// @notice The batch id was already minted.
    /// @param batchId The reused batch id.
    error BatchAlreadyMinted(bytes32 batchId);
    /// @notice The readings root is zero (it would make the batch unverifiable and look unminted).
    /// @param batchId The batch id submitted with the zero root.
    error ZeroReadingsRoot(bytes32 batchId);
    /// @notice The attestation was not signed by an account with MINTER_ROLE (wrong key, other chain or
    /// contract, or other batch contents).
    /// @param signer The address recovered from the signature.
    error InvalidAttestationSigner(address signer);

    /// @notice Deploys the minter for `token_` and `certificates_`.
    /// @param token_ The reward token; this contract must be granted its MINTER_ROLE.
    /// @param certificates_ The green certificates; this contract must be granted their ISSUER_ROLE.
    /// @param admin Account administering roles (DEFAULT_ADMIN_ROLE).
    /// @param minter Oracle account allowed to mint batches (MINTER_ROLE).
    constructor(
        C4EToken token_,
        GreenCertificates certificates_,
        address admin,
        address minter
    ) EIP712("C4E RewardMinter", "1") {
        _token = token_;
        _certificates = certificates_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, minter);
    }

    /// @notice Mints `amounts[i]` to `recipients[i]` for every i, once per `batchId`, and records
    /// `readingsRoot` for the batch. Issues no certificates.
    /// @dev Reverts with `ZeroReadingsRoot`, `BatchAlreadyMinted`, and the token's `LengthMismatch`,
    /// `EmptyBatch`, `ZeroRecipient(index)`, `ZeroAmount(index)`, `EnforcedPause()`.
    /// @param batchId Deterministic batch id; a used id reverts with `BatchAlreadyMinted`.
    /// @param readingsRoot Merkle root of the readings (StandardMerkleTree, see contract docs); not zero.
    /// @param recipients Reward recipients, none the zero address.
    /// @param amounts Amounts in base units, none zero, same length as `recipients`.
    function mintBatch(
        bytes32 batchId,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts
    ) external onlyRole(MINTER_ROLE) {
        _mintRewards(batchId, readingsRoot, recipients, amounts);
    }

    /// @notice Like `mintBatch`, and issues `energyWh[i]` green-certificate units (Wh) of id
    /// `uint256(batchId)` to `recipients[i]`.
    /// @dev Also reverts with the certificates' `LengthMismatch`, `ZeroAmount(index)` for the energy.
    /// @param batchId Deterministic batch id.
    /// @param readingsRoot Merkle root of the readings; not zero.
    /// @param recipients Reward recipients (= certificate holders).
    /// @param amounts Reward amounts in base units.
    /// @param energyWh Verified Wh per recipient, none zero.
    function mintBatchWithCertificates(
        bytes32 batchId,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256[] calldata energyWh
    ) external onlyRole(MINTER_ROLE) {
        _mintRewards(batchId, readingsRoot, recipients, amounts);
        _certificates.issueBatch(batchId, recipients, energyWh);
    }

    /// @notice Mints a batch with certificates, as `mintBatchWithCertificates`, on the EIP-712 signature of
    /// an account with MINTER_ROLE; anyone may submit it (a relayer pays the gas).
    /// @dev The signature binds the chain id and this contract (domain) and every argument; the batch id is
    /// single-use, so a replay reverts with `BatchAlreadyMinted`. Reverts with
    /// `InvalidAttestationSigner(signer)` and OpenZeppelin's `ECDSAInvalidSignature*` errors.
    /// @param batchId Deterministic batch id.
    /// @param readingsRoot Merkle root of the readings; not zero.
    /// @param recipients Reward recipients.
    /// @param amounts Reward amounts in base units.
    /// @param energyWh Verified Wh per recipient.
    /// @param signature The oracle's 65-byte signature of the `RewardBatch` typed data.
    function mintAttestedBatch(
        bytes32 batchId,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256[] calldata energyWh,
        bytes calldata signature
    ) external {
        address signer = ECDSA.recover(
            hashRewardBatch(batchId, readingsRoot, recipients, amounts, energyWh),
            signature
        );
        if (!hasRole(MINTER_ROLE, signer)) revert InvalidAttestationSigner(signer);
        _mintRewards(batchId, readingsRoot, recipients, amounts);
        emit RewardBatchAttested(batchId, signer, _msgSender());
        _certificates.issueBatch(batchId, recipients, energyWh);
    }

    /// @notice The EIP-712 digest the oracle signs for `mintAttestedBatch`.
    /// @param batchId Batch id.
    /// @param readingsRoot Readings root.
    /// @param recipients Recipients.
    /// @param amounts Amounts.
    /// @param energyWh Energy per recipient.
    /// @return The typed-data hash (domain: "C4E RewardMinter", "1", chain id, this contract).
    function hashRewardBatch(
        bytes32 batchId,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256[] calldata energyWh
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        REWARD_BATCH_TYPEHASH,
                        batchId,
                        readingsRoot,
                        keccak256(abi.encodePacked(recipients)),
                        keccak256(abi.encodePacked(amounts)),
                        keccak256(abi.encodePacked(energyWh))
                    )
                )
            );
    }

    /// @notice The reward token this contract mints.
    /// @return The C4EToken address.
    function token() external view returns (C4EToken) {
        return _token;
    }

    /// @notice The green certificates this contract issues.
    /// @return The GreenCertificates address.
    function certificates() external view returns (GreenCertificates) {
        return _certificates;
    }

    /// @notice Whether `batchId` was minted.
    /// @param batchId The batch id.
    /// @return True once the batch was minted.
    function isBatchMinted(bytes32 batchId) external view returns (bool) {
        return _batchRoots[batchId] != bytes32(0);
    }

    /// @notice The readings root recorded for `batchId`.
    /// @param batchId The batch id.
    /// @return The Merkle root, or zero if the batch was not minted.
    function batchRoot(bytes32 batchId) external view returns (bytes32) {
        return _batchRoots[batchId];
    }

    /// @notice Checks that a reading is part of the readings of a minted batch.
    /// @param batchId The batch id.
    /// @param gatewayId Gateway that reported the reading.
    /// @param meterId Meter of the reading.
    /// @param periodStart Start of the reading's period (unix seconds).
    /// @param exportWh Exported energy in Wh.
    /// @param recipient Account rewarded for the reading.
    /// @param proof StandardMerkleTree proof of the leaf.
    /// @return True if the proof is valid for the batch's root; false for an unknown batch.
    function verifyReading(
        bytes32 batchId,
        string calldata gatewayId,
        string calldata meterId,
        uint64 periodStart,
        uint256 exportWh,
        address recipient,
        bytes32[] calldata proof
    ) external view returns (bool) {
        bytes32 root = _batchRoots[batchId];
        if (root == bytes32(0)) return false;
        return MerkleProof.verifyCalldata(proof, root, _leaf(gatewayId, meterId, periodStart, exportWh, recipient));
    }

    /// @dev Records the batch, then mints through the token's batch mint (one call, one supply write).
    function _mintRewards(
        bytes32 batchId,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts
    ) private {
        if (readingsRoot == bytes32(0)) revert ZeroReadingsRoot(batchId);
        if (_batchRoots[batchId] != bytes32(0)) revert BatchAlreadyMinted(batchId);
        _batchRoots[batchId] = readingsRoot;
        uint256 total = _tokenMintBatch(recipients, amounts);
        emit RewardBatchMinted(batchId, readingsRoot, recipients.length, total);
    }

    /// @dev `_token.mintBatch(recipients, amounts)`, with the call data built by two `calldatacopy`s instead
    /// of the ABI encoder's per-element loop (about 190 gas per recipient less). Bubbles up the token's revert.
    function _tokenMintBatch(
        address[] calldata recipients,
        uint256[] calldata amounts
    ) private returns (uint256 total) {
        address token_ = address(_token);
        bytes4 selector = C4EToken.mintBatch.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let recipientBytes := shl(5, recipients.length)
            let amountBytes := shl(5, amounts.length)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), 0x40) // offset of recipients
            mstore(add(ptr, 0x24), add(0x60, recipientBytes)) // offset of amounts
            mstore(add(ptr, 0x44), recipients.length)
            calldatacopy(add(ptr, 0x64), recipients.offset, recipientBytes)
            let amountsAt := add(add(ptr, 0x64), recipientBytes)
            mstore(amountsAt, amounts.length)
            calldatacopy(add(amountsAt, 0x20), amounts.offset, amountBytes)
            let size := add(add(0x84, recipientBytes), amountBytes)
            if iszero(call(gas(), token_, 0, ptr, size, 0x00, 0x20)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 0x20) {
                revert(0, 0)
            }
            total := mload(0x00)
        }
    }

    /// @dev StandardMerkleTree leaf: double keccak256 of the ABI-encoded values (second-preimage safe).
    function _leaf(
        string calldata gatewayId,
        string calldata meterId,
        uint64 periodStart,
        uint256 exportWh,
        address recipient
    ) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(gatewayId, meterId, periodStart, exportWh, recipient))));
    }
}
