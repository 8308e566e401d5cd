// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {IRewardBatchErrors} from "./IRewardBatchErrors.sol";

/// @title C4E green certificates
/// @author C4E
/// @notice ERC-1155 certificates of verified green-energy production, in the spirit of ERC-1888: issued
/// with a reward batch, transferable, and claimed (retired) for a named beneficiary. One token id per
/// reward batch (= settlement period): `id = uint256(batchId)`. One unit = one verified Wh, so the units
/// issued for a batch equal the batch's verified energy exactly (1000 units = 1 kWh, no rounding).
/// @dev Claiming burns the units and books them as claimed for the holder; claimed balances stay
/// queryable with `claimedBalanceOf`. A batch never calls into a holder: units of a holder with code (a
/// contract, or an EIP-7702-delegated account) are held as pending, and the holder collects them with
/// `collectCertificates`, which runs the ERC-1155 acceptance check. So a holder that cannot (or will not)
/// receive ERC-1155 tokens cannot block a reward batch. DEFAULT_ADMIN_ROLE follows OpenZeppelin's
/// AccessControlDefaultAdminRules (one holder, two-step transfer after a delay).
contract GreenCertificates is ERC1155, AccessControlDefaultAdminRules, IRewardBatchErrors {
    /// @notice Role allowed to issue certificates (the RewardMinter).
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");

    mapping(uint256 id => uint256 energyWh) private _issuedWh;
    mapping(uint256 id => uint256 energyWh) private _claimedWh;
    mapping(address account => mapping(uint256 id => uint256 energyWh)) private _claimedBalances;
    mapping(address holder => mapping(uint256 id => uint256 energyWh)) private _pending;

    /// @notice Certificates of a batch were issued: `holders` mints totalling `totalWh` units of `id`.
    /// @param id Certificate id (`uint256(batchId)`).
    /// @param holders Number of holders in the batch (one TransferSingle each).
    /// @param totalWh Units issued (verified Wh).
    event CertificatesIssued(uint256 indexed id, uint256 holders, uint256 totalWh);

    /// @notice `energyWh` units of `id` held by `holder` were claimed (retired) for `beneficiary`.
    /// @param holder Account whose units were burned.
    /// @param id Certificate id.
    /// @param energyWh Units claimed (Wh).
    /// @param beneficiary Name of the beneficiary of the claim (who may report the green energy).
    event CertificatesClaimed(address indexed holder, uint256 indexed id, uint256 energyWh, string beneficiary);

    /// @notice `energyWh` units of `id` issued to `holder`, an account with code, are held for it until it
    /// collects them (`collectCertificates`).
    /// @param holder The holder the units are credited to.
    /// @param id Certificate id.
    /// @param energyWh Units held (Wh).
    event CertificatesHeld(address indexed holder, uint256 indexed id, uint256 energyWh);

    /// @notice `holder` collected its held units of `id` to `to`.
    /// @param holder The holder the units were held for.
    /// @param id Certificate id.
    /// @param to The account that received them.
    /// @param energyWh Units collected (Wh).
    event CertificatesCollected(address indexed holder, uint256 indexed id, address indexed to, uint256 energyWh);

    /// @notice Certificates for `id` were already issued (one issue per batch).
    /// @param id The certificate id.
    error CertificatesAlreadyIssued(uint256 id);
    /// @notice A claim of zero units.
    /// @param id The certificate id.
    error ZeroClaim(uint256 id);
    /// @notice A claim without a beneficiary name.
    /// @param id The certificate id.
    error EmptyBeneficiary(uint256 id);
    /// @notice No units of `id` are held for `holder`.
    /// @param holder The caller.
    /// @param id The certificate id.
    error NoPendingCertificates(address holder, uint256 id);

    /// @notice Deploys the certificates and grants `admin` DEFAULT_ADMIN_ROLE.
    /// @param admin Account administering roles; grants ISSUER_ROLE to the RewardMinter.
    /// @param initialAdminDelay Seconds a new default admin must wait before accepting the role.
    /// @param uri_ ERC-1155 metadata URI template (`{id}` substituted by clients).
    constructor(
        address admin,
        uint48 initialAdminDelay,
        string memory uri_
    ) ERC1155(uri_) AccessControlDefaultAdminRules(initialAdminDelay, admin) {}

    /// @notice Issues `energyWh[i]` units of certificate `uint256(batchId)` to `holders[i]` for every i.
    /// A holder with code (a contract, or an EIP-7702-delegated account) is not called: its units are held
    /// for it (`pendingCertificates`, `CertificatesHeld`) until it calls `collectCertificates`.
    /// @dev Emits one `TransferSingle` (holder without code) or `CertificatesHeld` (holder with code) per
    /// holder, then `CertificatesIssued`; `issuedEnergyWh` counts both. Calls no external code, so no holder
    /// can make the batch revert. Reverts with `LengthMismatch`, `EmptyBatch`, `ZeroRecipient(index)`,
    /// `ZeroAmount(index)`, `CertificatesAlreadyIssued(id)`.
    /// @param batchId The reward batch the certificates belong to.
    /// @param holders Producers credited, none the zero address.
    /// @param energyWh Verified Wh per holder, none zero.
    /// @return totalWh Sum of `energyWh`.
    function issueBatch(
        bytes32 batchId,
        address[] calldata holders,
        uint256[] calldata energyWh
    ) external onlyRole(ISSUER_ROLE) returns (uint256 totalWh) {
        uint256 count = holders.length;
        if (count != energyWh.length) revert LengthMismatch(count, energyWh.length);
        if (count == 0) revert EmptyBatch();
        uint256 id = certificateId(batchId);
        if (_issuedWh[id] != 0) revert CertificatesAlreadyIssued(id);
        // One-element arrays for `_update`, reused for every holder (it does not keep them).
        uint256[] memory ids = new uint256[](1);
        uint256[] memory values = new uint256[](1);
        ids[0] = id;

        for (uint256 i = 0; i < count; ++i) {
            address holder = holders[i];
            uint256 wh = energyWh[i];
            if (holder == address(0)) revert ZeroRecipient(i);
            if (wh == 0) revert ZeroAmount(i);
            totalWh += wh;
            if (holder.code.length != 0) {
                _pending[holder][id] += wh;
                emit CertificatesHeld(holder, id, wh);
            } else {
                // No code, so no acceptance check to run: `_update` is `_mint` without it.
                values[0] = wh;
                _update(address(0), holder, ids, values);
            }
        }
        _issuedWh[id] = totalWh;
        emit CertificatesIssued(id, count, totalWh);
    }

    /// @notice Claims (retires) `energyWh` units of `id` held by the caller for `beneficiary`.
    /// @dev Burns the units (`TransferSingle` to the zero address), then books them as claimed. Reverts with
    /// `ZeroClaim(id)`, `EmptyBeneficiary(id)` or `ERC1155InsufficientBalance(holder, balance, needed, id)`.
    /// @param id Certificate id.
    /// @param energyWh Units to claim.
    /// @param beneficiary Name of the beneficiary.
    function claim(uint256 id, uint256 energyWh, string calldata beneficiary) external {
        _claim(_msgSender(), id, energyWh, beneficiary);
    }

    /// @notice Claims `energyWh` units of `id` held by `holder` for `beneficiary`, as the holder or as an
    /// operator the holder approved for all (`setApprovalForAll`).
    /// @dev Reverts with `ERC1155MissingApprovalForAll(operator, holder)` for an unapproved caller.
    /// @param holder Account whose units are claimed.
    /// @param id Certificate id.
    /// @param energyWh Units to claim.
    /// @param beneficiary Name of the beneficiary.
    function claimFrom(address holder, uint256 id, uint256 energyWh, string calldata beneficiary) external {
        address operator = _msgSender();
        if (holder != operator && !isApprovedForAll(holder, operator)) {
            revert ERC1155MissingApprovalForAll(operator, holder);
        }
        _claim(holder, id, energyWh, beneficiary);
    }

    /// @notice Mints the units of `id` held for the caller (see `issueBatch`) to `to`, which may be the
    /// caller itself or an account without code.
    /// @dev Emits `TransferSingle(caller, 0, to, id, units)` and `CertificatesCollected`. Runs the ERC-1155
    /// acceptance check on `to`. Reverts with `NoPendingCertificates(caller, id)`,
    /// `ERC1155InvalidReceiver(to)` (the zero address, or a contract refusing the tokens).
    /// @param id Certificate id.
    /// @param to Receiver of the units.
    function collectCertificates(uint256 id, address to) external {
        address holder = _msgSender();
        uint256 energyWh = _pending[holder][id];
        if (energyWh == 0) revert NoPendingCertificates(holder, id);
        delete _pending[holder][id];
        _mint(to, id, energyWh, "");
        emit CertificatesCollected(holder, id, to, energyWh);
    }

    /// @notice Units (Wh) of `id` held for `holder` until it collects them.
    /// @param holder The holder (an account that had code when the certificates were issued).
    /// @param id Certificate id.
    /// @return Held units.
    function pendingCertificates(address holder, uint256 id) external view returns (uint256) {
        return _pending[holder][id];
    }

    /// @notice Units (Wh) of `id` that `account` has claimed so far.
    /// @param account The holder that claimed.
    /// @param id Certificate id.
    /// @return Claimed units.
    function claimedBalanceOf(address account, uint256 id) external view returns (uint256) {
        return _claimedBalances[account][id];
    }

    /// @notice Units (Wh) issued for `id` (zero if not issued).
    /// @param id Certificate id.
    /// @return Issued units.
    function issuedEnergyWh(uint256 id) external view returns (uint256) {
        return _issuedWh[id];
    }

    /// @notice Units (Wh) of `id` claimed by anyone.
    /// @param id Certificate id.
    /// @return Claimed units.
    function claimedEnergyWh(uint256 id) external view returns (uint256) {
        return _claimedWh[id];
    }

    /// @notice The certificate id of a reward batch.
    /// @param batchId The reward batch id.
    /// @return `uint256(batchId)`.
    function certificateId(bytes32 batchId) public pure returns (uint256) {
        return uint256(batchId);
    }

    /// @inheritdoc ERC1155
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC1155, AccessControlDefaultAdminRules) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    function _claim(address holder, uint256 id, uint256 energyWh, string calldata beneficiary) private {
        if (energyWh == 0) revert ZeroClaim(id);
        if (bytes(beneficiary).length == 0) revert EmptyBeneficiary(id);
        _burn(holder, id, energyWh);
        _claimedBalances[holder][id] += energyWh;
        _claimedWh[id] += energyWh;
        emit CertificatesClaimed(holder, id, energyWh, beneficiary);
    }
}
