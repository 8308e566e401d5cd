// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Pausable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Pausable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title C4E Reward Token
/// @author C4E
/// @notice ERC-20 token (18 decimals) rewarding verified green-energy export. Minting is restricted to
/// MINTER_ROLE (the RewardMinter contract), pausing to PAUSER_ROLE. Supports EIP-2612 permit.
/// @dev While paused, every balance change reverts with `EnforcedPause()`: transfers, mints and burns.
contract C4EToken is ERC20, ERC20Permit, ERC20Pausable, AccessControl {
    /// @notice Role allowed to mint new tokens.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice Role allowed to pause and unpause the token.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice Deploys the token and grants `admin` DEFAULT_ADMIN_ROLE and PAUSER_ROLE.
    /// @dev No minter is set here: the admin grants MINTER_ROLE (to the RewardMinter) after deployment.
    /// @param admin Account administering roles; also the initial pauser.
    constructor(address admin) ERC20("C4E Reward Token", "C4E") ERC20Permit("C4E Reward Token") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @notice Mints `amount` base units to `to`.
    /// @dev Reverts with `ERC20InvalidReceiver(address(0))` for the zero address, `EnforcedPause()` when paused.
    /// @param to Recipient of the new tokens.
    /// @param amount Amount in base units (18 decimals).
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
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
