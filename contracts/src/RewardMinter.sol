// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
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
/// (EIP-712) from any relayer. Every batch belongs to a settlement period that has ended; the batches
/// (parts) of one period together mint at most `periodMintCap()`.
/// @dev Needs MINTER_ROLE on the token and ISSUER_ROLE on the certificates. Leaves follow the
/// StandardMerkleTree of OpenZeppelin's merkle-tree library with types ["string", "string", "uint64", "uint256",
/// "address"] = (gatewayId, meterId, periodStart, exportWh, recipient). The EIP-712 domain is
/// ("C4E RewardMinter", "1", chain id, this contract); the single-use batch id prevents replays and the
/// deadline bounds how long a signed batch stays valid. Roles: DEFAULT_ADMIN_ROLE (one holder, two-step
/// transfer after a delay: OpenZeppelin's AccessControlDefaultAdminRules) administers MINTER_ROLE (the
/// oracle) and CAP_MANAGER_ROLE (sets the period and the cap).
contract RewardMinter is AccessControlDefaultAdminRules, EIP712, IRewardBatchErrors {
    /// @notice Role allowed to mint batches, and whose signatures attest batches (the oracle: ingest's key).
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice Role allowed to set the settlement period length and the per-period mint cap.
    bytes32 public constant CAP_MANAGER_ROLE = keccak256("CAP_MANAGER_ROLE");

    /// @notice EIP-712 type of an attested batch; arrays are hashed as EIP-712 prescribes.
    bytes32 public constant REWARD_BATCH_TYPEHASH =
        // solhint-disable-next-line gas-small-strings
        keccak256(
            "RewardBatch(bytes32 batchId,uint64 periodStart,bytes32 readingsRoot,address[] recipients,uint256[] amounts,uint256[] energyWh,uint256 deadline)"
        );

    C4EToken private immutable _token;
    GreenCertificates private immutable _certificates;
    uint64 private _periodSeconds;
    uint256 private _periodMintCap;
    mapping(bytes32 batchId => bytes32 readingsRoot) private _batchRoots;
    mapping(uint64 periodStart => uint256 minted) private _periodMinted;

    /// @notice A batch was minted: `count` transfers totalling `total` base units.
    /// @param batchId Deterministic id of the batch (one mint per id).
    /// @param readingsRoot Merkle root of the readings the batch was computed from.
    /// @param count Number of recipients.
    /// @param total Sum of the minted amounts in base units.
    event RewardBatchMinted(bytes32 indexed batchId, bytes32 readingsRoot, uint256 count, uint256 total);

    /// @notice The batch `batchId` belongs to the period starting at `periodStart`, which has now minted
    /// `periodMinted` base units in total (this batch included). Emitted right after `RewardBatchMinted`.
    /// @param batchId The batch id.
    /// @param periodStart Start of the batch's settlement period (unix seconds).
    /// @param periodMinted Sum minted for the period so far, at most the cap.
    event RewardBatchPeriod(bytes32 indexed batchId, uint64 indexed periodStart, uint256 periodMinted);

    /// @notice A batch signed by `oracle` was submitted by `relayer`.
    /// @param batchId The batch id.
    /// @param oracle The signer (holds MINTER_ROLE).
    /// @param relayer The account that sent the transaction.
    event RewardBatchAttested(bytes32 indexed batchId, address indexed oracle, address indexed relayer);

    /// @notice The settlement period length and the mint cap per period were set.
    /// @param periodSeconds Length of a settlement period in seconds; periods start at multiples of it.
    /// @param cap Most base units all batches of one period may mint together.
    event PeriodMintCapSet(uint64 periodSeconds, uint256 cap);

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
    /// @notice The attestation's deadline has passed.
    /// @param deadline The signed deadline (unix seconds), before the current block's time.
    error AttestationExpired(uint256 deadline);
    /// @notice Minting the batch would take its period beyond the cap.
    /// @param periodStart The period.
    /// @param minted What the period's total would reach with this batch.
    /// @param cap The cap.
    error PeriodMintCapExceeded(uint64 periodStart, uint256 minted, uint256 cap);
    /// @notice `periodStart` is not a multiple of the period length.
    /// @param periodStart The refused period start.
    /// @param periodSeconds The period length.
    error PeriodNotAligned(uint64 periodStart, uint64 periodSeconds);
    /// @notice The period has not ended yet (`periodStart + periodSeconds` is after the block time).
    /// @param periodStart The period.
    error PeriodNotEnded(uint64 periodStart);
    /// @notice A period length of zero seconds.
    error ZeroPeriodSeconds();

    /// @notice Deploys the minter for `token_` and `certificates_`.
    /// @param token_ The reward token; this contract must be granted its MINTER_ROLE.
    /// @param certificates_ The green certificates; this contract must be granted their ISSUER_ROLE.
    /// @param admin Account administering roles (DEFAULT_ADMIN_ROLE); also gets CAP_MANAGER_ROLE.
    /// @param minter Oracle account allowed to mint batches (MINTER_ROLE).
    /// @param initialAdminDelay Seconds a new default admin must wait before accepting the role.
    /// @param periodSeconds_ Settlement period length in seconds (not zero); periods start at its multiples.
    /// @param periodMintCap_ Most base units the batches of one period may mint together.
    constructor(
        C4EToken token_,
        GreenCertificates certificates_,
        address admin,
        address minter,
        uint48 initialAdminDelay,
        uint64 periodSeconds_,
        uint256 periodMintCap_
    ) AccessControlDefaultAdminRules(initialAdminDelay, admin) EIP712("C4E RewardMinter", "1") {
        _token = token_;
        _certificates = certificates_;
        _grantRole(MINTER_ROLE, minter);
        _grantRole(CAP_MANAGER_ROLE, admin);
        _setPeriodMintCap(periodSeconds_, periodMintCap_);
    }

    /// @notice Mints `amounts[i]` to `recipients[i]` for every i, once per `batchId`, and records
    /// `readingsRoot` for the batch. Issues no certificates.
    /// @dev Reverts with `ZeroReadingsRoot`, `BatchAlreadyMinted`, `PeriodNotAligned`, `PeriodNotEnded`,
    /// `PeriodMintCapExceeded`, and the token's `LengthMismatch`, `EmptyBatch`, `ZeroRecipient(index)`,
    /// `ZeroAmount(index)`, `EnforcedPause()`.
    /// @param batchId Deterministic batch id; a used id reverts with `BatchAlreadyMinted`.
    /// @param periodStart Start (unix seconds) of the settlement period the batch rewards; aligned, ended.
    /// @param readingsRoot Merkle root of the readings (StandardMerkleTree, see contract docs); not zero.
    /// @param recipients Reward recipients, none the zero address.
    /// @param amounts Amounts in base units, none zero, same length as `recipients`.
    function mintBatch(
        bytes32 batchId,
        uint64 periodStart,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts
    ) external onlyRole(MINTER_ROLE) {
        _mintRewards(batchId, periodStart, readingsRoot, recipients, amounts);
    }

    /// @notice Like `mintBatch`, and issues `energyWh[i]` green-certificate units (Wh) of id
    /// `uint256(batchId)` to `recipients[i]` (held for a recipient with code, see `GreenCertificates`).
    /// @dev Also reverts with the certificates' `LengthMismatch`, `ZeroAmount(index)` for the energy.
    /// @param batchId Deterministic batch id.
    /// @param periodStart Start (unix seconds) of the settlement period; aligned, ended.
    /// @param readingsRoot Merkle root of the readings; not zero.
    /// @param recipients Reward recipients (= certificate holders).
    /// @param amounts Reward amounts in base units.
    /// @param energyWh Verified Wh per recipient, none zero.
    function mintBatchWithCertificates(
        bytes32 batchId,
        uint64 periodStart,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256[] calldata energyWh
    ) external onlyRole(MINTER_ROLE) {
        _mintRewards(batchId, periodStart, readingsRoot, recipients, amounts);
        _certificates.issueBatch(batchId, recipients, energyWh);
    }

    /// @notice Mints a batch with certificates, as `mintBatchWithCertificates`, on the EIP-712 signature of
    /// an account with MINTER_ROLE; anyone may submit it (a relayer pays the gas) until `deadline`.
    /// @dev The signature binds the chain id and this contract (domain) and every argument; the batch id is
    /// single-use, so a replay reverts with `BatchAlreadyMinted`. Reverts with `AttestationExpired(deadline)`
    /// once the block time is after `deadline`, `InvalidAttestationSigner(signer)` and OpenZeppelin's
    /// `ECDSAInvalidSignature*` errors, and everything `mintBatchWithCertificates` reverts with.
    /// @param batchId Deterministic batch id.
    /// @param periodStart Start (unix seconds) of the settlement period; aligned, ended.
    /// @param readingsRoot Merkle root of the readings; not zero.
    /// @param recipients Reward recipients.
    /// @param amounts Reward amounts in base units.
    /// @param energyWh Verified Wh per recipient.
    /// @param deadline Last second (unix, inclusive) the attestation may be submitted.
    /// @param signature The oracle's 65-byte signature of the `RewardBatch` typed data.
    function mintAttestedBatch(
        bytes32 batchId,
        uint64 periodStart,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256[] calldata energyWh,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (block.timestamp > deadline) revert AttestationExpired(deadline);
        address signer = ECDSA.recover(
            hashRewardBatch(batchId, periodStart, readingsRoot, recipients, amounts, energyWh, deadline),
            signature
        );
        if (!hasRole(MINTER_ROLE, signer)) revert InvalidAttestationSigner(signer);
        _mintRewards(batchId, periodStart, readingsRoot, recipients, amounts);
        emit RewardBatchAttested(batchId, signer, _msgSender());
        _certificates.issueBatch(batchId, recipients, energyWh);
    }

    /// @notice Sets the settlement period length and the most the batches of one period may mint together.
    /// @dev Emits `PeriodMintCapSet`. Sums already minted are kept per period start: a period start that is
    /// also a multiple of the new length keeps its sum. Reverts with `ZeroPeriodSeconds()`,
    /// `AccessControlUnauthorizedAccount` without CAP_MANAGER_ROLE.
    /// @param periodSeconds_ Period length in seconds, not zero.
    /// @param cap Cap per period in base units (zero stops minting).
    function setPeriodMintCap(uint64 periodSeconds_, uint256 cap) external onlyRole(CAP_MANAGER_ROLE) {
        _setPeriodMintCap(periodSeconds_, cap);
    }

    /// @notice The EIP-712 digest the oracle signs for `mintAttestedBatch`.
    /// @param batchId Batch id.
    /// @param periodStart Period start (unix seconds).
    /// @param readingsRoot Readings root.
    /// @param recipients Recipients.
    /// @param amounts Amounts.
    /// @param energyWh Energy per recipient.
    /// @param deadline Last second the attestation may be submitted.
    /// @return The typed-data hash (domain: "C4E RewardMinter", "1", chain id, this contract).
    function hashRewardBatch(
        bytes32 batchId,
        uint64 periodStart,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256[] calldata energyWh,
        uint256 deadline
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        REWARD_BATCH_TYPEHASH,
                        batchId,
                        periodStart,
                        readingsRoot,
                        keccak256(abi.encodePacked(recipients)),
                        keccak256(abi.encodePacked(amounts)),
                        keccak256(abi.encodePacked(energyWh)),
                        deadline
                    )
                )
            );
    }

    /// @notice Base units minted so far by the batches of the period starting at `periodStart`.
    /// @param periodStart Period start (unix seconds).
    /// @return The sum.
    function periodMinted(uint64 periodStart) external view returns (uint256) {
        return _periodMinted[periodStart];
    }

    /// @notice The most base units the batches of one period may mint together.
    /// @return The cap.
    function periodMintCap() external view returns (uint256) {
        return _periodMintCap;
    }

    /// @notice The settlement period length; a batch's period start must be a multiple of it.
    /// @return Seconds.
    function periodSeconds() external view returns (uint64) {
        return _periodSeconds;
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

    /// @dev Checks the period, records the batch, mints through the token's batch mint (one call, one supply
    /// write), then adds the total to the period's sum and checks it against the cap (the token returns the
    /// total, so the amounts are summed once).
    function _mintRewards(
        bytes32 batchId,
        uint64 periodStart,
        bytes32 readingsRoot,
        address[] calldata recipients,
        uint256[] calldata amounts
    ) private {
        if (readingsRoot == bytes32(0)) revert ZeroReadingsRoot(batchId);
        if (_batchRoots[batchId] != bytes32(0)) revert BatchAlreadyMinted(batchId);
        uint64 length = _periodSeconds;
        if (periodStart % length != 0) revert PeriodNotAligned(periodStart, length);
        if (uint256(periodStart) + length > block.timestamp) revert PeriodNotEnded(periodStart);
        _batchRoots[batchId] = readingsRoot;
        uint256 total = _tokenMintBatch(recipients, amounts);
        uint256 minted = _periodMinted[periodStart] + total;
        uint256 cap = _periodMintCap;
        if (minted > cap) revert PeriodMintCapExceeded(periodStart, minted, cap);
        _periodMinted[periodStart] = minted;
        emit RewardBatchMinted(batchId, readingsRoot, recipients.length, total);
        emit RewardBatchPeriod(batchId, periodStart, minted);
    }

    function _setPeriodMintCap(uint64 periodSeconds_, uint256 cap) private {
        if (periodSeconds_ == 0) revert ZeroPeriodSeconds();
        _periodSeconds = periodSeconds_;
        _periodMintCap = cap;
        emit PeriodMintCapSet(periodSeconds_, cap);
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
