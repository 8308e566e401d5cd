// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Pausable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Pausable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {StorageSlot} from "@openzeppelin/contracts/utils/StorageSlot.sol";
import {IRewardBatchErrors} from "./IRewardBatchErrors.sol";

/// @title C4E Reward Token
/// @author C4E
/// @notice ERC-20 token (18 decimals) rewarding verified green-energy export. Minting is restricted to
/// MINTER_ROLE (the RewardMinter contract), pausing to PAUSER_ROLE. Holders may burn their tokens;
/// EIP-2612 `permit` lets a holder approve with a signature (used to redeem perks in one transaction).
/// @dev While paused, every balance change reverts with `EnforcedPause()`: transfers, mints and burns.
/// DEFAULT_ADMIN_ROLE follows OpenZeppelin's AccessControlDefaultAdminRules: one holder, transferred in two
/// steps (`beginDefaultAdminTransfer`, then `acceptDefaultAdminTransfer` by the new admin once the delay
/// passed); `grantRole(DEFAULT_ADMIN_ROLE, …)` reverts.
contract C4EToken is
    ERC20,
    ERC20Permit,
    ERC20Burnable,
    ERC20Pausable,
    AccessControlDefaultAdminRules,
    IRewardBatchErrors
{
    /// @notice Role allowed to mint new tokens.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice Role allowed to pause and unpause the token.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @dev Storage slots of OpenZeppelin ERC20's private `_balances` (0) and `_totalSupply` (2): ERC20 is
    /// the first base with storage, so its variables come first. `mintBatch` writes them directly (one
    /// total-supply write per batch); `test/C4EToken.test.ts` asserts both slots against `eth_getStorageAt`.
    uint256 private constant _ERC20_BALANCES_SLOT = 0;
    bytes32 private constant _ERC20_TOTAL_SUPPLY_SLOT = bytes32(uint256(2));
    /// @dev 2^160 - 2: `to - 1` is at most this for a clean, non-zero address.
    uint256 private constant _MAX_ADDRESS_MINUS_ONE = 0x00fffffffffffffffffffffffffffffffffffffffe;
    /// @dev keccak256("Transfer(address,address,uint256)").
    bytes32 private constant _TRANSFER_EVENT_SIGNATURE =
        0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

    /// @notice Deploys the token and grants `admin` DEFAULT_ADMIN_ROLE and PAUSER_ROLE.
    /// @dev No minter is set here: the admin grants MINTER_ROLE (to the RewardMinter) after deployment.
    /// @param admin Account administering roles; also the initial pauser.
    /// @param initialAdminDelay Seconds a new default admin must wait before accepting the role.
    constructor(
        address admin,
        uint48 initialAdminDelay
    )
        ERC20("C4E Reward Token", "C4E")
        ERC20Permit("C4E Reward Token")
        AccessControlDefaultAdminRules(initialAdminDelay, admin)
    {
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @notice Mints `amount` base units to `to`.
    /// @dev Reverts with `ERC20InvalidReceiver(address(0))` for the zero address, `EnforcedPause()` when paused.
    /// @param to Recipient of the new tokens.
    /// @param amount Amount in base units (18 decimals).
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @notice Mints `amounts[i]` to `recipients[i]` for every i: one `Transfer(0, recipient, amount)` per
    /// recipient, exactly as `mint` would, at a fraction of the gas.
    /// @dev The reward path's hot loop, in assembly: per recipient one balance read and write and one
    /// `Transfer` log; the total supply is written once per batch. The balance additions need no overflow
    /// check: each new balance is at most the new total supply, whose addition is checked. Reverts with
    /// `LengthMismatch`, `EmptyBatch`, `ZeroRecipient(index)`, `ZeroAmount(index)`, `EnforcedPause()`,
    /// `Panic(0x11)` if the amounts overflow, and without data for an address with dirty upper bits (as the
    /// ABI decoder does).
    /// @param recipients Recipients, none the zero address; the same one may appear several times.
    /// @param amounts Amounts in base units, none zero, in the order of `recipients`.
    /// @return total Sum of `amounts`.
    function mintBatch(
        address[] calldata recipients,
        uint256[] calldata amounts
    ) external onlyRole(MINTER_ROLE) returns (uint256 total) {
        uint256 count = recipients.length;
        if (count != amounts.length) revert LengthMismatch(count, amounts.length);
        if (count == 0) revert EmptyBatch();
        _requireNotPaused();

        uint256 invalidAt; // 1 + index of the first entry with a zero recipient or amount; 0: none
        uint256 allBits; // OR of all amounts: the sum cannot overflow while every amount is below 2^192
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x20, _ERC20_BALANCES_SLOT)
            let amountsDelta := sub(amounts.offset, recipients.offset)
            for {
                let p := recipients.offset
                let end := add(p, shl(5, count))
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                let to := calldataload(p)
                let amount := calldataload(add(p, amountsDelta))
                // invalid: amount zero, or `to` zero or wider than 160 bits (to - 1 wraps for zero)
                if or(iszero(amount), gt(sub(to, 1), _MAX_ADDRESS_MINUS_ONE)) {
                    invalidAt := add(1, shr(5, sub(p, recipients.offset)))
                    break
                }
                total := add(total, amount)
                allBits := or(allBits, amount)
                mstore(0x00, to)
                let slot := keccak256(0x00, 0x40)
                sstore(slot, add(sload(slot), amount))
                mstore(0x00, amount)
                log3(0x00, 0x20, _TRANSFER_EVENT_SIGNATURE, 0, to)
            }
        }
        if (invalidAt != 0) {
            uint256 index = invalidAt - 1;
            // Reading the element through Solidity reverts (without data) on dirty upper address bits.
            if (recipients[index] == address(0)) revert ZeroRecipient(index);
            revert ZeroAmount(index);
        }
        // A batch cannot hold 2^64 entries: with every amount below 2^192 the unchecked sum is exact.
        // Otherwise add again with checks, which panics (0x11) on overflow.
        if (allBits >> 192 != 0) {
            total = 0;
            for (uint256 i = 0; i < count; ++i) total += amounts[i];
        }
        StorageSlot.getUint256Slot(_ERC20_TOTAL_SUPPLY_SLOT).value += total;
    }

    /// @notice Pauses all transfers, mints and burns.
    /// @dev Emits `Paused(account)`; reverts with `EnforcedPause()` if already paused.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Resumes transfers, mints and burns.
    /// @dev Emits `Unpaused(account)`; reverts with `ExpectedPause()` if not paused.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @dev Both ERC20 and ERC20Pausable define `_update`; the pausable check must run.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Pausable) {
        super._update(from, to, value);
    }
}
