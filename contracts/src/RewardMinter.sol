// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {C4EToken} from "./C4EToken.sol";

/// @title C4E reward minter
/// @author C4E
/// @notice Mints C4E rewards in batches, once per batch id, and records for each batch the Merkle root of
/// the meter readings the rewards were computed from, so anyone can verify a reading against it.
/// @dev Needs MINTER_ROLE on the token. Leaves follow @openzeppelin/merkle-tree's StandardMerkleTree with
/// types ["string", "string", "uint64", "uint256", "address"] =
/// (gatewayId, meterId, periodStart, exportWh, recipient).
contract RewardMinter is AccessControl {
    /// @notice Role allowed to mint batches (the oracle: the ingest service's key).
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    C4EToken private immutable _token;
    mapping(bytes32 batchId => bytes32 readingsRoot) private _batchRoots;

    /// @notice A batch was minted: `count` transfers totalling `total` base units.
    /// @param batchId Deterministic id of the batch (one mint per id).
    /// @param readingsRoot Merkle root of the readings the batch was computed from.
    /// @param count Number of recipients.
    /// @param total Sum of the minted amounts in base units.
    event RewardBatchMinted(bytes32 indexed batchId, bytes32 readingsRoot, uint256 count, uint256 total);

    /// @notice The batch id was already minted.
    /// @param batchId The reused batch id.
    error BatchAlreadyMinted(bytes32 batchId);
    /// @notice `recipients` and `amounts` differ in length.
    /// @param recipients Length of the recipients array.
    /// @param amounts Length of the amounts array.
    error LengthMismatch(uint256 recipients, uint256 amounts);
    /// @notice The batch has no recipients.
    error EmptyBatch();
    /// @notice The readings root is zero (it would make the batch unverifiable and look unminted).
    /// @param batchId The batch id submitted with the zero root.
    error ZeroReadingsRoot(bytes32 batchId);
    /// @notice The recipient at `index` is the zero address.
    /// @param index Position in the batch.
    error ZeroRecipient(uint256 index);
    /// @notice The amount at `index` is zero.
    /// @param index Position in the batch.
    error ZeroAmount(uint256 index);

    /// @notice Deploys the minter for `token_`.
    /// @param token_ The reward token; this contract must be granted its MINTER_ROLE.
    /// @param admin Account administering roles (DEFAULT_ADMIN_ROLE).
    /// @param minter Oracle account allowed to mint batches (MINTER_ROLE).
    constructor(C4EToken token_, address admin, address minter) {
        _token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, minter);
    }

    /// @notice Mints `amounts[i]` to `recipients[i]` for every i, once per `batchId`, and records
    /// `readingsRoot` for the batch.
    /// @dev Reverts with the token's `EnforcedPause()` while the token is paused.
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
        uint256 count = recipients.length;
        if (count != amounts.length) revert LengthMismatch(count, amounts.length);
        if (count == 0) revert EmptyBatch();
        if (readingsRoot == bytes32(0)) revert ZeroReadingsRoot(batchId);
        if (_batchRoots[batchId] != bytes32(0)) revert BatchAlreadyMinted(batchId);

        _batchRoots[batchId] = readingsRoot;

        uint256 total = 0;
        for (uint256 i = 0; i < count; ++i) {
            address recipient = recipients[i];
            uint256 amount = amounts[i];
            if (recipient == address(0)) revert ZeroRecipient(i);
            if (amount == 0) revert ZeroAmount(i);
            total += amount;
            _token.mint(recipient, amount);
        }
        emit RewardBatchMinted(batchId, readingsRoot, count, total);
    }

    /// @notice The reward token this contract mints.
    /// @return The C4EToken address.
    function token() external view returns (C4EToken) {
        return _token;
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
