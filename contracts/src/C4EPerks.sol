// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {C4EToken} from "./C4EToken.sol";

/// @title C4E perks and energy coupons
/// @author C4E
/// @notice Partners list perks priced in C4E; a prosumer redeems a perk (with a prior approval or an
/// EIP-2612 permit) and receives one energy coupon, an ERC-1155 token whose id is the perk id. The perk's
/// partner consumes (burns) the coupon when it is used. The retailer grants and revokes the partner role;
/// its own perk "credit on my energy invoice" is a perk like any other.
/// @dev Roles: DEFAULT_ADMIN_ROLE administers RETAILER_ROLE; RETAILER_ROLE administers PARTNER_ROLE and may
/// end any perk; PARTNER_ROLE lists perks. A perk is valid in [validFrom, validUntil) (block time).
/// DEFAULT_ADMIN_ROLE follows OpenZeppelin's AccessControlDefaultAdminRules (one holder, two-step transfer
/// after a delay). A coupon can only be consumed by its own perk's partner, PARTNER_ROLE or not.
contract C4EPerks is ERC1155, AccessControlDefaultAdminRules {
    using SafeCast for uint256;

    /// @notice Role of the retailer: grants and revokes PARTNER_ROLE.
    bytes32 public constant RETAILER_ROLE = keccak256("RETAILER_ROLE");
    /// @notice Role allowed to list perks.
    bytes32 public constant PARTNER_ROLE = keccak256("PARTNER_ROLE");

    /// @notice A perk, packed into two storage slots.
    /// @param partner Lister of the perk; receives the price unless it is burned; consumes coupons.
    /// @param price Price of one coupon in C4E base units.
    /// @param validFrom First second (unix) the perk can be redeemed.
    /// @param validUntil First second (unix) the perk can no longer be redeemed.
    /// @param supply Number of coupons that can be redeemed in total.
    /// @param redeemed Number of coupons redeemed so far.
    /// @param burnTokens True: the price is burned; false: it is paid to the partner.
    struct Perk {
        address partner;
        uint96 price;
        uint48 validFrom;
        uint48 validUntil;
        uint64 supply;
        uint64 redeemed;
        bool burnTokens;
    }

    C4EToken private immutable _token;
    uint256 private _perkCount;
    mapping(uint256 perkId => Perk) private _perks;
    mapping(uint256 perkId => string) private _names;

    /// @notice A perk was listed.
    /// @param perkId Id of the perk and of its coupons (1, 2, …).
    /// @param partner The listing partner.
    /// @param price Price of one coupon in C4E base units.
    /// @param supply Coupons available.
    /// @param validFrom First valid second.
    /// @param validUntil First invalid second.
    /// @param burnTokens Whether the price is burned (else paid to the partner).
    /// @param name Display name.
    event PerkCreated(
        uint256 indexed perkId,
        address indexed partner,
        uint256 price,
        uint256 supply,
        uint256 validFrom,
        uint256 validUntil,
        bool burnTokens,
        string name
    );

    /// @notice A perk was ended early: it can no longer be redeemed from `validUntil` on.
    /// @param perkId The perk.
    /// @param validUntil The new end (the block time of the call).
    event PerkEnded(uint256 indexed perkId, uint256 validUntil);

    /// @notice `account` redeemed one coupon of `perkId` for `price` (burned or paid to `partner`).
    /// @param perkId The perk (= coupon id).
    /// @param account The redeeming holder, who received the coupon.
    /// @param partner The perk's partner.
    /// @param price Price paid in C4E base units.
    /// @param burned True if the price was burned, false if it was paid to the partner.
    event PerkRedeemed(
        uint256 indexed perkId,
        address indexed account,
        address indexed partner,
        uint256 price,
        bool burned
    );

    /// @notice The perk's partner consumed one coupon of `holder`.
    /// @param perkId The perk (= coupon id).
    /// @param holder The account whose coupon was burned.
    /// @param partner The partner that consumed it.
    /// @param ref The partner's reference (order or invoice id, hashed or packed).
    event CouponConsumed(uint256 indexed perkId, address indexed holder, address indexed partner, bytes32 ref);

    /// @notice No perk has this id.
    /// @param perkId The unknown id.
    error UnknownPerk(uint256 perkId);
    /// @notice A perk needs a name.
    error EmptyPerkName();
    /// @notice A perk needs a supply of at least one coupon.
    /// @param supply The refused supply.
    error InvalidPerkSupply(uint256 supply);
    /// @notice The validity window is empty or already over.
    /// @param validFrom Requested start.
    /// @param validUntil Requested end.
    error InvalidPerkWindow(uint256 validFrom, uint256 validUntil);
    /// @notice The perk cannot be redeemed yet.
    /// @param perkId The perk.
    /// @param validFrom Its first valid second.
    error PerkNotStarted(uint256 perkId, uint256 validFrom);
    /// @notice The perk can no longer be redeemed.
    /// @param perkId The perk.
    /// @param validUntil Its first invalid second.
    error PerkExpired(uint256 perkId, uint256 validUntil);
    /// @notice Every coupon of the perk was redeemed.
    /// @param perkId The perk.
    /// @param supply Its supply.
    error PerkSoldOut(uint256 perkId, uint256 supply);
    /// @notice Only the perk's partner (or, to end it, the retailer) may do this.
    /// @param perkId The perk.
    /// @param account The caller.
    error NotPerkPartner(uint256 perkId, address account);

    /// @notice Deploys the perks for `token_`; `admin` (the retailer) gets DEFAULT_ADMIN_ROLE, RETAILER_ROLE
    /// and PARTNER_ROLE (for its own perks).
    /// @param token_ The C4E token perks are paid with.
    /// @param admin The retailer.
    /// @param initialAdminDelay Seconds a new default admin must wait before accepting the role.
    /// @param uri_ ERC-1155 metadata URI template of the coupons.
    constructor(
        C4EToken token_,
        address admin,
        uint48 initialAdminDelay,
        string memory uri_
    ) ERC1155(uri_) AccessControlDefaultAdminRules(initialAdminDelay, admin) {
        _token = token_;
        _setRoleAdmin(PARTNER_ROLE, RETAILER_ROLE);
        _grantRole(RETAILER_ROLE, admin);
        _grantRole(PARTNER_ROLE, admin);
    }

    /// @notice Lists a perk; the caller is its partner.
    /// @dev Reverts with `EmptyPerkName()`, `InvalidPerkSupply(supply)`, `InvalidPerkWindow(from, until)`
    /// (empty, or ending in the past), `SafeCastOverflowedUintDowncast` for values beyond the packed widths
    /// (price 96 bits, times 48 bits, supply 64 bits), `AccessControlUnauthorizedAccount` without PARTNER_ROLE.
    /// @param name Display name (stored, and emitted for the mirror).
    /// @param price Price of one coupon in C4E base units (zero: free).
    /// @param supply Coupons available, at least one.
    /// @param validFrom First second the perk can be redeemed.
    /// @param validUntil First second it can no longer be redeemed; after `validFrom` and in the future.
    /// @param burnTokens True to burn the price, false to receive it.
    /// @return perkId The new perk's id (= its coupons' ERC-1155 id).
    function createPerk(
        string calldata name,
        uint256 price,
        uint256 supply,
        uint256 validFrom,
        uint256 validUntil,
        bool burnTokens
    ) external onlyRole(PARTNER_ROLE) returns (uint256 perkId) {
        if (bytes(name).length == 0) revert EmptyPerkName();
        if (supply == 0) revert InvalidPerkSupply(supply);
        if (!(validFrom < validUntil && block.timestamp < validUntil)) revert InvalidPerkWindow(validFrom, validUntil);
        perkId = ++_perkCount;
        _perks[perkId] = Perk({
            partner: _msgSender(),
            price: price.toUint96(),
            validFrom: validFrom.toUint48(),
            validUntil: validUntil.toUint48(),
            supply: supply.toUint64(),
            redeemed: 0,
            burnTokens: burnTokens
        });
        _names[perkId] = name;
        _emitPerkCreated(perkId, name);
    }

    /// @notice Ends a perk now; coupons already redeemed stay valid.
    /// @dev Reverts with `UnknownPerk`, `NotPerkPartner(perkId, caller)` (neither its partner nor the retailer),
    /// `PerkExpired(perkId, validUntil)` if it already ended.
    /// @param perkId The perk.
    function endPerk(uint256 perkId) external {
        Perk storage perk_ = _existingPerk(perkId);
        address caller = _msgSender();
        if (caller != perk_.partner && !hasRole(RETAILER_ROLE, caller)) revert NotPerkPartner(perkId, caller);
        if (!(block.timestamp < perk_.validUntil)) revert PerkExpired(perkId, perk_.validUntil);
        perk_.validUntil = uint48(block.timestamp);
        emit PerkEnded(perkId, block.timestamp);
    }

    /// @notice Redeems one coupon of `perkId`, paying its price from the caller's C4E (prior `approve` of
    /// this contract for at least the price).
    /// @dev Reverts with `UnknownPerk`, `PerkNotStarted`, `PerkExpired`, `PerkSoldOut`, and the token's
    /// `ERC20InsufficientAllowance`, `ERC20InsufficientBalance`, `EnforcedPause()`.
    /// @param perkId The perk.
    function redeem(uint256 perkId) external {
        _redeem(perkId, _msgSender());
    }

    /// @notice Redeems one coupon of `perkId` in one transaction with an EIP-2612 permit of the caller for
    /// this contract. A permit that fails (e.g. already used by a front-runner) is ignored: the allowance it
    /// granted, if any, is used all the same.
    /// @param perkId The perk.
    /// @param value Allowance signed in the permit (at least the price).
    /// @param deadline Permit deadline.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    function redeemWithPermit(uint256 perkId, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external {
        address account = _msgSender();
        // solhint-disable-next-line no-empty-blocks
        try _token.permit(account, address(this), value, deadline, v, r, s) {} catch {}
        _redeem(perkId, account);
    }

    /// @notice Consumes one coupon of `holder` for `perkId`: the perk's partner marks it used. Also after the
    /// perk ended (coupons already redeemed stay valid); only ever by that perk's partner, whatever roles
    /// another account holds.
    /// @dev Reverts with `UnknownPerk`, `NotPerkPartner(perkId, caller)`,
    /// `ERC1155InsufficientBalance(holder, balance, 1, perkId)` if the holder has no coupon of the perk.
    /// @param holder Account presenting the coupon.
    /// @param perkId The perk (= coupon id).
    /// @param ref The partner's reference (e.g. an order or invoice id).
    function consumeCoupon(address holder, uint256 perkId, bytes32 ref) external {
        address caller = _msgSender();
        if (caller != _existingPerk(perkId).partner) revert NotPerkPartner(perkId, caller);
        _burn(holder, perkId, 1);
        emit CouponConsumed(perkId, holder, caller, ref);
    }

    /// @notice A perk's terms and counters.
    /// @param perkId The perk.
    /// @return The perk (partner zero for an unknown id).
    function perk(uint256 perkId) external view returns (Perk memory) {
        return _perks[perkId];
    }

    /// @notice A perk's display name.
    /// @param perkId The perk.
    /// @return The name (empty for an unknown id).
    function perkName(uint256 perkId) external view returns (string memory) {
        return _names[perkId];
    }

    /// @notice Number of perks listed so far (ids are 1 … perkCount).
    /// @return The count.
    function perkCount() external view returns (uint256) {
        return _perkCount;
    }

    /// @notice The token perks are paid with.
    /// @return The C4EToken address.
    function token() external view returns (C4EToken) {
        return _token;
    }

    /// @inheritdoc ERC1155
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC1155, AccessControlDefaultAdminRules) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    function _redeem(uint256 perkId, address account) private {
        Perk storage perk_ = _existingPerk(perkId);
        uint256 validFrom = perk_.validFrom;
        uint256 validUntil = perk_.validUntil;
        if (block.timestamp < validFrom) revert PerkNotStarted(perkId, validFrom);
        if (!(block.timestamp < validUntil)) revert PerkExpired(perkId, validUntil);
        uint64 redeemed = perk_.redeemed;
        if (!(redeemed < perk_.supply)) revert PerkSoldOut(perkId, perk_.supply);
        perk_.redeemed = redeemed + 1;

        address partner = perk_.partner;
        uint256 price = perk_.price;
        bool burned = perk_.burnTokens;
        if (burned) {
            _token.burnFrom(account, price);
        } else {
            SafeERC20.safeTransferFrom(_token, account, partner, price);
        }
        emit PerkRedeemed(perkId, account, partner, price, burned);
        _mint(account, perkId, 1, "");
    }

    /// @dev Emits PerkCreated from the stored perk (a separate frame keeps `createPerk` within the stack).
    function _emitPerkCreated(uint256 perkId, string calldata name) private {
        Perk storage perk_ = _perks[perkId];
        emit PerkCreated(
            perkId,
            perk_.partner,
            perk_.price,
            perk_.supply,
            perk_.validFrom,
            perk_.validUntil,
            perk_.burnTokens,
            name
        );
    }

    function _existingPerk(uint256 perkId) private view returns (Perk storage perk_) {
        perk_ = _perks[perkId];
        if (perk_.partner == address(0)) revert UnknownPerk(perkId);
    }
}
